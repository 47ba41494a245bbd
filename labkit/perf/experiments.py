"""Lab 4's measurements: compile timings, attention timings and kernels, MXINT8 memory."""

import statistics

import torch
from torch.profiler import ProfilerActivity, profile
from transformers import BertConfig, BertForSequenceClassification

from labkit.perf.attention import fused_attention, naive_attention, random_qkv
from labkit.perf.memory import tensor_bytes
from labkit.perf.mxint8 import MXINT8Linear, to_mxint8
from labkit.perf.timing import median_ms, payback_calls, time_call

__all__ = ["large_bert", "example_batch", "compile_rows", "attention_rows", "kernel_table",
           "peak_allocated_bytes", "mxint8_memory_rows"]


def large_bert(sizes, vocab_size: int = 30522, seed: int = 0):
    """Return a 2-class BERT with the given ``BertConfig`` sizes and random weights (no download)."""
    torch.manual_seed(seed)
    return BertForSequenceClassification(BertConfig(vocab_size=vocab_size, num_labels=2, **dict(sizes)))


def example_batch(vocab_size: int, batch_size: int, seq_len: int, device="cpu", seed: int = 0) -> dict:
    generator = torch.Generator().manual_seed(seed)
    input_ids = torch.randint(5, vocab_size, (batch_size, seq_len), generator=generator)
    return {"input_ids": input_ids.to(device), "attention_mask": torch.ones_like(input_ids).to(device)}


def compile_rows(name: str, model, batch: dict, device, repeats: int) -> list[dict]:
    """Time eager and compiled inference of ``model``; return one row per mode.

    ``first_call_s`` is the first call in a fresh state (for the compiled
    model it includes compilation). ``steady_ms`` is the median of ``repeats``
    calls after two warm-up calls, with eager and compiled calls taking turns,
    so that a slow spell of a shared machine slows both modes alike.
    """
    model = model.to(device).eval()
    torch._dynamo.reset()  # each model compiles from scratch, with no earlier guards
    compiled = torch.compile(model)
    runners = {"eager": lambda: model(**batch), "compiled": lambda: compiled(**batch)}
    with torch.inference_mode():
        first = {mode: time_call(runner, device) for mode, runner in runners.items()}
        for runner in runners.values():
            for _ in range(2):
                runner()
        times = {mode: [] for mode in runners}
        for _ in range(repeats):
            for mode, runner in runners.items():
                times[mode].append(time_call(runner, device) * 1e3)
    rows = [{"model": name, "device": str(device), "mode": mode, "first_call_s": first[mode],
             "steady_ms": statistics.median(times[mode])} for mode in runners]
    eager, fast = rows
    for row in rows:
        row["speedup"] = eager["steady_ms"] / row["steady_ms"]
    fast["payback_calls"] = payback_calls(fast["first_call_s"], eager["steady_ms"], fast["steady_ms"])
    eager["payback_calls"] = 0.0
    return rows


def peak_allocated_bytes(function) -> int:
    """Return the peak of CPU bytes allocated and not yet freed while ``function()`` runs.

    The profiler records every allocation and free with its size. Their
    running sum, in time order, peaks at the largest set of live tensors the
    call created. Tensors that existed before the call are not counted.
    """
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as profiler:
        function()
    # Allocations are the operators' own (self) memory; frees are "[memory]" events.
    events = sorted(profiler.events(), key=lambda event: event.time_range.start)
    live = peak = 0
    for event in events:
        live += event.self_cpu_memory_usage
        peak = max(peak, live)
    return peak


def attention_rows(lengths, device="cpu", dtype=torch.float32, batch: int = 4, heads: int = 8,
                   head_dim: int = 64, repeats: int = 5) -> list[dict]:
    """Compare naive and fused attention on identical inputs at each sequence length."""
    rows = []
    for seq_len in lengths:
        q, k, v = random_qkv(batch, heads, seq_len, head_dim, dtype, device)
        with torch.inference_mode():
            difference = (naive_attention(q, k, v) - fused_attention(q, k, v)).abs().max().item()
            naive_ms = median_ms(lambda: naive_attention(q, k, v), repeats, device=device)
            sdpa_ms = median_ms(lambda: fused_attention(q, k, v), repeats, device=device)
            row = {"device": str(device), "dtype": str(dtype).replace("torch.", ""), "seq_len": seq_len,
                   "naive_ms": naive_ms, "sdpa_ms": sdpa_ms, "speedup": naive_ms / sdpa_ms,
                   "max_abs_diff": difference}
            if torch.device(device).type == "cpu":
                row["naive_peak_mb"] = peak_allocated_bytes(lambda: naive_attention(q, k, v)) / 2**20
                row["sdpa_peak_mb"] = peak_allocated_bytes(lambda: fused_attention(q, k, v)) / 2**20
            else:
                for name, function in (("naive", naive_attention), ("sdpa", fused_attention)):
                    torch.cuda.reset_peak_memory_stats(device)
                    base = torch.cuda.memory_allocated(device)
                    function(q, k, v)
                    row[f"{name}_peak_mb"] = (torch.cuda.max_memory_allocated(device) - base) / 2**20
        rows.append(row)
    return rows


def kernel_table(function, rows: int = 8):
    """Return the operators ``function()`` runs, by self CPU time, as ``torch.profiler`` reports them."""
    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        with torch.inference_mode():
            function()
    return profiler.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows)


def _inference_bytes(model, batch: dict) -> int:
    """Return the model's own bytes plus the peak CPU allocation of one inference."""
    model.eval()
    with torch.inference_mode():
        return tensor_bytes(model) + peak_allocated_bytes(lambda: model(**batch))


def mxint8_memory_rows(name: str, model, batch: dict | None = None) -> list[dict]:
    """Swap every Linear layer of ``model`` for MXINT8 in place; return bytes per component.

    With ``batch``, a third row compares one CPU inference: the model's bytes
    plus the peak allocation of the call.
    """
    linear_weights = sum(module.weight.numel() * 4 for module in model.modules()
                         if isinstance(module, torch.nn.Linear))
    whole = tensor_bytes(model)
    inference = None if batch is None else _inference_bytes(model, batch)
    to_mxint8(model)
    packed = sum(module.mantissas.numel() + module.exponents.numel() for module in model.modules()
                 if isinstance(module, MXINT8Linear))
    rows = [
        {"model": name, "component": "Linear weights", "fp32_bytes": linear_weights, "mxint8_bytes": packed},
        {"model": name, "component": "all parameters and buffers", "fp32_bytes": whole,
         "mxint8_bytes": tensor_bytes(model)},
    ]
    if batch is not None:
        rows.append({"model": name, "component": "one inference (model + peak allocation)",
                     "fp32_bytes": inference, "mxint8_bytes": _inference_bytes(model, batch)})
    for row in rows:
        row["saving"] = 1 - row["mxint8_bytes"] / row["fp32_bytes"]
    return rows
