"""Bad pruning input: each error names the value and what is accepted."""

import math

import pytest
import torch
from torch import nn

from labkit.prune import ActivationPruning, prune_activations, prune_weights
from labkit.pruning import PruningPoint, sweep_points


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 4), nn.Linear(4, 2))


@pytest.mark.parametrize("sparsity, message", [
    (-0.1, r"sparsity must be in \[0, 1\].*-0.1"),
    (1.5, r"sparsity must be in \[0, 1\].*1.5"),
    (math.nan, r"sparsity must be in \[0, 1\].*nan"),
    ("0.5", r"sparsity must be a number in \[0, 1\], got '0.5' of type str"),
    (True, r"sparsity must be a number in \[0, 1\], got True of type bool"),
    (None, r"sparsity must be a number in \[0, 1\], got None"),
])
def test_invalid_sparsity_rejected(sparsity, message):
    model = make_model()
    with pytest.raises(ValueError, match=message):
        prune_weights(model, sparsity)
    with pytest.raises(ValueError, match=message):
        prune_activations(model, sparsity)
    assert not hasattr(model[0], "parametrizations")  # nothing was half applied
    assert not model[0]._forward_pre_hooks


def test_unknown_method_names_choices():
    with pytest.raises(ValueError, match=r"unknown pruning method 'l2'.*random, l1-norm"):
        prune_weights(make_model(), 0.5, method="l2")
    with pytest.raises(ValueError, match=r"unknown pruning method 'magnitude'.*random, l1-norm"):
        ActivationPruning(0.5, "magnitude")


def test_unknown_scope_names_choices():
    with pytest.raises(ValueError, match=r"unknown pruning scope 'layer'.*local, global"):
        prune_weights(make_model(), 0.5, scope="layer")


def test_global_scope_rejects_per_layer_sparsity():
    with pytest.raises(ValueError, match=r"global scope.*one sparsity.*scope='local'"):
        prune_weights(make_model(), {"0": 0.5}, scope="global")


def test_per_layer_sparsity_names_unknown_layer():
    with pytest.raises(ValueError, match=r"not selected Linear layers: \['classifier'\]"):
        prune_weights(make_model(), {"classifier": 0.5})


def test_per_layer_sparsity_checks_each_value():
    with pytest.raises(ValueError, match=r"sparsity of 1 must be in \[0, 1\].*2.0"):
        prune_weights(make_model(), {"0": 0.5, "1": 2.0})


def test_include_matching_nothing():
    with pytest.raises(ValueError, match=r"include pattern 'attention' matches no Linear layer"):
        prune_weights(make_model(), 0.5, include="attention")


def test_unknown_target_names_choices():
    with pytest.raises(ValueError, match=r"unknown pruning target 'biases'.*weights, weights\+activations"):
        PruningPoint(0.5, target="biases").apply(make_model(), seed=0)


def test_sweep_points_cover_every_combination():
    points = sweep_points([0.1, 0.2, 0.3], methods=("random", "l1-norm"), scopes=("local", "global"))
    assert len(points) == 12
    assert len(set(points)) == 12
    assert PruningPoint(0.2, "random", "global") in points
