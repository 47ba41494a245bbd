"""Build the BERT classifier a trial sampled, and read back the architecture that was built."""

import torch
from torch import nn
from transformers import BertConfig, BertForSequenceClassification

from labkit.nas.space import SQUARE_LAYERS, identity_parameter

__all__ = ["build_classifier", "built_architecture", "CONFIG_FIELDS"]

CONFIG_FIELDS = ("num_hidden_layers", "num_attention_heads", "hidden_size", "intermediate_size")


def build_classifier(params: dict, vocab_size: int, seed: int, max_length: int = 512) -> nn.Module:
    """Return a randomly initialised 2-class BERT with the sampled sizes and identity layers.

    The sizes go into ``BertConfig`` under their own field names, so a
    misspelt name would fail here instead of being silently ignored.
    """
    sizes = {name: params[name] for name in CONFIG_FIELDS}
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=vocab_size, num_labels=2,
                        max_position_embeddings=max(512, max_length), **sizes)
    model = BertForSequenceClassification(config)
    for index, layer in enumerate(model.bert.encoder.layer):
        for kind, path in SQUARE_LAYERS.items():
            if params.get(identity_parameter(index, kind), "linear") == "identity":
                parent_path, _, child = path.rpartition(".")
                setattr(layer.get_submodule(parent_path), child, nn.Identity())
    return model


def built_architecture(model: nn.Module) -> dict:
    """Return the sizes and identity layers read from a built model, not from its config."""
    layers = model.bert.encoder.layer
    first = layers[0]
    architecture = {
        "num_hidden_layers": len(layers),
        "num_attention_heads": first.attention.self.num_attention_heads,
        "hidden_size": model.bert.embeddings.word_embeddings.embedding_dim,
        "intermediate_size": first.intermediate.dense.out_features,
    }
    for index, layer in enumerate(layers):
        for kind, path in SQUARE_LAYERS.items():
            is_identity = isinstance(layer.get_submodule(path), nn.Identity)
            architecture[identity_parameter(index, kind)] = "identity" if is_identity else "linear"
    return architecture
