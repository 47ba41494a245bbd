"""Performance engineering helpers for Lab 4."""

from labkit.perf.memory import module_bytes, tensor_bytes
from labkit.perf.mxint8 import GROUP_SIZE, MXINT8Linear, mxint8_dequantize, mxint8_quantize, to_mxint8

__all__ = ["GROUP_SIZE", "MXINT8Linear", "module_bytes", "mxint8_dequantize", "mxint8_quantize",
           "tensor_bytes", "to_mxint8"]
