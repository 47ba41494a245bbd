"""Model checkpoints in safetensors, written atomically, with a JSON metadata file."""

import json
from pathlib import Path

from safetensors import SafetensorError
from safetensors.torch import load_model, save_model

from labkit.results import atomic_write

__all__ = ["save_checkpoint", "load_checkpoint", "read_metadata", "CheckpointError"]


class CheckpointError(ValueError):
    """A checkpoint file that is corrupt or does not fit the model."""


def _metadata_path(path: Path) -> Path:
    return Path(path).with_suffix(".json")


def save_checkpoint(model, path: Path, metadata: dict) -> None:
    """Save the weights of ``model`` to ``path`` and ``metadata`` beside it."""
    atomic_write(path, lambda temporary: save_model(model, temporary))
    text = json.dumps(metadata, indent=2, sort_keys=True)
    atomic_write(_metadata_path(path), lambda temporary: Path(temporary).write_text(text))


def read_metadata(path: Path) -> dict | None:
    """Return the metadata saved with the checkpoint, or None if there is none."""
    metadata_path = _metadata_path(path)
    if not Path(path).is_file() or not metadata_path.is_file():
        return None
    try:
        return json.loads(metadata_path.read_text())
    except json.JSONDecodeError:
        return None


def load_checkpoint(model, path: Path) -> None:
    """Load weights from ``path`` into ``model``; safetensors never runs pickled code."""
    try:
        missing, unexpected = load_model(model, path, strict=False, device=str(model.device))
    except (SafetensorError, OSError, RuntimeError) as error:
        raise CheckpointError(
            f"checkpoint {path} could not be loaded ({error}); delete it and rerun "
            "the baseline notebook (python -m labkit run lab0 --force) to train a new one"
        ) from error
    if missing or unexpected:
        raise CheckpointError(
            f"checkpoint {path} does not fit the model (missing {sorted(missing)[:3]}, "
            f"unexpected {sorted(unexpected)[:3]}); delete it and rerun the baseline notebook"
        )
