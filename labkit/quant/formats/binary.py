"""Binary and ternary formats, with one scale per tensor.

- ``binary``: ``x_hat = alpha * sign(x)`` with ``sign(0) = +1``, so zero maps
  to ``+alpha``. ``alpha = mean(|x|)`` when ``scaled``, else 1.
- ``ternary``: ``x_hat = alpha * sign(x)`` where ``|x| > delta`` and 0
  elsewhere, with ``delta = threshold * mean(|x|)`` (default threshold 0.7)
  and ``alpha`` the mean of ``|x|`` over the entries above ``delta``.

Both use the straight-through estimator: the gradient passes unchanged.
"""

import dataclasses

import torch

from labkit.quant.formats.common import straight_through

__all__ = ["BinaryFormat", "TernaryFormat"]


def _mean(values: torch.Tensor) -> torch.Tensor:
    # In float64 the sum of n equal float32 values is exact, so the mean of an
    # already quantised tensor gives back its alpha and quantising twice changes nothing.
    return values.double().mean().to(values.dtype)


@dataclasses.dataclass(frozen=True)
class BinaryFormat:
    """Sign only, optionally scaled by the mean magnitude."""

    scaled: bool = True

    name = "binary"
    bits = 1.0

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            alpha = _mean(x.abs()) if self.scaled else torch.ones((), dtype=x.dtype, device=x.device)
            quantized = torch.where(x >= 0, alpha, -alpha).to(x.dtype)
        return straight_through(x, quantized)

    def __str__(self) -> str:
        return f"binary({'scaled' if self.scaled else 'unscaled'})"


@dataclasses.dataclass(frozen=True)
class TernaryFormat:
    """Minus alpha, zero or plus alpha, with a threshold relative to the mean magnitude."""

    threshold: float = 0.7

    name = "ternary"
    bits = 2.0  # three levels need log2(3) = 1.58 bits, stored in 2

    def __post_init__(self):
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, (int, float)) \
                or not 0 <= self.threshold:
            raise ValueError(f"invalid threshold {self.threshold!r}: use a number >= 0 "
                             "(delta = threshold * mean|x|)")

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            magnitude = x.abs()
            kept = magnitude > self.threshold * _mean(magnitude)
            alpha = _mean(magnitude[kept]) if kept.any() else torch.zeros((), dtype=x.dtype, device=x.device)
            quantized = torch.where(kept, torch.copysign(alpha.expand_as(x), x), torch.zeros_like(x))
        return straight_through(x, quantized)

    def __str__(self) -> str:
        return f"ternary(threshold {self.threshold})"
