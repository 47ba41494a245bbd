"""Accuracy through the ``evaluate`` library, or the same formula computed locally."""

import functools
import logging

import numpy as np

from labkit.hub import hub_is_reachable

__all__ = ["accuracy", "local_accuracy", "metric_source"]

logger = logging.getLogger(__name__)


def local_accuracy(predictions, references) -> float:
    """Return the fraction of predictions equal to their references.

    >>> local_accuracy([1, 0, 1, 1], [1, 1, 1, 0])
    0.5
    """
    predictions = np.asarray(predictions)
    references = np.asarray(references)
    if predictions.shape != references.shape or predictions.size == 0:
        raise ValueError(
            f"accuracy needs two non-empty sequences of equal length, "
            f"got {predictions.shape} and {references.shape}"
        )
    return float((predictions == references).mean())


@functools.cache
def _evaluate_metric():
    """Return ``evaluate``'s accuracy metric, or None when it cannot be loaded."""
    if not hub_is_reachable():
        return None
    import evaluate

    try:
        return evaluate.load("accuracy")
    except (OSError, ConnectionError, FileNotFoundError, ImportError) as error:
        logger.warning("evaluate's accuracy metric could not be loaded (%s); computing it locally", error)
        return None


def metric_source() -> str:
    return "evaluate" if _evaluate_metric() is not None else "local"


def accuracy(predictions, references) -> float:
    metric = _evaluate_metric()
    if metric is None:
        return local_accuracy(predictions, references)
    return float(metric.compute(predictions=predictions, references=references)["accuracy"])
