"""Elementwise round-and-clamp kernels behind the fixed-point quantiser.

The eager kernel is the defining ladder of four tensor operations. The fused
kernel is the same ladder compiled by ``torch.compile`` into one loop, which
reads the input once and writes the output once, so it runs near memory
bandwidth instead of at four passes. Set ``LABKIT_FUSED_QUANTIZER=0`` to use
the eager kernel everywhere. If compilation fails (no C++ compiler, an
unsupported platform) the fused kernel warns once and falls back to eager.
"""

import logging
import os

import torch

__all__ = ["round_clamp", "round_clamp_with_mask", "fused_enabled"]

logger = logging.getLogger(__name__)

FUSED_ENV = "LABKIT_FUSED_QUANTIZER"


def eager_round_clamp(x, scale, q_min, q_max):
    """Return clamp(round(x * scale), q_min, q_max) / scale, one operation a step."""
    scaled = x * scale
    rounded = torch.round(scaled)  # half to even
    clamped = torch.clamp(rounded, q_min, q_max)
    return clamped / scale


def eager_round_clamp_with_mask(x, scale, q_min, q_max):
    """Return the quantised tensor and the mask of values whose integer is in range."""
    rounded = torch.round(x * scale)
    in_range = (rounded >= q_min) & (rounded <= q_max)
    return torch.clamp(rounded, q_min, q_max) / scale, in_range


def fused_enabled() -> bool:
    return os.environ.get(FUSED_ENV, "1") != "0" and _fused_state["usable"]


_fused_state = {"usable": True, "kernels": None}


def _fused_kernels():
    if _fused_state["kernels"] is None:
        # dynamic=True keeps one compiled graph for every length, and passing
        # scale and bounds as 0-d tensors keeps one graph for every format.
        _fused_state["kernels"] = (
            torch.compile(eager_round_clamp, dynamic=True),
            torch.compile(eager_round_clamp_with_mask, dynamic=True),
        )
    return _fused_state["kernels"]


def _run(index, eager, x, scale, q_min, q_max):
    if not fused_enabled():
        return eager(x, scale, q_min, q_max)
    flat = x.reshape(-1)  # one graph for every rank
    try:
        outputs = _fused_kernels()[index](flat, scale, q_min, q_max)
    except Exception as error:  # compilation failures come from many layers
        _fused_state["usable"] = False
        logger.warning("torch.compile failed (%s); using the eager quantiser", error)
        return eager(x, scale, q_min, q_max)
    if isinstance(outputs, tuple):
        return tuple(output.view(x.shape) for output in outputs)
    return outputs.view(x.shape)


def round_clamp(x, scale, q_min, q_max):
    """Quantise ``x`` with 0-d tensors ``scale``, ``q_min`` and ``q_max``."""
    return _run(0, eager_round_clamp, x, scale, q_min, q_max)


def round_clamp_with_mask(x, scale, q_min, q_max):
    """Like :func:`round_clamp`, and also return the in-range mask for the gradient."""
    return _run(1, eager_round_clamp_with_mask, x, scale, q_min, q_max)
