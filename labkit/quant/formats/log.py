"""Logarithmic format: a sign and a biased integer exponent, so every value is a power of two.

With ``width`` bits, one is the sign and ``width - 1`` hold the exponent code
``e`` in ``[0, 2^(width-1) - 1]``. Code 0 is reserved for zero; every other
code means ``(-1)^s * 2^(e - bias)``, default ``bias = 2^(width-2)``. The
representable magnitudes are ``2^(1 - bias)`` to ``2^(2^(width-1) - 1 - bias)``.

Rounding is to the nearest exponent in the log domain, ``k = round(log2|x|)``
(ties to even ``k``). Magnitudes whose ``k`` is below the smallest exponent
flush to zero, and those above the largest saturate. The bias may be a
tensor that broadcasts against the input (block log shares one per block).
"""

import dataclasses

import torch

from labkit.quant.formats.common import check_integer, straight_through

__all__ = ["LogFormat", "log_quantize"]


def _default_bias(width: int) -> int:
    return 2 ** (width - 2)


def log_quantize(x: torch.Tensor, width: int, bias=None) -> torch.Tensor:
    """Round ``x`` to the nearest signed power of two of the format; straight-through gradient."""
    bias = _default_bias(width) if bias is None else bias
    max_code = 2 ** (width - 1) - 1
    with torch.no_grad():
        magnitude = x.abs()
        exponent = torch.round(torch.log2(magnitude))  # -inf for zero
        lowest = torch.as_tensor(1 - bias, dtype=x.dtype, device=x.device)
        highest = torch.as_tensor(max_code - bias, dtype=x.dtype, device=x.device)
        value = torch.exp2(torch.minimum(exponent, highest))
        quantized = torch.where(exponent < lowest, torch.zeros_like(x), torch.copysign(value, x))
    return straight_through(x, quantized)


@dataclasses.dataclass(frozen=True)
class LogFormat:
    """A logarithmic format; width 4 with bias 4 represents 0 and +-2^-3 to +-2^3.

    >>> LogFormat(4).limits
    (0.125, 8.0)
    """

    width: int
    bias: int | None = None

    name = "log"

    def __post_init__(self):
        check_integer("width", self.width, 2, 16, "width is the total number of bits, ")
        if self.bias is not None:
            check_integer("bias", self.bias, -100000, 100000, "")

    @property
    def effective_bias(self) -> int:
        return _default_bias(self.width) if self.bias is None else self.bias

    @property
    def limits(self) -> tuple[float, float]:
        """Smallest positive and largest representable magnitudes."""
        max_code = 2 ** (self.width - 1) - 1
        return 2.0 ** (1 - self.effective_bias), 2.0 ** (max_code - self.effective_bias)

    @property
    def bits(self) -> float:
        return float(self.width)

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return log_quantize(x, self.width, self.effective_bias)

    def __str__(self) -> str:
        return f"log({self.width}, bias {self.effective_bias})"
