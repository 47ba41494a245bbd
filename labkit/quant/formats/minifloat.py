"""Minifloat formats: a sign bit, exponent_width exponent bits and the remaining mantissa bits.

With ``M = width - 1 - exponent_width`` mantissa bits, exponent code ``e`` in
``[0, 2^exponent_width - 1]``, mantissa code ``m`` in ``[0, 2^M - 1]`` and a
bias ``b`` (default ``2^(exponent_width - 1) - 1``):

- ``minifloat_denorm``, no implicit leading one:
  ``x = (-1)^s * (m / 2^M) * 2^(e - b)``.
- ``minifloat_ieee``, an implicit leading one for normal values (``e >= 1``)
  and subnormals at the smallest exponent:
  ``x = (-1)^s * (1 + m / 2^M) * 2^(e - b)`` for ``e >= 1`` and
  ``x = (-1)^s * (m / 2^M) * 2^(1 - b)`` for ``e = 0``.
  Every code is a finite number: none is spent on infinity or NaN.

Both round to the nearest representable value (ties to even mantissa) and
saturate beyond the largest magnitude. The bias may be a tensor that
broadcasts against the input, which is how block minifloat shares one bias
per block.
"""

import dataclasses

import torch

from labkit.quant.formats.common import check_integer, exponent_of, straight_through

__all__ = ["MinifloatFormat", "minifloat_quantize", "minifloat_limits"]


def _default_bias(exponent_width: int) -> int:
    return 2 ** (exponent_width - 1) - 1


def minifloat_limits(width: int, exponent_width: int, bias, implicit_one: bool):
    """Return (smallest positive, largest) magnitudes; tensors when ``bias`` is a tensor."""
    mantissa_bits = width - 1 - exponent_width
    max_code = 2**exponent_width - 1
    if implicit_one:
        smallest = 2.0 ** (1 - bias - mantissa_bits)
        largest = (2 - 2.0**-mantissa_bits) * 2.0 ** (max_code - bias)
    else:
        smallest = 2.0 ** (-bias - mantissa_bits)
        largest = (1 - 2.0**-mantissa_bits) * 2.0 ** (max_code - bias)
    return smallest, largest


def minifloat_quantize(x: torch.Tensor, width: int, exponent_width: int, bias=None,
                       implicit_one: bool = True) -> torch.Tensor:
    """Round ``x`` to the nearest minifloat; the gradient is the straight-through estimator."""
    bias = _default_bias(exponent_width) if bias is None else bias
    mantissa_bits = width - 1 - exponent_width
    with torch.no_grad():
        magnitude = x.abs()
        exponent = exponent_of(magnitude)
        if implicit_one:
            # Normal values use their own exponent; subnormals share the smallest one.
            lowest = torch.as_tensor(1 - bias, dtype=x.dtype, device=x.device)
        else:
            # Without a leading one the mantissa is below 1, so the exponent is one higher,
            # and the smallest exponent code is 0.
            exponent = exponent + 1
            lowest = torch.as_tensor(-bias, dtype=x.dtype, device=x.device)
        exponent = torch.maximum(exponent, lowest)
        step = torch.exp2(exponent - mantissa_bits)
        rounded = torch.round(magnitude / step) * step
        _, largest = minifloat_limits(width, exponent_width, bias, implicit_one)
        largest = torch.as_tensor(largest, dtype=x.dtype, device=x.device)
        quantized = torch.copysign(torch.minimum(rounded, largest), x)
        quantized = torch.where(magnitude == 0, torch.zeros_like(x), quantized)
    return straight_through(x, quantized)


@dataclasses.dataclass(frozen=True)
class MinifloatFormat:
    """Minifloat format: ``minifloat_ieee`` with ``implicit_one``, ``minifloat_denorm`` without.

    Width 8 with exponent_width 4 and bias 7 (IEEE-style) reaches 480:

    >>> MinifloatFormat(8, 4).limits
    (0.001953125, 480.0)
    """

    width: int
    exponent_width: int
    bias: int | None = None
    implicit_one: bool = True

    def __post_init__(self):
        check_integer("width", self.width, 3, 32, "width is the total number of bits, ")
        check_integer("exponent_width", self.exponent_width, 1, self.width - 2,
                      "one bit is the sign and at least one is mantissa, so ")
        if self.bias is not None:
            check_integer("bias", self.bias, -1000, 1000, "")

    @property
    def name(self) -> str:
        return "minifloat_ieee" if self.implicit_one else "minifloat_denorm"

    @property
    def effective_bias(self) -> int:
        return _default_bias(self.exponent_width) if self.bias is None else self.bias

    @property
    def limits(self) -> tuple[float, float]:
        """Smallest positive and largest representable magnitudes."""
        return minifloat_limits(self.width, self.exponent_width, self.effective_bias, self.implicit_one)

    @property
    def bits(self) -> float:
        return float(self.width)

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return minifloat_quantize(x, self.width, self.exponent_width, self.effective_bias,
                                  self.implicit_one)

    def __str__(self) -> str:
        return f"{self.name}({self.width}, e{self.exponent_width}, bias {self.effective_bias})"
