"""The quantised Linear layer and the layer swap."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from transformers import BertConfig, BertForSequenceClassification

from labkit.quant import (FixedPointFormat, QuantizedLinear, fixed_point, fixed_point_quantize,
                          quantize_linear_layers)

FORMATS = dict(
    input_format=FixedPointFormat(8, 4),
    weight_format=FixedPointFormat(6, 5),
    bias_format=FixedPointFormat(10, 6),
)


class CountingFormat:
    """A fixed-point format that counts how often it quantises."""

    def __init__(self, width, frac_width):
        self.inner = FixedPointFormat(width, frac_width)
        self.calls = 0

    def quantize(self, x):
        self.calls += 1
        return self.inner.quantize(x)


def make_layer():
    torch.manual_seed(0)
    return QuantizedLinear.from_linear(nn.Linear(16, 8), **FORMATS)


def reference_output(layer, x):
    return F.linear(
        fixed_point_quantize(x, 8, 4),
        fixed_point_quantize(layer.weight, 6, 5),
        fixed_point_quantize(layer.bias, 10, 6),
    )


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_equals_linear_on_quantized_operands(mode):
    layer = make_layer().train(mode == "train")
    x = torch.randn(4, 5, 16)  # a 3-D activation (batch, tokens, features)
    with torch.no_grad():
        assert torch.equal(layer(x), reference_output(layer, x))


def test_from_linear_copies_weight_and_bias():
    linear = nn.Linear(16, 8)
    layer = QuantizedLinear.from_linear(linear, **FORMATS)
    assert torch.equal(layer.weight, linear.weight)
    assert torch.equal(layer.bias, linear.bias)
    assert layer.weight.data_ptr() != linear.weight.data_ptr()


def test_none_format_keeps_float():
    linear = nn.Linear(16, 8)
    layer = QuantizedLinear.from_linear(linear)
    x = torch.randn(3, 16)
    assert torch.equal(layer(x), linear(x))


def test_evaluation_quantizes_weights_once():
    counter = CountingFormat(8, 4)
    layer = QuantizedLinear.from_linear(nn.Linear(16, 8), weight_format=counter).eval()
    with torch.inference_mode():
        for _ in range(3):
            layer(torch.randn(2, 16))
    assert counter.calls == 1


def test_training_quantizes_weights_every_step():
    counter = CountingFormat(8, 4)
    layer = QuantizedLinear.from_linear(nn.Linear(16, 8), weight_format=counter).train()
    for _ in range(3):
        layer(torch.randn(2, 16)).sum().backward()
    assert counter.calls == 3


def test_evaluation_cache_follows_weight_updates():
    layer = make_layer().eval()
    x = torch.randn(2, 16)
    with torch.no_grad():
        before = layer(x)
        layer.weight.add_(0.5)
        after = layer(x)
        assert not torch.equal(before, after)
        assert torch.equal(after, reference_output(layer, x))


def test_qat_gradient_reaches_weight_and_input():
    layer = make_layer().train()
    x = torch.randn(3, 16, requires_grad=True)
    layer(x).sum().backward()
    assert layer.weight.grad.abs().sum() > 0
    assert x.grad.abs().sum() > 0


def sibling_layers(input_format):
    torch.manual_seed(0)
    return [QuantizedLinear.from_linear(nn.Linear(16, 8), input_format=input_format)
            for _ in range(3)]


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_siblings_reading_one_input_quantize_it_once(mode):
    counter = CountingFormat(8, 4)
    layers = [layer.train(mode == "train") for layer in sibling_layers(counter)]
    x = torch.randn(4, 16, requires_grad=mode == "train")
    outputs = [layer(x) for layer in layers]
    assert counter.calls == 1
    for layer, output in zip(layers, outputs):
        expected = F.linear(fixed_point_quantize(x, 8, 4), layer.weight, layer.bias)
        assert torch.equal(output, expected)


def test_shared_input_gradient_sums_over_siblings():
    layers = sibling_layers(FixedPointFormat(8, 4))
    x = torch.tensor([[0.3, -9.0, 2.0, 7.9] * 4], requires_grad=True)
    sum(layer(x).sum() for layer in layers).backward()
    # The straight-through gradient of each layer, zero where x saturates (-9.0).
    in_range = torch.tensor([1.0, 0.0, 1.0, 1.0] * 4)
    expected = sum(layer.weight.sum(dim=0) for layer in layers) * in_range
    assert torch.allclose(x.grad[0], expected, atol=1e-6)


def test_changed_input_is_quantized_again():
    counter = CountingFormat(8, 4)
    first, second, _ = sibling_layers(counter)
    x = torch.randn(4, 16)
    with torch.no_grad():
        first(x)
        x.add_(1.0)
        assert torch.equal(second(x), F.linear(fixed_point_quantize(x, 8, 4), second.weight, second.bias))
        assert counter.calls == 2
        second.input_format = FixedPointFormat(4, 2)
        assert torch.equal(second(x), F.linear(fixed_point_quantize(x, 4, 2), second.weight, second.bias))


def test_input_that_starts_requiring_grad_is_quantized_again():
    first, second, _ = sibling_layers(FixedPointFormat(8, 4))
    x = torch.randn(4, 16)
    first(x)
    x.requires_grad_()
    second(x).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_compiled_model_matches_eager():
    layer = sibling_layers(FixedPointFormat(8, 4))[0]
    x = torch.randn(4, 16)
    with torch.no_grad():
        assert torch.equal(torch.compile(layer)(x), layer(x))


def quantized_pair():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 4))
    quantize_linear_layers(model, **FORMATS)
    return model


def test_compiled_evaluation_is_one_graph():
    # The evaluation cache is Python state that compile cannot trace, so a compiled
    # forward quantises the weights inside the graph instead of breaking it.
    model = quantized_pair().eval()
    x = torch.randn(4, 16)
    with torch.no_grad():
        explanation = torch._dynamo.explain(model)(x)
        compiled = torch.compile(model, backend="aot_eager")(x)
        assert torch.equal(compiled, model(x))
    assert explanation.graph_count == 1
    assert explanation.graph_break_count == 0
    torch._dynamo.reset()


def quantized_bert():
    torch.manual_seed(0)
    config = BertConfig(vocab_size=100, hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32, num_labels=2)
    model = BertForSequenceClassification(config)
    quantize_linear_layers(model, input_format=FixedPointFormat(12, 6),
                           weight_format=FixedPointFormat(12, 6), bias_format=FixedPointFormat(12, 6))
    return model.train()


def test_compiled_qat_step_matches_eager(monkeypatch):
    # Compiled first, so dynamo also traces the creation of the format constants.
    # In that case it rejected a quantiser that saved an alias of its input.
    monkeypatch.setattr(fixed_point, "_constant_cache", {})
    eager, to_compile = quantized_bert(), quantized_bert()
    compiled = torch.compile(to_compile, backend="eager")
    batch = {"input_ids": torch.randint(0, 100, (2, 8)), "labels": torch.tensor([0, 1])}
    torch.manual_seed(1)  # the same dropout masks in both
    compiled_loss = compiled(**batch).loss
    torch.manual_seed(1)
    eager_loss = eager(**batch).loss
    assert torch.equal(eager_loss, compiled_loss)
    eager_loss.backward()
    compiled_loss.backward()
    # The two backward passes may sum the embedding gradient in another order.
    for (name, a), b in zip(eager.named_parameters(), to_compile.parameters()):
        torch.testing.assert_close(a.grad, b.grad, msg=name)
    torch._dynamo.reset()


class TwoLayers(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4))
        self.classifier = nn.Linear(4, 2)

    def forward(self, x):
        return self.classifier(self.encoder(x))


def test_swap_replaces_every_linear_and_keeps_parameters():
    model = TwoLayers()
    original = {name: p.clone() for name, p in model.named_parameters()}
    swapped = quantize_linear_layers(model, **FORMATS)
    assert swapped == ["encoder.0", "encoder.2", "classifier"]
    assert all(isinstance(model.get_submodule(name), QuantizedLinear) for name in swapped)
    for name, parameter in model.named_parameters():
        assert torch.equal(parameter, original[name]), name


def test_swap_selects_by_pattern():
    model = TwoLayers()
    swapped = quantize_linear_layers(model, include=r"^encoder", exclude=r"\.2$", **FORMATS)
    assert swapped == ["encoder.0"]
    assert not isinstance(model.classifier, QuantizedLinear)


def test_swap_again_changes_formats():
    model = TwoLayers()
    quantize_linear_layers(model, **FORMATS)
    quantize_linear_layers(model, weight_format=FixedPointFormat(4, 2))
    assert model.classifier.weight_format == FixedPointFormat(4, 2)
    assert model.classifier.input_format is None


def test_swap_pattern_matching_nothing_raises():
    with pytest.raises(ValueError, match="matches no Linear layer"):
        quantize_linear_layers(TwoLayers(), include="attention", **FORMATS)
