"""Benchmark the fixed-point quantiser and its cost inside BERT-tiny.

Run from the repository root (it takes about 2 minutes on 2 CPU cores):

    .venv/bin/python benchmarks/quantizer.py

It measures, in one process on one machine:

- the quantiser on 4 million float32 values against a plain tensor copy (the
  memory-bandwidth bound) and against the naive chain of four out-of-place
  operations (multiply, round, clamp, divide);
- a QAT training step and a PTQ evaluation step of BERT-tiny (batch 32, 128
  tokens, fixed point width 12, frac_width 6 everywhere) against the FP32
  step, and the same model with the naive chain as its quantiser;
- the FP32 and labkit models again under ``torch.compile``, where the
  quantiser fuses into the operations around it.

Results are written to benchmarks/results/quantizer.md. Each time is the
median of repeated runs after warm-up.
"""

import argparse
import copy
import platform
import statistics
import time
from pathlib import Path

import torch
from transformers import BertConfig, BertForSequenceClassification

from labkit.model import BERT_TINY
from labkit.quant import FixedPointFormat, quantize_linear_layers
from labkit.results import atomic_write

RESULTS = Path(__file__).resolve().parent / "results" / "quantizer.md"


def median_ms(function, repeats: int, warmup: int = 3) -> float:
    """Return the median wall time of ``function()`` in milliseconds, after warm-up."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


class NaiveFixedPoint:
    """Fixed point as four out-of-place operations, with the detach trick for the gradient."""

    def __init__(self, width: int, frac_width: int):
        self.scale = 2.0**frac_width
        self.q_min = -(2.0 ** (width - 1))
        self.q_max = 2.0 ** (width - 1) - 1

    def chain(self, x):
        return torch.clamp(torch.round(x * self.scale), self.q_min, self.q_max) / self.scale

    def quantize(self, x):
        return x + (self.chain(x) - x).detach()

    def __str__(self):
        return "naive"


def quantizer_rows(repeats: int) -> list[tuple[str, float]]:
    x = torch.randn(4_000_000)
    number_format = FixedPointFormat(8, 4)
    naive = NaiveFixedPoint(8, 4)
    with torch.no_grad():
        return [
            ("tensor copy (clone)", median_ms(x.clone, repeats)),
            ("fixed_point_quantize", median_ms(lambda: number_format.quantize(x), repeats)),
            ("naive chain (4 out-of-place ops)", median_ms(lambda: naive.chain(x), repeats)),
        ]


def bert_tiny(seed: int = 0):
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=30522, num_labels=2, **BERT_TINY)
    return BertForSequenceClassification(config)


class StepTimer:
    """Timer of the training and evaluation steps of one model, run a few at a time."""

    def __init__(self, model, batch, labels, compiled: bool = False):
        self.model, self.batch, self.labels = model, batch, labels
        # The first (warm-up) call of each mode compiles, and later calls reuse the graphs.
        self.forward = torch.compile(model) if compiled else model
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
        self.train_ms, self.eval_ms = [], []

    def train_step(self):
        loss = self.forward(**self.batch, labels=self.labels).loss
        loss.backward()
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)

    def eval_step(self):
        with torch.inference_mode():
            self.forward(**self.batch)

    def run_round(self, steps: int) -> None:
        self.model.train()
        self.train_ms.append(median_ms(self.train_step, steps, warmup=1))
        self.model.eval()
        self.eval_ms.append(median_ms(self.eval_step, steps * 3, warmup=1))


# Models timed a second time under torch.compile (the whole model, default mode).
COMPILED = ("FP32", "fixed point 12.6 (labkit)")


def model_rows(repeats: int, rounds: int = 5) -> dict[str, tuple[float, float]]:
    """Return {model: (training step ms, evaluation step ms)}.

    The models take turns, a few steps each, for several rounds, and each time
    is the median over the rounds, so that a slow spell of the machine affects
    every model alike instead of the one measured during it.
    """
    torch.manual_seed(0)
    batch = {"input_ids": torch.randint(1000, 30000, (32, 128)),
             "attention_mask": torch.ones(32, 128, dtype=torch.long)}
    labels = torch.randint(0, 2, (32,))
    fp32 = bert_tiny()
    models = {"FP32": fp32}
    for name, number_format in [("fixed point 12.6 (labkit)", FixedPointFormat(12, 6)),
                                ("fixed point 12.6 (naive chain)", NaiveFixedPoint(12, 6))]:
        model = copy.deepcopy(fp32)
        quantize_linear_layers(model, input_format=number_format, weight_format=number_format,
                               bias_format=number_format)
        models[name] = model
    timers = {name: StepTimer(model, batch, labels) for name, model in models.items()}
    for name in COMPILED:
        timers[f"{name}, compiled"] = StepTimer(copy.deepcopy(models[name]), batch, labels,
                                                compiled=True)
    steps = max(1, repeats // rounds)
    for _ in range(rounds):
        for timer in timers.values():
            timer.run_round(steps)
    return {name: (statistics.median(timer.train_ms), statistics.median(timer.eval_ms))
            for name, timer in timers.items()}


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.3f}x: {'met' if ratio <= target else 'NOT met'}"


def render_quantizer(quantizer) -> list[str]:
    copy_ms, fused_ms, naive_ms = (row[1] for row in quantizer)
    lines = [
        "## Quantiser on 4 million float32 values",
        "",
        "| kernel | ms | vs copy | naive chain / this |",
        "|---|---|---|---|",
    ]
    for name, ms in quantizer:
        lines.append(f"| {name} | {ms:.2f} | {ms / copy_ms:.2f}x | {naive_ms / ms:.2f}x |")
    return lines + [
        "",
        f"Targets: within 1.5x of the copy ({fused_ms / copy_ms:.2f}x: "
        f"{'met' if fused_ms <= 1.5 * copy_ms else 'NOT met'}), at least 2x faster than the "
        f"naive chain ({naive_ms / fused_ms:.2f}x: {'met' if naive_ms >= 2 * fused_ms else 'NOT met'}).",
        "",
    ]


def render_eager(models: dict) -> list[str]:
    fp32_train, fp32_eval = models["FP32"]
    lines = [
        "## BERT-tiny steps, batch 32, 128 tokens, eager",
        "",
        "| model | QAT train step ms | vs FP32 | PTQ eval step ms | vs FP32 |",
        "|---|---|---|---|---|",
    ]
    for name, (train_ms, eval_ms) in models.items():
        if not name.endswith("compiled"):
            lines.append(f"| {name} | {train_ms:.1f} | {train_ms / fp32_train:.3f}x "
                         f"| {eval_ms:.2f} | {eval_ms / fp32_eval:.3f}x |")
    labkit_train, labkit_eval = models["fixed point 12.6 (labkit)"]
    naive_train, naive_eval = models["fixed point 12.6 (naive chain)"]
    below_naive = labkit_train < naive_train and labkit_eval < naive_eval
    return lines + [
        "",
        f"Targets: QAT step within 1.08x of FP32 ({verdict(labkit_train / fp32_train, 1.08)}), "
        f"PTQ evaluation within 1.05x ({verdict(labkit_eval / fp32_eval, 1.05)}), each below "
        f"the naive chain's ({'met' if below_naive else 'NOT met'}).",
        "",
    ]


def render_compiled(models: dict) -> list[str]:
    """Compare the compiled labkit model with the faster of eager and compiled FP32."""
    eager_train, eager_eval = models["FP32"]
    compiled_train, compiled_eval = models["FP32, compiled"]
    best_train, best_eval = min(eager_train, compiled_train), min(eager_eval, compiled_eval)
    lines = [
        "## The same steps under torch.compile",
        "",
        "The whole model is compiled (default mode). Ratios are against the faster FP32 "
        "step, eager or compiled, so that a slow compiled FP32 step cannot flatter the "
        "quantised one.",
        "",
        "| model | QAT train step ms | vs faster FP32 | PTQ eval step ms | vs faster FP32 |",
        "|---|---|---|---|---|",
    ]
    for name in [f"{name}, compiled" for name in COMPILED]:
        train_ms, eval_ms = models[name]
        lines.append(f"| {name} | {train_ms:.1f} | {train_ms / best_train:.3f}x "
                     f"| {eval_ms:.2f} | {eval_ms / best_eval:.3f}x |")
    labkit_train, labkit_eval = models["fixed point 12.6 (labkit), compiled"]
    return lines + [
        "",
        f"Targets, compiled labkit model against the faster FP32 step: QAT within 1.08x "
        f"({verdict(labkit_train / best_train, 1.08)}), PTQ evaluation within 1.05x "
        f"({verdict(labkit_eval / best_eval, 1.05)}).",
        "",
    ]


def render(quantizer, models: dict, seconds: float) -> str:
    header = [
        "# Quantiser benchmark",
        "",
        f"Machine: {platform.machine()}, {torch.get_num_threads()} torch threads, "
        f"{platform.processor() or 'unknown processor'}; torch {torch.__version__}; "
        f"Python {platform.python_version()}. Total run {seconds:.0f} s.",
        "Command: `.venv/bin/python benchmarks/quantizer.py`. Quantiser: median of repeated runs "
        "after warm-up. Models: median over rounds in which the models take turns.",
        "",
    ]
    return "\n".join(header + render_quantizer(quantizer) + render_eager(models)
                     + render_compiled(models))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60, help="timed runs per measurement")
    arguments = parser.parse_args()
    start = time.perf_counter()
    quantizer = quantizer_rows(arguments.repeats)
    models = model_rows(arguments.repeats)
    page = render(quantizer, models, time.perf_counter() - start)
    atomic_write(RESULTS, lambda temporary: Path(temporary).write_text(page))
    print(page)


if __name__ == "__main__":
    main()
