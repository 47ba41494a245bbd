"""Lab 3 per-layer formats: sampling, the swap keeps weight and bias, mean bits."""

import optuna
import pytest
import torch
from torch import nn

from labkit.mixed_precision import (FP32, apply_layer_formats, layer_format_table, mean_bits,
                                    mixed_precision_objective, sample_layer_formats)
from labkit.quant import FixedPointFormat, QuantizedLinear
from labkit.quant.formats import SEARCH_CHOICES, BlockFPFormat

optuna.logging.set_verbosity(optuna.logging.WARNING)


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))


def test_swap_carries_weight_and_bias():
    model = make_model()
    quantized = apply_layer_formats(model, {"0": FixedPointFormat(16, 8), "2": None})
    assert isinstance(quantized[0], QuantizedLinear)
    assert not isinstance(quantized[2], QuantizedLinear)
    assert torch.equal(quantized[0].weight, model[0].weight)
    assert torch.equal(quantized[0].bias, model[0].bias)
    assert quantized[0].weight_format == FixedPointFormat(16, 8)
    assert quantized[0].input_format == quantized[0].bias_format == FixedPointFormat(16, 8)
    assert not isinstance(model[0], QuantizedLinear)  # the baseline is left alone


def test_sample_fixed_point_choices():
    trial = optuna.trial.FixedTrial({"0:format": "integer", "0:width": 8, "0:frac_width": 4,
                                     "2:format": FP32})
    formats = sample_layer_formats(trial, ["0", "2"], "integer")
    assert formats == {"0": FixedPointFormat(8, 4), "2": None}
    assert SEARCH_CHOICES["integer"] == {"width": [8, 16, 32], "frac_width": [2, 4, 8]}


def test_mean_bits_weighted_by_weight_count():
    model = make_model()  # 128 and 32 weights
    formats = {"0": FixedPointFormat(8, 4), "2": None}
    assert mean_bits(model, formats) == (128 * 8 + 32 * 32) / 160
    assert mean_bits(model, {"0": BlockFPFormat(4, 16), "2": None}) == (128 * 4.5 + 32 * 32) / 160


def test_unknown_format_rejected():
    trial = optuna.trial.FixedTrial({})
    with pytest.raises(ValueError, match=r"unknown number format 'int4'.*integer"):
        sample_layer_formats(trial, ["0"], "int4")


def test_objective_trains_quantized_copy():
    model = make_model()
    calls = []

    def fake_train(trained, loader, **kwargs):
        calls.append(trained)

    def fake_evaluate(evaluated, loader, **kwargs):
        return 0.75

    data = type("Data", (), {"train_loader": lambda self: [], "test_loader": lambda self: [],
                             "learning_rate": 1e-3, "device": torch.device("cpu")})()
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    study.optimize(mixed_precision_objective(model, data, "log", fake_train, fake_evaluate), n_trials=4)
    assert [trial.value for trial in study.trials] == [0.75] * 4
    assert all(0 < trial.user_attrs["mean_bits"] <= 32 for trial in study.trials)
    assert all(trained is not model for trained in calls)
    table = layer_format_table(study.trials[0].params, ["0", "2"])
    assert list(table["layer"]) == ["0", "2"]
    assert set(table["format"]) <= {FP32, "log"}
