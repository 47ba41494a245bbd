"""Hand-computed cases for the fixed-point quantiser, on the eager and fused kernels."""

import pytest
import torch

from labkit.quant import FixedPointFormat, fixed_point_quantize
from labkit.quant import kernels


@pytest.fixture(params=["eager", "fused"], autouse=True)
def kernel(request, monkeypatch):
    monkeypatch.setenv(kernels.FUSED_ENV, "1" if request.param == "fused" else "0")
    return request.param


def quantize(values, width, frac_width, dtype=torch.float32):
    return fixed_point_quantize(torch.tensor(values, dtype=dtype), width, frac_width).tolist()


def test_ties_round_to_even():
    # width 8, frac_width 4: steps of 1/16, so k/32 for odd k is a tie.
    assert quantize([0.5 / 16, 1.5 / 16, 2.5 / 16, 3.5 / 16], 8, 4) == [0.0, 2 / 16, 2 / 16, 4 / 16]
    assert quantize([-0.5 / 16, -1.5 / 16, -2.5 / 16], 8, 4) == [0.0, -2 / 16, -2 / 16]


def test_saturates_at_both_ends():
    assert quantize([9.0, 1e30, float("inf")], 8, 4) == [7.9375, 7.9375, 7.9375]
    assert quantize([-9.0, -1e30, float("-inf")], 8, 4) == [-8.0, -8.0, -8.0]


def test_range_ends_are_exact():
    assert quantize([7.9375, -8.0], 8, 4) == [7.9375, -8.0]


def test_rounding_past_the_top_saturates():
    # 7.97 * 16 = 127.52 rounds to 128, one past the largest integer 127.
    assert quantize([7.97], 8, 4) == [7.9375]


def test_frac_width_zero_rounds_to_integers():
    assert quantize([2.5, 3.5, -2.5, 7.6, -8.4], 4, 0) == [2.0, 4.0, -2.0, 7.0, -8.0]


def test_frac_width_above_half_the_width():
    # width 4, frac_width 6: integers -8..7 in steps of 1/64.
    assert quantize([0.05, 0.2, -0.2], 4, 6) == [3 / 64, 7 / 64, -8 / 64]


def test_frac_width_beyond_the_width():
    # width 8, frac_width 12: the range is [-2^-5, 2^-5 - 2^-12].
    assert quantize([0.001, 1.0], 8, 12) == [4 / 4096, 127 / 4096]


def test_smallest_width():
    assert quantize([1.6, -3.0, 0.5, -0.5, 1.5], 2, 0) == [1.0, -2.0, 0.0, 0.0, 1.0]


def test_width_32_without_overflow_in_float64():
    values = quantize([3e9, -3e9, 12345.5, 12346.5], 32, 0, dtype=torch.float64)
    assert values == [2**31 - 1, -(2**31), 12346.0, 12346.0]


def test_width_32_fraction_in_float64():
    values = quantize([40000.0, 3 * 2**-17], 32, 16, dtype=torch.float64)
    assert values == [2**15 - 2**-16, 2**-15]


def test_width_32_in_float32_rounds_the_bound():
    # 2^31 - 1 is not a float32; the nearest float32 is 2^31.
    assert quantize([3e9], 32, 0) == [2.0**31]


def test_nan_stays_nan():
    assert torch.isnan(fixed_point_quantize(torch.tensor([float("nan")]), 8, 4)).all()


def test_keeps_dtype_and_shape():
    x = torch.randn(2, 3, 5, dtype=torch.bfloat16)
    y = fixed_point_quantize(x, 8, 4)
    assert y.dtype == torch.bfloat16
    assert y.shape == x.shape


def test_idempotent():
    x = torch.randn(1000) * 4
    once = fixed_point_quantize(x, 8, 4)
    assert torch.equal(fixed_point_quantize(once, 8, 4), once)


def test_matches_the_format_definition():
    # The reference runs in float64, where every step is exact for width <= 24.
    x = torch.randn(4096) * 10
    exact = x.double()
    for width, frac_width in [(4, 2), (8, 4), (12, 6), (16, 3), (24, 20)]:
        q = torch.clamp(torch.round(exact * 2.0**frac_width), -(2 ** (width - 1)), 2 ** (width - 1) - 1)
        expected = (q * 2.0**-frac_width).float()
        assert torch.equal(fixed_point_quantize(x, width, frac_width), expected)


def test_gradient_passes_in_range_only():
    x = torch.tensor([0.3, -8.03, 9.0, -9.0, 7.97], requires_grad=True)
    fixed_point_quantize(x, 8, 4).sum().backward()
    # -8.03 * 16 = -128.48 rounds to -128, inside the range; 7.97 rounds past it.
    assert x.grad.tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("width, frac_width", [(4, 2), (8, 4), (24, 20), (32, 0), (32, 16)])
def test_gradient_mask_matches_rounded_integer(width, frac_width):
    # values near both range ends, with ties, checked against float64 rounding
    q_max = 2 ** (width - 1) - 1
    step = 2.0**-frac_width
    offsets = torch.arange(-4, 4.5, 0.5, dtype=torch.float64)
    values = torch.cat([(q_max + offsets) * step, (-q_max - 1 + offsets) * step, torch.randn(200).double()])
    x = values.float().requires_grad_()
    fixed_point_quantize(x, width, frac_width).sum().backward()
    rounded = torch.round(x.detach().double() * 2.0**frac_width)
    expected = ((rounded >= -q_max - 1) & (rounded <= q_max)).float()
    assert torch.equal(x.grad, expected)


def test_gradient_scales_with_upstream():
    x = torch.tensor([[0.3, 9.0], [1.0, -0.2]], requires_grad=True)
    upstream = torch.tensor([[2.0, 3.0], [-1.0, 0.5]])
    fixed_point_quantize(x, 8, 4).backward(upstream)
    assert x.grad.tolist() == [[2.0, 0.0], [-1.0, 0.5]]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_no_grad_path_gives_same_values(dtype):
    x = (torch.randn(300) * 10).to(dtype).requires_grad_()
    with_graph = fixed_point_quantize(x, 8, 4)
    with torch.no_grad():
        without_graph = fixed_point_quantize(x, 8, 4)
    with torch.inference_mode():
        in_inference = fixed_point_quantize(x.detach(), 8, 4)
    assert with_graph.grad_fn is not None and without_graph.grad_fn is None
    assert torch.equal(with_graph.detach(), without_graph)
    assert torch.equal(without_graph, in_inference)
    assert without_graph.dtype == dtype


def test_format_range_and_step():
    number_format = FixedPointFormat(8, 4)
    assert number_format.range == (-8.0, 7.9375)
    assert number_format.step == 1 / 16


@pytest.mark.parametrize("width", [0, 1, 2.5, 33, True, "8", None], ids=repr)
def test_invalid_width_raises(width):
    with pytest.raises(ValueError, match=rf"invalid width {width!r}.*integer from 2 to 32"):
        fixed_point_quantize(torch.zeros(3), width, 0)


@pytest.mark.parametrize("frac_width", [-1, 127, 1.5, "4"], ids=repr)
def test_invalid_frac_width_raises(frac_width):
    with pytest.raises(ValueError, match=rf"invalid frac_width {frac_width!r}.*integer from 0"):
        FixedPointFormat(8, frac_width)


def test_integer_tensor_raises():
    with pytest.raises(TypeError, match="floating-point"):
        fixed_point_quantize(torch.arange(4), 8, 4)
