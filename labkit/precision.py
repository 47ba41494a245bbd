"""Lab 1 Task 1: fixed-point PTQ and QAT of the baseline across widths."""

import copy

import pandas as pd
from tqdm.auto import tqdm

from labkit.checkpoint import save_checkpoint
from labkit.context import LabContext
from labkit.quant import FixedPointFormat, quantize_linear_layers
from labkit.results import SweepResults
from labkit.train import evaluate, set_seed, train

__all__ = [
    "quantize_model",
    "ptq_accuracy",
    "qat_model",
    "extra_epoch_accuracy",
    "precision_sweep",
    "ptq_grid",
    "choose_elbow",
]


def quantize_model(model, number_format):
    """Return a copy of ``model`` whose every Linear quantises input, weight and bias."""
    quantized = copy.deepcopy(model)
    quantize_linear_layers(quantized, input_format=number_format, weight_format=number_format,
                           bias_format=number_format)
    return quantized


def ptq_accuracy(context: LabContext, baseline, number_format) -> float:
    """Quantise the trained baseline and evaluate it, with no further training."""
    return evaluate(quantize_model(baseline, number_format), context.test_loader(),
                    device=context.device, description=f"PTQ {number_format}")


def _finetune(context: LabContext, model, description: str):
    set_seed(context.seed)  # the same batches for every width, whatever ran before
    train(model, context.train_loader(), epochs=1, learning_rate=context.finetune_learning_rate,
          warmup_ratio=context.profile.warmup_ratio, device=context.device,
          description=description)
    return model


def qat_model(context: LabContext, baseline, number_format):
    """Quantise the baseline and train it for one epoch with fake quantisation."""
    return _finetune(context, quantize_model(baseline, number_format), f"QAT {number_format}")


def extra_epoch_accuracy(context: LabContext, baseline) -> float:
    """Train the FP32 baseline for the same extra epoch as QAT: the fair control."""
    model = _finetune(context, copy.deepcopy(baseline), "FP32 extra epoch")
    return evaluate(model, context.test_loader(), device=context.device)


def _settings(context: LabContext, baseline_accuracy: float) -> dict:
    return {**context.provenance(), "data_fingerprint": context.data_fingerprint,
            "baseline_accuracy": round(baseline_accuracy, 6)}


def precision_sweep(context: LabContext, baseline, baseline_accuracy: float, path,
                    widths=None, force: bool | None = None) -> pd.DataFrame:
    """PTQ and QAT accuracy for each width, with frac_width = width / 2.

    Each finished width is written to ``path`` at once, so an interrupted run
    resumes at the next width. QAT models are saved beside the baseline for
    the later labs, as ``qat-w<width>.safetensors``.
    """
    widths = widths or context.profile.widths
    results = SweepResults(path, ["width"], _settings(context, baseline_accuracy), force=force)

    control = results.get(width="fp32")
    if control is None:
        control_accuracy = extra_epoch_accuracy(context, baseline)
        results.add({"width": "fp32", "frac_width": "", "ptq_accuracy": baseline_accuracy,
                     "qat_accuracy": control_accuracy})
    for width in tqdm(widths, desc="widths"):
        if results.get(width=width) is not None:
            continue
        number_format = FixedPointFormat(width, width // 2)
        ptq = ptq_accuracy(context, baseline, number_format)
        model = qat_model(context, baseline, number_format)
        qat = evaluate(model, context.test_loader(), device=context.device)
        save_checkpoint(model, context.results_dir / "cache" / f"qat-w{width}.safetensors",
                        {"width": width, "frac_width": width // 2, "accuracy": qat})
        results.add({"width": width, "frac_width": width // 2, "ptq_accuracy": ptq,
                     "qat_accuracy": qat})

    frame = results.frame()
    fp32 = frame[frame["width"] == "fp32"].iloc[0]
    frame = frame[frame["width"] != "fp32"].copy()
    frame["width"] = frame["width"].astype(int)
    frame["frac_width"] = frame["frac_width"].astype(int)
    frame["fp32_accuracy"] = fp32["ptq_accuracy"]
    frame["fp32_extra_epoch_accuracy"] = fp32["qat_accuracy"]
    frame = frame[frame["width"].isin(widths)].sort_values("width")
    return frame.reset_index(drop=True)


def ptq_grid(context: LabContext, baseline, baseline_accuracy: float, path, widths=None,
             frac_widths=None, force: bool | None = None) -> pd.DataFrame:
    """PTQ accuracy for every (width, frac_width) pair, resumable like the sweep."""
    widths = widths or context.profile.widths
    frac_widths = frac_widths or context.profile.heatmap_frac_widths
    results = SweepResults(path, ["width", "frac_width"],
                           _settings(context, baseline_accuracy), force=force)
    pairs = [(w, f) for w in widths for f in frac_widths]
    for width, frac_width in tqdm(pairs, desc="PTQ grid"):
        if results.get(width=width, frac_width=frac_width) is None:
            accuracy = ptq_accuracy(context, baseline, FixedPointFormat(width, frac_width))
            results.add({"width": width, "frac_width": frac_width, "ptq_accuracy": accuracy})
    frame = results.frame()
    frame = frame[frame["width"].isin(widths) & frame["frac_width"].isin(frac_widths)]
    return frame.sort_values(["width", "frac_width"]).reset_index(drop=True)


def choose_elbow(frame: pd.DataFrame, column: str = "ptq_accuracy", tolerance: float = 0.005) -> int:
    """Return the smallest width whose accuracy is within ``tolerance`` of the best width's.

    >>> frame = pd.DataFrame({"width": [4, 8, 12, 16], "ptq_accuracy": [0.5, 0.80, 0.834, 0.835]})
    >>> choose_elbow(frame)
    12
    """
    best = frame[column].max()
    good_enough = frame[frame[column] >= best - tolerance]
    return int(good_enough["width"].min())
