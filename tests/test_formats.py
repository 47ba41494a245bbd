"""Lab 3 number formats: hand-computed values, blocks, gradients, idempotence and bad input."""

import itertools

import pytest
import torch

from labkit.quant import QuantizedLinear
from labkit.quant.formats import (FORMAT_NAMES, SEARCH_CHOICES, BinaryFormat, BlockFPFormat,
                                  BlockLogFormat, BlockMinifloatFormat, LogFormat, MinifloatFormat,
                                  TernaryFormat, make_format)


def values(format_, *xs):
    return format_.quantize(torch.tensor(xs, dtype=torch.float32)).tolist()


def every_search_choice():
    for name, choices in SEARCH_CHOICES.items():
        for combination in itertools.product(*choices.values()):
            yield make_format(name, **dict(zip(choices, combination)))


ALL_FORMATS = list(every_search_choice())


def test_minifloat_ieee_e4m3_hand_computed():
    e4m3 = MinifloatFormat(8, 4)  # bias 7, 3 mantissa bits, no infinity or NaN codes
    assert e4m3.limits == (2.0**-9, 480.0)  # (2 - 1/8) * 2^(15 - 7)
    assert values(e4m3, 0.0, 2.0**-9, 3 * 2.0**-9, 2.0**-6, 480.0) == [0.0, 2.0**-9, 3 * 2.0**-9, 2.0**-6, 480.0]
    assert values(e4m3, 1000.0, -1000.0) == [480.0, -480.0]  # saturates
    assert values(e4m3, 2.0**-10, 0.75 * 2.0**-9) == [0.0, 2.0**-9]  # half the smallest ties to zero
    assert values(e4m3, 1.0625, 1.1875, 3.3) == [1.0, 1.25, 3.25]  # ties to even mantissa


def test_minifloat_denorm_hand_computed():
    e4m3 = MinifloatFormat(8, 4, implicit_one=False)  # x = (m / 8) * 2^(e - 7)
    assert e4m3.limits == (2.0**-10, 224.0)  # (7 / 8) * 2^(15 - 7)
    assert values(e4m3, 0.0, 2.0**-10, 224.0, 1000.0, -1000.0) == [0.0, 2.0**-10, 224.0, 224.0, -224.0]
    assert values(e4m3, 3.3, 1.0, 0.99) == [3.5, 1.0, 1.0]


def test_log_hand_computed():
    log4 = LogFormat(4)  # bias 4: zero and +-2^-3 to +-2^3
    assert log4.limits == (0.125, 8.0)
    assert values(log4, 0.0, 0.125, 8.0, 100.0, -100.0) == [0.0, 0.125, 8.0, 8.0, -8.0]
    assert values(log4, 0.05, 0.09, 3.0, -5.0) == [0.0, 0.125, 4.0, -4.0]  # nearest in log2


def test_block_fp_hand_computed():
    block = BlockFPFormat(4, 4)  # step 2^(E - 2) with E from each block's maximum
    x = [[1.0, -0.3, 0.01, 1e-6, 5.0, 0.2, -0.7]]  # 7 values: the second block is padded
    assert BlockFPFormat(4, 4).quantize(torch.tensor(x)).tolist() == [[1.0, -0.25, 0.0, 0.0, 5.0, 0.0, -1.0]]
    assert block.bits == 4 + 8 / 4


def test_block_fp_wide_range_block():
    # One block spanning six orders of magnitude: the large value sets the step (2^(9 - 6) = 8).
    assert values(BlockFPFormat(8, 4), 1000.0, 1.0, 0.001, -3.0) == [1000.0, 0.0, 0.0, -0.0]
    assert values(BlockFPFormat(8, 4), 1000.0, 1.0, 0.001, -4.0) == [1000.0, 0.0, 0.0, -0.0]  # -0.5 ties to 0
    assert values(BlockFPFormat(8, 4), 1000.0, 1.0, 0.001, -5.0) == [1000.0, 0.0, 0.0, -8.0]


def test_block_minifloat_hand_computed():
    block = BlockMinifloatFormat(6, 3, 4)  # 2 mantissa bits, bias set so the block max has exponent 7
    x = torch.tensor([[1.0, -0.3, 0.01, 1e-6, 5.0, 0.2, -0.7]])
    assert block.quantize(x).tolist() == [[1.0, -0.3125, 0.01171875, 0.0, 5.0, 0.1875, -0.75]]


def test_block_log_hand_computed():
    block = BlockLogFormat(4, 4)  # the block max is the top code, 7 codes below it
    x = torch.tensor([[1.0, -0.3, 0.01, 1e-6, 5.0, 0.2, -0.7]])
    assert block.quantize(x).tolist() == [[1.0, -0.25, 0.0, 0.0, 4.0, 0.25, -0.5]]


@pytest.mark.parametrize("block", [BlockFPFormat(6, 4), BlockMinifloatFormat(6, 3, 4), BlockLogFormat(4, 4)])
def test_block_padding_matches_explicit_padding(block):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 10)
    padded = torch.cat([x, torch.zeros(2, 3, 2)], dim=-1)
    assert torch.equal(block.quantize(x), block.quantize(padded)[..., :10])
    assert block.quantize(x).shape == x.shape


@pytest.mark.parametrize("block", [BlockFPFormat(6, 4), BlockMinifloatFormat(6, 3, 4), BlockLogFormat(4, 4)])
def test_zero_block_stays_zero(block):
    x = torch.tensor([[0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0]])
    assert block.quantize(x)[0, :4].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_binary_hand_computed():
    assert values(BinaryFormat(scaled=False), -2.0, 0.0, 0.5) == [-1.0, 1.0, 1.0]  # zero maps to +1
    assert values(BinaryFormat(scaled=True), -2.0, 0.0, 1.0) == [-1.0, 1.0, 1.0]  # alpha = mean|x| = 1


def test_ternary_hand_computed():
    # mean|x| = 1.03, delta = 0.721; alpha = mean of |1.0| and |5.0| = 3.
    x = [1.0, -0.3, 0.01, 0.0, 5.0, 0.2, -0.7]
    assert values(TernaryFormat(0.7), *x) == [3.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0]
    assert values(TernaryFormat(0.0), -2.0, 0.0, 2.0) == [-2.0, 0.0, 2.0]


@pytest.mark.parametrize("number_format", ALL_FORMATS, ids=str)
@pytest.mark.parametrize("shape", [(4, 40), (2, 5, 40)])
def test_qat_step_has_finite_gradient(number_format, shape):
    torch.manual_seed(0)
    x = torch.randn(shape, requires_grad=True)
    weight = torch.randn(40, 3)
    loss = (number_format.quantize(x) @ weight).pow(2).sum()
    loss.backward()
    assert torch.isfinite(x.grad).all()
    assert x.grad.abs().sum() > 0


@pytest.mark.parametrize("number_format", ALL_FORMATS, ids=str)
def test_quantizing_twice_changes_nothing(number_format):
    torch.manual_seed(1)
    x = torch.randn(3, 7, 48) * 3
    once = number_format.quantize(x)
    assert torch.equal(number_format.quantize(once), once)


def test_formats_apply_separately_in_linear():
    layer = QuantizedLinear(40, 6, input_format=BlockFPFormat(6, 16), weight_format=MinifloatFormat(8, 4),
                            bias_format=LogFormat(6))
    x = torch.randn(2, 5, 40, requires_grad=True)
    layer(x).sum().backward()
    assert torch.isfinite(layer.weight.grad).all()
    assert torch.isfinite(layer.bias.grad).all()
    assert x.grad.abs().sum() > 0


def test_every_named_format_has_search_choices():
    assert set(SEARCH_CHOICES) == set(FORMAT_NAMES)
    for number_format in ALL_FORMATS:
        assert number_format.name in FORMAT_NAMES
        assert number_format.bits > 0


def test_unknown_format_names_choices():
    with pytest.raises(ValueError, match=r"unknown number format 'posit'.*integer, minifloat_denorm"):
        make_format("posit", width=8)


@pytest.mark.parametrize("exponent_width", [7, 8, 9, 0])
def test_exponent_width_must_leave_a_mantissa(exponent_width):
    with pytest.raises(ValueError, match=rf"invalid exponent_width {exponent_width}.*from 1 to 6"):
        MinifloatFormat(8, exponent_width)


@pytest.mark.parametrize("block_size", [0, -4, 2.5])
def test_block_size_must_be_positive(block_size):
    with pytest.raises(ValueError, match=rf"invalid block_size {block_size!r}.*from 1"):
        BlockFPFormat(8, block_size)


def test_wrong_parameter_names_rejected():
    with pytest.raises(ValueError, match=r"invalid parameters .*'log'"):
        make_format("log", frac_width=3)
