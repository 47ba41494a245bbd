"""Pruned layers during training and evaluation, on plain and quantised models."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from labkit.prune import (ActivationPruning, prune_activations, prune_weights,
                          remove_activation_pruning, weight_mask)
from labkit.quant import FixedPointFormat, QuantizedLinear, fixed_point_quantize, quantize_linear_layers

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def make_model(device="cpu"):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 4)).to(device)


def take_steps(model, steps=5, weight_decay=0.5, device="cpu"):
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=weight_decay)
    model.train()
    for _ in range(steps):
        model(torch.randn(8, 16, device=device)).pow(2).mean().backward()
        optimizer.step()
        optimizer.zero_grad()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("method", ["random", "l1-norm"])
def test_pruned_weights_stay_zero_with_weight_decay(device, method):
    model = make_model(device)
    prune_weights(model, 0.6, method=method)
    pruned = [model[i].weight.detach() == 0 for i in (0, 2)]
    before = [model[i].weight.detach().clone() for i in (0, 2)]
    take_steps(model, device=device)
    for index, mask, old in zip((0, 2), pruned, before):
        weight = model[index].weight.detach()
        assert weight[mask].eq(0).all()
        assert not torch.equal(weight[~mask], old[~mask])  # the kept weights did train


def test_pruned_gradient_is_zero():
    model = make_model()
    prune_weights(model, 0.5)
    model(torch.randn(8, 16)).sum().backward()
    original = model[0].parametrizations.weight.original
    mask = weight_mask(model[0]).mask
    assert original.grad[mask == 0].eq(0).all()
    assert original.grad[mask == 1].ne(0).any()


def quantized_model():
    model = make_model()
    quantize_linear_layers(model, input_format=FixedPointFormat(8, 4),
                           weight_format=FixedPointFormat(8, 6), bias_format=FixedPointFormat(8, 4))
    return model


def test_pruning_quantised_model_keeps_quantisation():
    model = quantized_model()
    prune_weights(model, 0.5)
    layer = model[0]
    assert isinstance(layer, QuantizedLinear)
    assert layer.weight_format == FixedPointFormat(8, 6)
    x = torch.randn(3, 16)
    expected = F.linear(fixed_point_quantize(x, 8, 4), fixed_point_quantize(layer.weight, 8, 6),
                        fixed_point_quantize(layer.bias, 8, 4))
    model.eval()
    with torch.inference_mode():
        output = layer(x)
    assert torch.equal(output, expected)
    assert int((layer.weight == 0).sum()) == 96


def test_pruned_quantised_model_stays_sparse_through_qat():
    model = quantized_model()
    prune_weights(model, 0.7, method="l1-norm")
    mask = model[0].weight.detach() == 0
    take_steps(model)
    assert model[0].weight.detach()[mask].eq(0).all()
    assert isinstance(model[0], QuantizedLinear)


def test_quantising_pruned_model_keeps_masks():
    model = make_model()
    prune_weights(model, 0.5)
    mask = model[0].weight.detach() == 0
    quantize_linear_layers(model, weight_format=FixedPointFormat(8, 6))
    assert isinstance(model[0], QuantizedLinear)
    assert weight_mask(model[0]) is not None
    take_steps(model)
    assert model[0].weight.detach()[mask].eq(0).all()


def test_evaluation_folds_mask_once():
    model = make_model()
    prune_weights(model, 0.5)
    model.eval()
    with torch.inference_mode():
        first = model[0].weight
        assert model[0].weight is first  # folded once, reused
        model(torch.randn(2, 16))
    with torch.no_grad():
        model[0].parametrizations.weight.original.add_(1.0)
    with torch.inference_mode():
        refolded = model[0].weight
    assert refolded is not first
    mask = weight_mask(model[0]).mask
    assert torch.equal(refolded, model[0].parametrizations.weight.original.detach() * mask)


def test_folded_quantised_layer_matches_training_path():
    model = quantized_model()
    prune_weights(model, 0.5)
    x = torch.randn(4, 16)
    model.train()
    with torch.no_grad():
        training_output = model(x)
    model.eval()
    with torch.inference_mode():
        evaluation_output = model(x)
    assert torch.equal(training_output, evaluation_output)


def test_activation_pruning_zeros_smallest_per_vector():
    hook = ActivationPruning(0.5, "l1-norm")
    x = torch.tensor([[[0.3, -0.1, 2.0, -4.0], [1.0, 0.5, -0.2, 0.0]]])
    mask = hook.mask_like(x)
    assert mask.tolist() == [[[0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0]]]


def test_activation_pruning_hook_on_layer():
    model = make_model()
    names = prune_activations(model, 0.25, method="l1-norm")
    assert names == ["0", "2"]
    seen = {}
    model[0].register_forward_pre_hook(lambda module, args: seen.update(x=args[0]))
    x = torch.randn(3, 16, requires_grad=True)
    model(x)
    assert (seen["x"] == 0).sum(dim=-1).tolist() == [4, 4, 4]
    model(x).sum().backward()
    assert x.grad[seen["x"] == 0].eq(0).all()


def test_random_activation_pruning_count():
    hook = ActivationPruning(0.75, "random", seed=1)
    x = torch.randn(2, 5, 8) + 10.0  # no zeros to begin with
    assert (hook.mask_like(x) == 0).sum(dim=-1).eq(6).all()


def test_activation_pruning_replaced_and_removed():
    model = make_model()
    x = torch.randn(3, 16)
    dense = model(x)
    prune_activations(model, 0.5)
    prune_activations(model, 0.25)
    assert len(model[0]._forward_pre_hooks) == 1
    assert model[0]._activation_pruning.sparsity == 0.25
    remove_activation_pruning(model)
    assert torch.equal(model(x), dense)


def test_activation_pruning_per_layer_sparsity():
    model = make_model()
    names = prune_activations(model, {"2": 0.5})
    assert names == ["2"]
    assert not model[0]._forward_pre_hooks
    assert model[2]._activation_pruning.sparsity == 0.5


@pytest.mark.parametrize("quantized", [False, True])
def test_compiled_pruned_model_follows_updates(quantized):
    # The folded weight is a cache keyed on the weight's version, which a
    # compiled forward must not freeze at its first call.
    model = quantized_model() if quantized else make_model()
    prune_weights(model, 0.5)
    model.eval()
    compiled = torch.compile(model, backend="aot_eager")
    x = torch.randn(4, 16)
    with torch.no_grad():
        before = compiled(x)
        assert torch.equal(before, model(x))
        model[0].parametrizations.weight.original.add_(1.0)
        after = compiled(x)
        assert torch.equal(after, model(x))
    assert not torch.equal(after, before)
    torch._dynamo.reset()
