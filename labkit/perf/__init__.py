"""Performance engineering helpers for Lab 4: timing, attention, MXINT8 and memory."""

from labkit.perf.attention import fused_attention, naive_attention, random_qkv
from labkit.perf.memory import module_bytes, tensor_bytes
from labkit.perf.mxint8 import GROUP_SIZE, MXINT8Linear, mxint8_dequantize, mxint8_quantize, to_mxint8
from labkit.perf.timing import median_ms, payback_calls, per_call_ms, synchronize, time_call

__all__ = ["GROUP_SIZE", "MXINT8Linear", "fused_attention", "median_ms", "module_bytes",
           "mxint8_dequantize", "mxint8_quantize", "naive_attention", "payback_calls", "per_call_ms", "random_qkv",
           "synchronize", "tensor_bytes", "time_call", "to_mxint8"]
