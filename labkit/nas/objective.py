"""Trial objectives of Lab 2: build the sampled model, train it, compress it, evaluate it.

The tokenised data of a study is prepared once, in :func:`prepare_search_data`,
and shared by every trial.
"""

import dataclasses

import datasets
import torch

from labkit.context import LabContext
from labkit.data import take_balanced
from labkit.nas.build import CONFIG_FIELDS, build_classifier, built_architecture
from labkit.nas.space import SearchSpace, sample_architecture
from labkit.precision import quantize_model
from labkit.profiles import SearchBudget
from labkit.prune import prune_weights
from labkit.quant import FixedPointFormat
from labkit.train import evaluate, make_eval_loader, make_train_loader, set_seed, train

__all__ = ["SearchData", "prepare_search_data", "Compression", "architecture_objective",
           "compression_objective", "compressed_size_bits"]


@dataclasses.dataclass
class SearchData:
    """The tokenised train and test subsets that every trial of a study uses."""

    train: datasets.Dataset
    test: datasets.Dataset
    tokenizer: object
    budget: SearchBudget
    seed: int
    device: torch.device

    def train_loader(self):
        return make_train_loader(self.train, self.tokenizer, self.budget.batch_size, self.seed)

    def test_loader(self):
        return make_eval_loader(self.test, self.tokenizer, self.budget.batch_size * 4)

    data_fingerprint: str  # of the profile's splits, from LabContext

    def settings(self) -> dict:
        """Return what a trial's result depends on, apart from its parameters."""
        return {**dataclasses.asdict(self.budget), "seed": self.seed,
                "data_fingerprint": self.data_fingerprint}


def prepare_search_data(context: LabContext, budget: SearchBudget | None = None) -> SearchData:
    """Take the search subsets from the tokenised splits and truncate them.

    ``budget`` defaults to the profile's Lab 2 budget (``profile.search``).
    """
    budget = budget or context.profile.search

    def truncate(batch):
        return {key: [ids[:budget.max_length] for ids in batch[key]]
                for key in ("input_ids", "token_type_ids", "attention_mask") if key in batch}

    subsets = {}
    for split, size in (("train", budget.train_size), ("test", budget.test_size)):
        subset = take_balanced(context.tokenized[split], size, context.seed)
        subsets[split] = subset.map(truncate, batched=True)
    return SearchData(subsets["train"], subsets["test"], context.tokenizer, budget, context.seed,
                      context.device, context.data_fingerprint)


def _train(model, data: SearchData, epochs: int, description: str):
    set_seed(data.seed)
    train(model, data.train_loader(), epochs=epochs, learning_rate=data.budget.learning_rate,
          device=data.device, description=description)


def _build(trial, data: SearchData, space: SearchSpace, identities: bool):
    params = sample_architecture(trial, space, identities)
    model = build_classifier(params, len(data.tokenizer), data.seed, data.budget.max_length)
    trial.set_user_attr("parameters", sum(p.numel() for p in model.parameters()))
    built = built_architecture(model)
    for name in CONFIG_FIELDS:
        trial.set_user_attr(f"built_{name}", built[name])
    trial.set_user_attr("identity_layers", list(built.values()).count("identity"))
    return model


def architecture_objective(data: SearchData, space: SearchSpace, identities: bool = True):
    """Return an objective that trains the sampled model and returns its test accuracy."""

    def objective(trial) -> float:
        model = _build(trial, data, space, identities)
        _train(model, data, data.budget.epochs, f"trial {trial.number}")
        return evaluate(model, data.test_loader(), device=data.device)

    return objective


@dataclasses.dataclass(frozen=True)
class Compression:
    """Lab 1's compression applied inside a trial: fixed point, then L1-norm pruning."""

    width: int = 8
    frac_width: int = 4
    sparsity: float = 0.5

    def apply(self, model):
        number_format = FixedPointFormat(self.width, self.frac_width)
        compressed = quantize_model(model, number_format)
        prune_weights(compressed, self.sparsity, method="l1-norm")
        return compressed


def compressed_size_bits(model, compression: Compression) -> int:
    """Return the model size in bits after compression.

    Kept Linear weights and all Linear biases count ``compression.width``
    bits each; every other parameter (embeddings, LayerNorm) counts 32 bits.
    Pruned weights count nothing, so the index overhead of a sparse format
    is not included.
    """
    bits = 0
    linear_parameters = set()
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            bits += int((module.weight != 0).sum()) * compression.width
            if module.bias is not None:
                bits += module.bias.numel() * compression.width
            linear_parameters.update(id(p) for p in module.parameters())
    for parameter in model.parameters():
        if id(parameter) not in linear_parameters:
            bits += parameter.numel() * 32
    return bits


def compression_objective(data: SearchData, space: SearchSpace, compression: Compression,
                          identities: bool = True, size_objective: bool = False):
    """Return an objective that trains, compresses, evaluates, trains one more epoch and evaluates.

    It returns the accuracy after post-compression training, and with
    ``size_objective`` also the compressed size in bits (a second objective
    to minimise). The uncompressed and compressed accuracies are kept as
    the trial's user attributes ``accuracy_uncompressed`` and ``accuracy_compressed``.
    """

    def objective(trial):
        model = _build(trial, data, space, identities)
        _train(model, data, data.budget.epochs, f"trial {trial.number}")
        trial.set_user_attr("accuracy_uncompressed", evaluate(model, data.test_loader(), device=data.device))
        compressed = compression.apply(model)
        trial.set_user_attr("accuracy_compressed",
                            evaluate(compressed, data.test_loader(), device=data.device))
        _train(compressed, data, 1, f"trial {trial.number}, post-compression")
        accuracy = evaluate(compressed, data.test_loader(), device=data.device)
        size_bits = compressed_size_bits(compressed, compression)
        trial.set_user_attr("size_bits", size_bits)
        return (accuracy, size_bits) if size_objective else accuracy

    return objective
