"""Folders for the results, figures, checkpoints and caches of a profile."""

import os
from pathlib import Path

__all__ = ["project_root", "notebooks_dir", "results_dir", "attachments_dir", "cache_dir"]

HOME_ENV = "LABKIT_HOME"


def project_root() -> Path:
    """Return the folder that contains ``results/`` and ``attachments/``.

    It is ``LABKIT_HOME`` when set, else the checkout that contains this package.
    """
    if HOME_ENV in os.environ:
        return Path(os.environ[HOME_ENV]).resolve()
    return Path(__file__).resolve().parents[1]


def notebooks_dir() -> Path:
    """Return the notebooks of this checkout, also when ``LABKIT_HOME`` moves the results."""
    return Path(__file__).resolve().parents[1] / "notebooks"


def results_dir(profile_name: str) -> Path:
    path = project_root() / "results" / profile_name
    path.mkdir(parents=True, exist_ok=True)
    return path


def attachments_dir(profile_name: str) -> Path:
    path = project_root() / "attachments" / profile_name
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir(profile_name: str) -> Path:
    """Return the folder for checkpoints and trained tokenizers, which git ignores."""
    path = results_dir(profile_name) / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path
