"""Block formats: ``block_size`` consecutive values along the last dimension share a scale.

The last dimension of a Linear layer's weight and input is the input-feature
dimension, so blocks run along it. A last dimension that is not a multiple of
``block_size`` is zero-padded for the computation and unpadded after it.
The zeros do not change a block's largest magnitude.

- ``block_fp``: the block shares the exponent ``E = floor(log2(max|x|))``,
  stored in ``exponent_width`` bits (clamped to ``[-2^(exponent_width-1),
  2^(exponent_width-1) - 1]``). Each element is a ``width``-bit signed
  mantissa ``m``: ``x = m * 2^(E - width + 2)`` with
  ``m = clamp(round(x / 2^(E - width + 2)), -(2^(width-1) - 1), 2^(width-1) - 1)``.
  The range is symmetric (the two's complement code ``-2^(width-1)`` is not
  used), so the block's largest magnitude stays in ``[2^E, 2^(E+1))`` and
  quantising twice changes nothing.
- ``block_minifloat``: ``minifloat_ieee`` elements whose bias is set per block
  so that the block's largest magnitude falls in the top exponent:
  ``bias = (2^exponent_width - 1) - floor(log2(max|x|))``.
- ``block_log``: log elements whose bias is set per block so that the
  block's largest magnitude is the top code:
  ``bias = (2^(width-1) - 1) - round(log2(max|x|))``.

An all-zero block stays zero. ``bits`` counts the shared exponent or bias
(``shared_bits``, 8 by default) spread over the block.
"""

import dataclasses

import torch

from labkit.quant.formats.common import check_integer, exponent_of, from_blocks, straight_through, to_blocks
from labkit.quant.formats.log import log_quantize
from labkit.quant.formats.minifloat import minifloat_quantize

__all__ = ["BlockFPFormat", "BlockMinifloatFormat", "BlockLogFormat"]

SHARED_BITS = 8


def _block_max(blocks: torch.Tensor) -> torch.Tensor:
    return blocks.abs().amax(dim=-1, keepdim=True)


def _blockwise(x: torch.Tensor, block_size: int, quantize_blocks) -> torch.Tensor:
    with torch.no_grad():
        blocks, padding = to_blocks(x.detach(), block_size)
        quantized = from_blocks(quantize_blocks(blocks), padding)
    return straight_through(x, quantized)


def _check_block_size(block_size) -> int:
    return check_integer("block_size", block_size, 1, None, "block_size is the number of values "
                         "that share a scale, ")


@dataclasses.dataclass(frozen=True)
class BlockFPFormat:
    """Block floating point; ``BlockFPFormat(8, 32)`` is the MXINT8 layout."""

    width: int
    block_size: int
    exponent_width: int = SHARED_BITS

    name = "block_fp"

    def __post_init__(self):
        check_integer("width", self.width, 2, 24, "width is the bits of each element's mantissa, ")
        _check_block_size(self.block_size)
        check_integer("exponent_width", self.exponent_width, 2, 16, "")

    @property
    def bits(self) -> float:
        return self.width + self.exponent_width / self.block_size

    def _quantize_blocks(self, blocks):
        limit = 2 ** (self.exponent_width - 1)
        exponent = exponent_of(_block_max(blocks)).clamp(-limit, limit - 1)  # zero blocks: -limit
        step = torch.exp2(exponent - (self.width - 2))
        q_max = 2 ** (self.width - 1) - 1
        return torch.clamp(torch.round(blocks / step), -q_max, q_max) * step

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return _blockwise(x, self.block_size, self._quantize_blocks)

    def __str__(self) -> str:
        return f"block_fp({self.width}, block {self.block_size})"


@dataclasses.dataclass(frozen=True)
class BlockMinifloatFormat:
    """Minifloat elements with one shared exponent bias per block."""

    width: int
    exponent_width: int
    block_size: int

    name = "block_minifloat"

    def __post_init__(self):
        check_integer("width", self.width, 3, 32, "width is the total number of bits, ")
        check_integer("exponent_width", self.exponent_width, 1, self.width - 2,
                      "one bit is the sign and at least one is mantissa, so ")
        _check_block_size(self.block_size)

    @property
    def bits(self) -> float:
        return self.width + SHARED_BITS / self.block_size

    def _quantize_blocks(self, blocks):
        top = exponent_of(_block_max(blocks))
        bias = (2**self.exponent_width - 1) - torch.where(torch.isfinite(top), top, torch.zeros_like(top))
        return minifloat_quantize(blocks, self.width, self.exponent_width, bias, implicit_one=True)

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return _blockwise(x, self.block_size, self._quantize_blocks)

    def __str__(self) -> str:
        return f"block_minifloat({self.width}, e{self.exponent_width}, block {self.block_size})"


@dataclasses.dataclass(frozen=True)
class BlockLogFormat:
    """Log elements with one shared exponent bias per block."""

    width: int
    block_size: int

    name = "block_log"

    def __post_init__(self):
        check_integer("width", self.width, 2, 16, "width is the total number of bits, ")
        _check_block_size(self.block_size)

    @property
    def bits(self) -> float:
        return self.width + SHARED_BITS / self.block_size

    def _quantize_blocks(self, blocks):
        top = torch.round(torch.log2(_block_max(blocks)))
        bias = (2 ** (self.width - 1) - 1) - torch.where(torch.isfinite(top), top, torch.zeros_like(top))
        return log_quantize(blocks, self.width, bias)

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return _blockwise(x, self.block_size, self._quantize_blocks)

    def __str__(self) -> str:
        return f"block_log({self.width}, block {self.block_size})"
