"""Elementwise kernels behind the fixed-point quantiser and its gradient.

The eager kernels are the defining ladders of tensor operations. The fused
kernels are the same ladders compiled by ``torch.compile`` into one loop each,
which reads the input once and writes the output once, so they run near
memory bandwidth instead of at one pass per operation. Set
``LABKIT_FUSED_QUANTIZER=0`` to use the eager kernels everywhere. If
compilation fails (no C++ compiler, an unsupported platform) the fused kernels
warn once and fall back to eager.
"""

import logging
import os

import torch

__all__ = ["round_clamp", "masked_gradient", "fused_enabled", "FUSED_ENV"]

logger = logging.getLogger(__name__)

FUSED_ENV = "LABKIT_FUSED_QUANTIZER"
# The first call fixes the compiled loop's size hint, and inductor runs a loop
# compiled for a small hint on one thread, so warm-up uses a large tensor.
WARMUP_NUMEL = 1 << 20
# Below this size a compiled call costs more in guards and dispatch than the
# eager passes it saves (measured with benchmarks/quantizer.py on 2 cores).
FUSED_MIN_NUMEL = 1 << 17


def eager_round_clamp(x, scale, q_min, q_max):
    """Return clamp(round(x * scale), q_min, q_max) / scale, one operation a step."""
    scaled = x * scale
    rounded = torch.round(scaled)  # half to even
    clamped = torch.clamp(rounded, q_min, q_max)
    return clamped / scale


def eager_masked_gradient(grad, x, lower, upper):
    """Return ``grad`` where lower <= x < upper, and zero elsewhere (NaN included)."""
    in_range = (x >= lower) & (x < upper)
    return torch.where(in_range, grad, 0.0)


_fused_state = {"usable": True, "kernels": None}


def fused_enabled() -> bool:
    return os.environ.get(FUSED_ENV, "1") != "0" and _fused_state["usable"]


def _fused_kernels():
    if _fused_state["kernels"] is None:
        # dynamic=True keeps one compiled graph for every length, and passing
        # the constants as 0-d tensors keeps one graph for every format.
        kernels = (
            torch.compile(eager_round_clamp, dynamic=True),
            torch.compile(eager_masked_gradient, dynamic=True),
        )
        sample = torch.zeros(WARMUP_NUMEL)
        one = torch.tensor(1.0)
        kernels[0](sample, one, -one, one)
        kernels[1](sample, sample, -one, one)
        _fused_state["kernels"] = kernels
    return _fused_state["kernels"]


def _run(index, eager, first, *arguments):
    if first.numel() < FUSED_MIN_NUMEL or not fused_enabled():
        return eager(first, *arguments)
    flat_arguments = [a.reshape(-1) if a.dim() else a for a in arguments]
    try:
        output = _fused_kernels()[index](first.reshape(-1), *flat_arguments)
    except Exception as error:  # compilation failures come from many layers
        _fused_state["usable"] = False
        logger.warning("torch.compile failed (%s); using the eager quantiser", error)
        return eager(first, *arguments)
    return output.view(first.shape)


def round_clamp(x, scale, q_min, q_max):
    """Quantise ``x`` with 0-d tensors ``scale``, ``q_min`` and ``q_max``."""
    return _run(0, eager_round_clamp, x, scale, q_min, q_max)


def masked_gradient(grad, x, lower, upper):
    """Pass ``grad`` where ``lower <= x < upper`` (0-d tensors), zero elsewhere."""
    return _run(1, eager_masked_gradient, grad, x, lower, upper)
