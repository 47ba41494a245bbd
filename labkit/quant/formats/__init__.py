"""Number formats for mixed-precision search, each with a straight-through gradient.

Every format is a small frozen dataclass with ``name``, ``bits`` (storage
bits per element, shared exponents included) and ``quantize(x)`` for tensors
of any rank. Block formats take their blocks along the last dimension.
"""

from labkit.quant.formats.binary import BinaryFormat, TernaryFormat
from labkit.quant.formats.block import BlockFPFormat, BlockLogFormat, BlockMinifloatFormat
from labkit.quant.formats.log import LogFormat, log_quantize
from labkit.quant.formats.minifloat import MinifloatFormat, minifloat_quantize
from labkit.quant.formats.registry import FORMAT_NAMES, SEARCH_CHOICES, make_format

__all__ = [
    "FORMAT_NAMES",
    "SEARCH_CHOICES",
    "BinaryFormat",
    "BlockFPFormat",
    "BlockLogFormat",
    "BlockMinifloatFormat",
    "LogFormat",
    "MinifloatFormat",
    "TernaryFormat",
    "log_quantize",
    "make_format",
    "minifloat_quantize",
]
