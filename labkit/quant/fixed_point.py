"""Signed fixed-point quantisation with a straight-through gradient.

A fixed-point number with ``width`` bits, ``frac_width`` of them fractional,
is a two's complement integer ``q`` times ``2^-frac_width``::

    q = clamp(round(x * 2^frac_width), -2^(width-1), 2^(width-1) - 1)
    x_hat = q * 2^-frac_width

``round`` rounds half to even and values beyond the range saturate.
"""

import dataclasses
import numbers

import torch

from labkit.quant import kernels

__all__ = ["FixedPointFormat", "fixed_point_quantize", "check_fixed_point_format"]

MIN_WIDTH = 2
MAX_WIDTH = 32
# 2^126 and 2^-126 are normal float32 numbers, so the scale and its inverse
# are exact for every frac_width up to here.
MAX_FRAC_WIDTH = 126


def _is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_fixed_point_format(width, frac_width) -> None:
    """Raise ``ValueError`` unless (width, frac_width) is a supported format."""
    if not _is_integer(width) or not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(
            f"invalid width {width!r}: width is the total number of bits, "
            f"use an integer from {MIN_WIDTH} to {MAX_WIDTH}"
        )
    if not _is_integer(frac_width) or not 0 <= frac_width <= MAX_FRAC_WIDTH:
        raise ValueError(
            f"invalid frac_width {frac_width!r}: frac_width is the number of "
            f"fractional bits, use an integer from 0 to {MAX_FRAC_WIDTH}"
        )


@dataclasses.dataclass(frozen=True)
class FixedPointFormat:
    """A signed fixed-point format, for example ``FixedPointFormat(8, 4)``.

    Width 8 with frac_width 4 covers [-8, 7.9375] in steps of 1/16:

    >>> FixedPointFormat(8, 4).range
    (-8.0, 7.9375)
    """

    width: int
    frac_width: int

    name = "integer"  # as results files name the format

    def __post_init__(self):
        check_fixed_point_format(self.width, self.frac_width)

    @property
    def step(self) -> float:
        return 2.0 ** -self.frac_width

    @property
    def range(self) -> tuple[float, float]:
        q_min = -(2 ** (self.width - 1))
        q_max = 2 ** (self.width - 1) - 1
        return q_min * self.step, q_max * self.step

    @property
    def bits(self) -> int:
        return self.width

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return fixed_point_quantize(x, self.width, self.frac_width)

    def __str__(self) -> str:
        return f"fixed({self.width}, {self.frac_width})"


_constant_cache: dict = {}


def _constants(width, frac_width, dtype, device):
    """Return (scale, q_min, q_max, lower, upper) as 0-d tensors, cached per format.

    ``round(x * scale)`` lies in [q_min, q_max] exactly when lower <= x < upper,
    with lower = (q_min - 0.5) / scale and upper = (q_max + 0.5) / scale,
    because q_min is even (its tie rounds in) and q_max is odd (its tie rounds
    out). Where a bound is not exact in ``dtype`` it rounds to the neighbouring
    power of two, which gives the same comparison there.
    """
    key = (width, frac_width, dtype, device)
    if key not in _constant_cache:
        scale = 2.0**frac_width
        q_min, q_max = -(2.0 ** (width - 1)), 2.0 ** (width - 1) - 1
        values = (scale, q_min, q_max, (q_min - 0.5) / scale, (q_max + 0.5) / scale)
        # Ordinary tensors, even when first requested under inference_mode,
        # so that training steps later can use them too.
        with torch.inference_mode(False):
            _constant_cache[key] = tuple(
                torch.tensor(value, dtype=dtype, device=device) for value in values
            )
    return _constant_cache[key]


def _compute_dtype(x: torch.Tensor) -> torch.dtype:
    return torch.float64 if x.dtype == torch.float64 else torch.float32


def _round_clamp(x, width, frac_width):
    scale, q_min, q_max, _, _ = _constants(width, frac_width, _compute_dtype(x), x.device)
    return kernels.round_clamp(x.to(scale.dtype), scale, q_min, q_max).to(x.dtype)


class _FixedPointSTE(torch.autograd.Function):
    """Round in the forward pass; pass the gradient through where q is in range."""

    @staticmethod
    def forward(ctx, x, width, frac_width):
        _, _, _, lower, upper = _constants(width, frac_width, _compute_dtype(x), x.device)
        if ctx.needs_input_grad[0]:
            # Save x rather than its compute-dtype copy, because dynamo rejects saving
            # a copy that may alias the input. A half-precision x is also smaller.
            ctx.save_for_backward(x, lower, upper)
        return _round_clamp(x, width, frac_width)

    @staticmethod
    def backward(ctx, grad_output):
        x, lower, upper = ctx.saved_tensors
        x_compute = x.to(lower.dtype)
        grad_input = kernels.masked_gradient(grad_output.to(x_compute.dtype), x_compute, lower, upper)
        return grad_input.to(grad_output.dtype), None, None


def fixed_point_quantize(x: torch.Tensor, width: int, frac_width: int) -> torch.Tensor:
    """Quantise ``x`` to signed fixed point and return it in the dtype of ``x``.

    Rounding is half to even and out-of-range values saturate. The gradient is
    the straight-through estimator masked to the range: it is passed unchanged
    where ``round(x * 2^frac_width)`` lies in [-2^(width-1), 2^(width-1) - 1]
    and is zero where the value saturated (and for NaN, which stays NaN).

    The ladder runs in float32 (float64 for float64 input), where scaling by a
    power of two is exact, so the result is exact whenever the grid point is
    representable in the input dtype. For width above 24 a float32 result is
    the grid point rounded to the nearest float32.

    >>> fixed_point_quantize(torch.tensor([0.03125, 0.09375, 9.0, -9.0]), 8, 4)
    tensor([ 0.0000,  0.1250,  7.9375, -8.0000])
    """
    check_fixed_point_format(width, frac_width)
    if not torch.is_floating_point(x):
        raise TypeError(f"fixed_point_quantize expects a floating-point tensor, got {x.dtype}")
    if torch.is_grad_enabled() and x.requires_grad:
        return _FixedPointSTE.apply(x, width, frac_width)
    return _round_clamp(x, width, frac_width)  # evaluation: no autograd node to build
