"""Wall-clock timing that separates the first call from steady state, on CPU and CUDA."""

import statistics
import time

import torch

__all__ = ["synchronize", "time_call", "per_call_ms", "median_ms", "payback_calls"]


def synchronize(device) -> None:
    """Wait for queued CUDA work, so that a timer measures the work and not its launch."""
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def time_call(function, device="cpu") -> float:
    """Return the seconds one call of ``function()`` takes, synchronised on CUDA."""
    synchronize(device)
    start = time.perf_counter()
    function()
    synchronize(device)
    return time.perf_counter() - start


def per_call_ms(function, repeats: int, warmup: int = 3, device="cpu") -> list[float]:
    """Return the time of each of ``repeats`` calls in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        function()
    return [time_call(function, device) * 1e3 for _ in range(repeats)]


def median_ms(function, repeats: int, warmup: int = 3, device="cpu") -> float:
    """Return the median of :func:`per_call_ms`."""
    return statistics.median(per_call_ms(function, repeats, warmup, device))


def payback_calls(first_call_s: float, eager_ms: float, compiled_ms: float) -> float:
    """Return the calls after which compilation has paid for itself, or inf if it never does.

    The first compiled call costs ``first_call_s`` instead of one eager call;
    every later call saves ``eager_ms - compiled_ms``.

    >>> payback_calls(10.0, 20.0, 10.0)
    998.0
    """
    saving_ms = eager_ms - compiled_ms
    if saving_ms <= 0:
        return float("inf")
    return (first_call_s * 1e3 - eager_ms) / saving_ms
