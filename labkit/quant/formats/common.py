"""Helpers shared by the number formats: argument checks, the straight-through estimator, blocks."""

import numbers

import torch
import torch.nn.functional as F

__all__ = ["check_integer", "straight_through", "exponent_of", "to_blocks", "from_blocks"]


def check_integer(name: str, value, low: int, high: int | None = None, meaning: str = "") -> int:
    """Return ``value`` if it is an integer in [low, high], else raise ValueError naming both."""
    upper = "" if high is None else f" to {high}"
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or value < low or (high is not None and value > high)):
        raise ValueError(f"invalid {name} {value!r}: {meaning}use an integer from {low}{upper}")
    return int(value)


def straight_through(x: torch.Tensor, quantized: torch.Tensor) -> torch.Tensor:
    """Return ``quantized`` in the forward pass with the gradient of the identity in the backward pass."""
    # x - x.detach() is exactly zero, so the forward value is exactly ``quantized``.
    # The usual x + (quantized - x).detach() can be off by one rounding step.
    return quantized.detach() + (x - x.detach())


def exponent_of(magnitude: torch.Tensor) -> torch.Tensor:
    """Return floor(log2(magnitude)) as float, exact for powers of two; zero gives -inf."""
    _, exponent = torch.frexp(magnitude)  # magnitude = mantissa * 2^exponent, mantissa in [0.5, 1)
    return torch.where(magnitude > 0, exponent.to(magnitude.dtype) - 1,
                       torch.full_like(magnitude, float("-inf")))


def to_blocks(x: torch.Tensor, block_size: int) -> tuple[torch.Tensor, int]:
    """Reshape the last dimension into blocks of ``block_size``, zero-padding the last block.

    Returns the blocks, of shape ``(..., blocks, block_size)``, and the padding added.
    """
    padding = (-x.shape[-1]) % block_size
    padded = F.pad(x, (0, padding)) if padding else x
    return padded.reshape(*x.shape[:-1], -1, block_size), padding


def from_blocks(blocks: torch.Tensor, padding: int) -> torch.Tensor:
    """Undo :func:`to_blocks`: merge the blocks and drop the padding."""
    merged = blocks.reshape(*blocks.shape[:-2], -1)
    return merged[..., : merged.shape[-1] - padding] if padding else merged
