"""IMDb reviews from a local ``aclImdb`` folder or from the Hugging Face hub.

The folder layout is the one of the public ``aclImdb_v1`` archive::

    aclImdb/train/pos/<id>_<rating>.txt    aclImdb/test/pos/<id>_<rating>.txt
    aclImdb/train/neg/<id>_<rating>.txt    aclImdb/test/neg/<id>_<rating>.txt

Both sources return a ``datasets.DatasetDict`` with splits ``train`` and
``test`` and columns ``text`` and ``label`` (0 = neg, 1 = pos).
"""

import logging
import os
import re
from pathlib import Path

import datasets

from labkit.hub import hub_is_reachable

__all__ = ["IMDB_DIR_ENV", "load_imdb", "load_imdb_folder", "FEATURES"]

logger = logging.getLogger(__name__)

IMDB_DIR_ENV = "LABKIT_IMDB_DIR"
LABEL_NAMES = ("neg", "pos")
FEATURES = datasets.Features(
    {"text": datasets.Value("string"), "label": datasets.ClassLabel(names=list(LABEL_NAMES))}
)
FILE_NAME = re.compile(r"^(\d+)_(\d+)\.txt$")


def _review_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(
            f"IMDb folder is malformed: {folder} is missing; point {IMDB_DIR_ENV} at the "
            "aclImdb folder that contains train/pos, train/neg, test/pos and test/neg"
        )
    files = [path for path in folder.iterdir() if path.suffix == ".txt"]
    if not files:
        raise ValueError(f"IMDb folder is malformed: {folder} contains no .txt reviews")
    bad_names = [path.name for path in files if not FILE_NAME.match(path.name)]
    if bad_names:
        raise ValueError(
            f"IMDb folder is malformed: {folder} has files not named <id>_<rating>.txt, "
            f"for example {bad_names[0]!r}"
        )
    return sorted(files, key=lambda path: int(FILE_NAME.match(path.name).group(1)))


def _read_split(root: Path, split: str) -> datasets.Dataset:
    texts, labels = [], []
    for label, name in enumerate(LABEL_NAMES):
        for path in _review_files(root / split / name):
            texts.append(path.read_text(encoding="utf-8"))
            labels.append(label)
    return datasets.Dataset.from_dict({"text": texts, "label": labels}, features=FEATURES)


def load_imdb_folder(path: str | os.PathLike) -> datasets.DatasetDict:
    """Read the train and test splits of a local ``aclImdb`` folder."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(
            f"IMDb folder not found: {root}; set {IMDB_DIR_ENV} (or pass imdb_dir) to the "
            "aclImdb folder of the Large Movie Review Dataset"
        )
    return datasets.DatasetDict({split: _read_split(root, split) for split in ("train", "test")})


def _load_imdb_hub() -> datasets.DatasetDict:
    hub = datasets.load_dataset("imdb")
    return datasets.DatasetDict({split: hub[split].cast(FEATURES) for split in ("train", "test")})


def load_imdb(imdb_dir: str | os.PathLike | None = None) -> tuple[datasets.DatasetDict, str]:
    """Load IMDb from ``imdb_dir``, ``LABKIT_IMDB_DIR`` or the hub, in that order.

    Returns the splits and a description of the source. A folder that is set
    but unusable raises instead of falling back to the hub.
    """
    imdb_dir = imdb_dir or os.environ.get(IMDB_DIR_ENV)
    if imdb_dir:
        logger.info("loading IMDb from the folder %s", imdb_dir)
        return load_imdb_folder(imdb_dir), "imdb (local aclImdb folder)"
    if hub_is_reachable():
        logger.info("loading IMDb from the Hugging Face hub")
        return _load_imdb_hub(), "imdb (Hugging Face hub)"
    raise FileNotFoundError(
        "IMDb is not available: the Hugging Face hub is not reachable and no local folder "
        f"is set. Set {IMDB_DIR_ENV} to an aclImdb folder (train/ and test/ with pos/ and "
        "neg/), or go online so that datasets.load_dataset('imdb') can download it"
    )
