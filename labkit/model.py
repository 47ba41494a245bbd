"""BERT-tiny for sequence classification: pretrained from the hub, or built from a config."""

import logging

import torch
from transformers import AutoModelForSequenceClassification, BertConfig, BertForSequenceClassification

from labkit.tokenizer import HUB_MODEL

__all__ = ["BERT_TINY", "build_model"]

logger = logging.getLogger(__name__)

# The architecture of prajjwal1/bert-tiny, with the standard BertConfig field names.
BERT_TINY = dict(
    hidden_size=128,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=512,
    max_position_embeddings=512,
)
NUM_LABELS = 2


def build_model(pretrained: bool, vocab_size: int, seed: int) -> torch.nn.Module:
    """Return BERT-tiny with a 2-class head, from the hub when ``pretrained``.

    Offline the same architecture is initialised from ``seed``; its vocabulary
    is the locally trained tokenizer's, so only the embedding table differs.
    """
    torch.manual_seed(seed)
    if pretrained:
        return AutoModelForSequenceClassification.from_pretrained(HUB_MODEL, num_labels=NUM_LABELS)
    config = BertConfig(vocab_size=vocab_size, num_labels=NUM_LABELS, **BERT_TINY)
    return BertForSequenceClassification(config)
