"""MXINT8: groups of 32 values share one 8-bit exponent; each value is an 8-bit signed mantissa.

Encoding of one group ``x[0:32]`` (taken along the input-feature dimension,
the last dimension of a Linear weight):

- shared exponent ``E = floor(log2(max|x|))``, clamped to ``[-127, 127]``
  and stored as the unsigned byte ``E + 127`` (an all-zero group stores 0);
- mantissas ``m = clamp(round(x / 2^(E - 6)), -127, 127)`` as ``int8``, with
  ``round`` half to even; the value is ``m * 2^(E - 6)``.

The element has 1 sign, 1 integer and 6 fraction bits, as in the OCP
Microscaling (MX) specification's MXINT8. This module does not use the
two's complement code -128, so the range is symmetric. Any value of the form
``m * 2^(E - 6)`` with ``|m| <= 127`` whose group maximum has exponent ``E``
survives a round trip unchanged. Storage per value is 8 + 8/32 = 8.25 bits.
"""

import torch
import torch.nn.functional as F
from torch import nn

from labkit.quant.formats.common import exponent_of, from_blocks, to_blocks

__all__ = ["GROUP_SIZE", "mxint8_quantize", "mxint8_dequantize", "MXINT8Linear", "to_mxint8"]

GROUP_SIZE = 32
EXPONENT_BIAS = 127
MANTISSA_MAX = 127


def mxint8_quantize(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (int8 mantissas, uint8 biased exponents) of ``weight``, grouped along its last dimension.

    Mantissas have the shape of ``weight`` with the last dimension padded to a
    multiple of 32; exponents have one entry per group.
    """
    with torch.no_grad():
        groups, _ = to_blocks(weight.detach().float(), GROUP_SIZE)
        exponent = exponent_of(groups.abs().amax(dim=-1))
        exponent = torch.where(torch.isfinite(exponent), exponent,
                               torch.full_like(exponent, -EXPONENT_BIAS))
        exponent = exponent.clamp(-EXPONENT_BIAS, EXPONENT_BIAS)
        scale = torch.exp2(exponent - 6).unsqueeze(-1)
        mantissas = torch.clamp(torch.round(groups / scale), -MANTISSA_MAX, MANTISSA_MAX)
        mantissas = mantissas.to(torch.int8).reshape(*weight.shape[:-1], -1)
        exponents = (exponent + EXPONENT_BIAS).to(torch.uint8)
    return mantissas, exponents


def mxint8_dequantize(mantissas: torch.Tensor, exponents: torch.Tensor, features: int,
                      dtype=torch.float32) -> torch.Tensor:
    """Return the values ``m * 2^(E - 6)`` with the padding beyond ``features`` dropped."""
    groups = mantissas.reshape(*mantissas.shape[:-1], -1, GROUP_SIZE).to(dtype)
    scale = torch.exp2(exponents.to(dtype) - (EXPONENT_BIAS + 6)).unsqueeze(-1)
    padding = mantissas.shape[-1] - features
    return from_blocks(groups * scale, padding)


class MXINT8Linear(nn.Module):
    """Linear layer that stores its weight packed in MXINT8 and dequantises it on every call.

    The bias stays in the weight's floating-point type. Inputs are not
    quantised. Only the packed buffers are kept, so the FP32 weight's memory is freed.
    """

    def __init__(self, linear: nn.Linear):
        super().__init__()
        self.in_features = linear.in_features
        self.out_features = linear.out_features
        mantissas, exponents = mxint8_quantize(linear.weight)
        self.register_buffer("mantissas", mantissas)
        self.register_buffer("exponents", exponents)
        bias = None if linear.bias is None else nn.Parameter(linear.bias.detach().clone())
        self.bias = bias
        self.compute_dtype = linear.weight.dtype

    def dequantized_weight(self) -> torch.Tensor:
        return mxint8_dequantize(self.mantissas, self.exponents, self.in_features, self.compute_dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.dequantized_weight(), self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, packed=MXINT8"


def to_mxint8(model: nn.Module, include: str | None = None, exclude: str | None = None) -> list[str]:
    """Replace the selected ``nn.Linear`` layers of ``model`` in place; return their names."""
    from labkit.quant.swap import select_linear_layers

    names = select_linear_layers(model, include, exclude)
    for name in names:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, MXINT8Linear(getattr(parent, child)))
    return names
