"""The Lab 0 baseline: train it once, save it, and load it in every later lab."""

import logging

from labkit.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from labkit.context import LabContext
from labkit.results import modified_time, recompute_saved
from labkit.train import evaluate, set_seed, train

__all__ = ["baseline_path", "train_baseline", "load_or_train_baseline", "baseline_settings"]

logger = logging.getLogger(__name__)


def baseline_path(context: LabContext):
    return context.results_dir / "cache" / "baseline.safetensors"


def baseline_settings(context: LabContext) -> dict:
    """Return what the baseline depends on; a change means it must be retrained."""
    profile = context.profile
    return {
        **context.provenance(),
        "data_fingerprint": context.data_fingerprint,
        "tokenizer": context.tokenizer_source,
        "train_size": len(context.tokenized["train"]),
        "max_length": profile.max_length,
        "epochs": profile.epochs,
        "batch_size": profile.batch_size,
        "learning_rate": context.learning_rate,
    }


def train_baseline(context: LabContext):
    """Train the baseline, save it, and return it with its test accuracy."""
    set_seed(context.seed)
    model = context.new_model()
    train(model, context.train_loader(), epochs=context.profile.epochs,
          learning_rate=context.learning_rate, warmup_ratio=context.profile.warmup_ratio,
          device=context.device, description="baseline")
    test_accuracy = evaluate(model, context.test_loader(), device=context.device)
    metadata = {**baseline_settings(context), "accuracy": test_accuracy}
    save_checkpoint(model, baseline_path(context), metadata)
    logger.info("baseline accuracy %.4f saved to %s", test_accuracy, baseline_path(context))
    return model, test_accuracy


def load_or_train_baseline(context: LabContext, force: bool | None = None):
    """Return the saved baseline and its accuracy, training it first if needed.

    The checkpoint is reused only when it was trained with the current
    settings; ``force`` retrains it regardless, and by default ``LABKIT_FORCE``
    retrains a checkpoint saved before its cutoff (see ``force_cutoff``).
    """
    path = baseline_path(context)
    if force is None:
        force = recompute_saved(modified_time(path))
    metadata = read_metadata(path)
    expected = baseline_settings(context)
    if force or metadata is None:
        return train_baseline(context)
    if {key: metadata.get(key) for key in expected} != expected:
        logger.info("the saved baseline was trained with other settings; retraining")
        return train_baseline(context)

    model = context.new_model()
    load_checkpoint(model, path)
    model.eval()
    return model, metadata["accuracy"]
