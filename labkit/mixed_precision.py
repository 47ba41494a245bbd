"""Lab 3: per-layer number formats as optuna parameters, applied to the trained baseline.

Each Linear layer chooses ``"fp32"`` or one format, and for that format a
few parameters from ``SEARCH_CHOICES``. The chosen format quantises the
layer's input, weight and bias. A trial quantises a copy of the baseline,
trains it briefly with the formats in place (QAT) and evaluates it.
"""

import copy
import dataclasses
import re

import pandas as pd
import torch

from labkit.quant import quantize_linear_layers, select_linear_layers
from labkit.quant.formats import SEARCH_CHOICES, make_format

__all__ = ["FP32", "sample_layer_formats", "apply_layer_formats", "mean_bits", "mixed_precision_objective",
           "layer_format_table"]

FP32 = "fp32"


def sample_layer_formats(trial, layer_names: list[str], format_name: str) -> dict[str, object]:
    """Suggest, for each layer, FP32 or ``format_name`` with its parameters; return layer -> format or None."""
    if format_name not in SEARCH_CHOICES:
        raise ValueError(f"unknown number format {format_name!r}: use one of {', '.join(SEARCH_CHOICES)}")
    formats = {}
    for layer in layer_names:
        choice = trial.suggest_categorical(f"{layer}:format", [FP32, format_name])
        if choice == FP32:
            formats[layer] = None
            continue
        params = {name: trial.suggest_categorical(f"{layer}:{name}", list(values))
                  for name, values in SEARCH_CHOICES[format_name].items()}
        formats[layer] = make_format(format_name, **params)
    return formats


def apply_layer_formats(baseline, formats: dict[str, object]):
    """Return a copy of ``baseline`` whose layers quantise input, weight and bias with their formats."""
    model = copy.deepcopy(baseline)
    for layer, number_format in formats.items():
        if number_format is not None:
            quantize_linear_layers(model, input_format=number_format, weight_format=number_format,
                                   bias_format=number_format, include=f"^{re.escape(layer)}$")
    return model


def mean_bits(model, formats: dict[str, object]) -> float:
    """Return the storage bits per Linear weight, averaged over all Linear weights (FP32 counts 32)."""
    bits = total = 0
    for layer in select_linear_layers(model):
        count = model.get_submodule(layer).weight.numel()
        number_format = formats.get(layer)
        bits += count * (32.0 if number_format is None else number_format.bits)
        total += count
    return bits / total


@dataclasses.dataclass
class TrialData:
    """The loaders a mixed-precision trial trains and evaluates on."""

    train_loader: object
    test_loader: object
    learning_rate: float
    device: torch.device


def mixed_precision_objective(baseline, data: TrialData, format_name: str, train, evaluate):
    """Return an objective: sample per-layer formats, QAT one pass over the data, evaluate.

    ``train`` and ``evaluate`` are :func:`labkit.train.train` and
    :func:`labkit.train.evaluate`, passed in so that tests can replace them.
    """
    layer_names = select_linear_layers(baseline)

    def objective(trial) -> float:
        formats = sample_layer_formats(trial, layer_names, format_name)
        model = apply_layer_formats(baseline, formats)
        trial.set_user_attr("mean_bits", mean_bits(model, formats))
        trial.set_user_attr("quantized_layers", sum(f is not None for f in formats.values()))
        train(model, data.train_loader(), epochs=1, learning_rate=data.learning_rate,
              device=data.device, description=f"{format_name} trial {trial.number}")
        return evaluate(model, data.test_loader(), device=data.device)

    return objective


def _plain(value):
    # A results table with missing values stores integer choices as floats (8.0).
    return int(value) if isinstance(value, float) and value.is_integer() else value


def layer_format_table(params: dict, layer_names: list[str]) -> pd.DataFrame:
    """Return one row per layer with its chosen format and parameters, from a trial's params."""
    rows = []
    for layer in layer_names:
        row = {"layer": layer, "format": params.get(f"{layer}:format", FP32)}
        prefix = f"{layer}:"
        row.update({key[len(prefix):]: _plain(value) for key, value in params.items()
                    if key.startswith(prefix) and key != f"{layer}:format"})
        rows.append(row)
    return pd.DataFrame(rows)


def format_search(context, baseline, data, format_name: str, storage: str | None = None) -> pd.DataFrame:
    """Run the persistent per-layer study for ``format_name``; return one row per completed trial.

    ``data`` is Lab 2's :class:`~labkit.nas.objective.SearchData`: every trial
    trains one epoch on its train subset at the profile's fine-tuning
    learning rate and is evaluated on its test subset. The sampler is TPE,
    seeded with the profile's seed.
    """
    from labkit.nas import make_sampler, open_storage, run_study, study_name
    from labkit.nas.study import best_so_far
    from labkit.train import evaluate, set_seed, train

    budget = data.budget.trials
    trial_data = TrialData(data.train_loader, data.test_loader, context.finetune_learning_rate,
                           context.device)

    def seeded_train(*args, **kwargs):
        set_seed(context.seed)  # the same batches in every trial
        return train(*args, **kwargs)

    settings = {**context.provenance(), **data.settings(), "format": format_name,
                "choices": SEARCH_CHOICES[format_name], "learning_rate": context.finetune_learning_rate}
    study = run_study(study_name("mixed", format_name, settings),
                      mixed_precision_objective(baseline, trial_data, format_name, seeded_train, evaluate),
                      make_sampler("tpe", None, context.seed, budget), budget,
                      open_storage(storage, context.profile.name))
    table = best_so_far(study, budget)
    table.insert(0, "format", format_name)
    return table
