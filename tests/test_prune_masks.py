"""Pruning masks: exact counts, which entries are kept, seeds, scopes and the extremes."""

import pytest
import torch
from torch import nn

from labkit.prune import keep_mask, prune_weights, sparsity_report


def make_model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(12, 10), nn.ReLU(), nn.Linear(10, 7), nn.ReLU(), nn.Linear(7, 3))


def zeros_per_layer(model):
    return {name: int((layer.weight == 0).sum()) for name, layer in model.named_children()
            if isinstance(layer, nn.Linear)}


@pytest.mark.parametrize("method", ["random", "l1-norm"])
@pytest.mark.parametrize("sparsity", [0.1, 0.25, 0.5, 0.77, 0.9])
def test_local_sparsity_within_one_element(method, sparsity):
    model = make_model()
    prune_weights(model, sparsity, method=method, scope="local")
    for name, zeros in zeros_per_layer(model).items():
        size = model.get_submodule(name).weight.numel()
        assert abs(zeros - sparsity * size) <= 1, (name, zeros, size)


@pytest.mark.parametrize("method", ["random", "l1-norm"])
@pytest.mark.parametrize("sparsity", [0.1, 0.5, 0.77, 0.9])
def test_global_sparsity_within_one_element(method, sparsity):
    model = make_model()
    prune_weights(model, sparsity, method=method, scope="global")
    report = sparsity_report(model)
    total = report.iloc[-1]
    assert total["weights"] == 120 + 70 + 21
    assert abs(total["zeros"] - sparsity * total["weights"]) <= 1


def test_report_counts_zeros_per_layer():
    model = make_model()
    prune_weights(model, 0.5, include="^2$")
    report = sparsity_report(model, include_dense=True)
    assert list(report["layer"]) == ["0", "2", "4", "total"]
    assert list(report["zeros"]) == [0, 35, 0, 35]
    assert report.iloc[1]["sparsity"] == 0.5
    assert report.iloc[-1]["sparsity"] == pytest.approx(35 / 211)


def test_l1_norm_keeps_largest_magnitudes():
    model = make_model()
    dense = [layer.weight.detach().abs().clone() for layer in model if isinstance(layer, nn.Linear)]
    prune_weights(model, 0.6, method="l1-norm")
    pruned = [layer.weight.detach() for layer in model if isinstance(layer, nn.Linear)]
    for magnitude, weight in zip(dense, pruned):
        kept = magnitude[weight != 0]
        removed = magnitude[weight == 0]
        assert kept.min() >= removed.max()


def test_global_l1_norm_keeps_largest_overall():
    model = make_model()
    dense = torch.cat([layer.weight.detach().abs().flatten() for layer in model
                       if isinstance(layer, nn.Linear)])
    prune_weights(model, 0.6, method="l1-norm", scope="global")
    pruned = torch.cat([layer.weight.detach().flatten() for layer in model
                        if isinstance(layer, nn.Linear)])
    assert dense[pruned != 0].min() >= dense[pruned == 0].max()


def test_keep_mask_hand_computed():
    scores = torch.tensor([[0.9, 0.4], [0.5, 0.7]])
    assert keep_mask(scores, 0.5).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert keep_mask(scores, 0.25).tolist() == [[1.0, 0.0], [1.0, 1.0]]
    assert keep_mask(scores, 0.75).tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_keep_mask_exact_count_with_ties():
    scores = torch.tensor([0.5] * 10 + [0.1] * 3 + [0.9] * 7)
    mask = keep_mask(scores, 0.5)
    assert int((mask == 0).sum()) == 10
    assert (mask[10:13] == 0).all()  # the three smallest go first
    assert (mask[13:] == 1).all()  # the largest stay
    assert int((mask[:10] == 0).sum()) == 7  # the rest of the pruned count falls on the tie


def test_keep_mask_beyond_quantile_limit():
    # torch.quantile rejects inputs of more than 2**24 elements; topk has no such limit.
    scores = torch.arange(2**24 + 8, dtype=torch.float32)
    mask = keep_mask(scores, 0.25)
    pruned = round(0.25 * scores.numel())
    assert int((mask == 0).sum()) == pruned
    assert mask[:pruned].eq(0).all()
    assert mask[pruned:].eq(1).all()


def test_random_masks_reproducible_for_a_seed():
    first, second, other = make_model(), make_model(), make_model()
    prune_weights(first, 0.5, method="random", seed=3)
    prune_weights(second, 0.5, method="random", seed=3)
    prune_weights(other, 0.5, method="random", seed=4)
    for a, b, c in zip(first, second, other):
        if isinstance(a, nn.Linear):
            assert torch.equal(a.weight == 0, b.weight == 0)
    assert not torch.equal(first[0].weight == 0, other[0].weight == 0)


def test_random_and_l1_norm_differ():
    random_model, l1_model = make_model(), make_model()
    prune_weights(random_model, 0.5, method="random")
    prune_weights(l1_model, 0.5, method="l1-norm")
    assert not torch.equal(random_model[0].weight == 0, l1_model[0].weight == 0)


@pytest.mark.parametrize("method", ["random", "l1-norm"])
@pytest.mark.parametrize("scope", ["local", "global"])
def test_sparsity_zero_changes_nothing(method, scope):
    model, dense = make_model(), make_model()
    prune_weights(model, 0.0, method=method, scope=scope)
    x = torch.randn(5, 12)
    assert torch.equal(model(x), dense(x))
    assert sparsity_report(model).iloc[-1]["zeros"] == 0


@pytest.mark.parametrize("method", ["random", "l1-norm"])
@pytest.mark.parametrize("scope", ["local", "global"])
def test_sparsity_one_zeroes_everything(method, scope):
    model = make_model()
    prune_weights(model, 1.0, method=method, scope=scope)
    for layer in model:
        if isinstance(layer, nn.Linear):
            assert layer.weight.eq(0).all()
    x = torch.randn(5, 12)
    biases_only = model[4].bias.expand(5, 3)  # every layer now outputs its bias
    assert torch.equal(model(x), biases_only)


def test_per_layer_sparsity():
    model = make_model()
    names = prune_weights(model, {"0": 0.5, "4": 0.9})
    assert names == ["0", "4"]
    assert zeros_per_layer(model) == {"0": 60, "2": 0, "4": round(0.9 * 21)}


def test_pruning_again_never_revives_a_weight():
    model = make_model()
    prune_weights(model, 0.5, method="random", seed=1)
    first = model[0].weight.detach() == 0
    prune_weights(model, 0.7, method="random", seed=2)
    second = model[0].weight.detach() == 0
    assert second[first].all()
    assert int(second.sum()) == 84


def test_quantized_sparsity_counts_rounded_zeros():
    from labkit.prune import quantized_sparsity
    from labkit.quant import FixedPointFormat, quantize_linear_layers

    model = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Linear(2, 2, bias=False))
    with torch.no_grad():
        # Width 8, frac_width 4 has step 1/16: 0.01 and -0.02 are below half a step.
        model[0].weight.copy_(torch.tensor([[0.01, 0.05], [-0.02, 0.5]]))
        model[1].weight.copy_(torch.tensor([[0.0, 0.01], [1.0, -1.0]]))
    quantize_linear_layers(model, weight_format=FixedPointFormat(8, 4), include="^0$")
    assert quantized_sparsity(model) == 3 / 8  # two rounded to zero in layer 0, one zero in layer 1
