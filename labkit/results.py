"""Atomic writes of results files and figures, and sweeps that resume."""

import logging
import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["atomic_write", "write_csv", "save_figure", "SweepResults", "force_requested", "FORCE_ENV"]

logger = logging.getLogger(__name__)

FORCE_ENV = "LABKIT_FORCE"


def force_requested() -> bool:
    """Return True when ``LABKIT_FORCE=1`` requests recomputing saved results."""
    return os.environ.get(FORCE_ENV, "0") == "1"


def atomic_write(path: Path, write) -> None:
    """Call ``write(temporary_path)`` and then rename the file onto ``path``.

    A run interrupted while writing leaves the previous ``path`` intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda temporary: frame.to_csv(temporary, index=False))


def save_figure(figure, path: Path) -> None:
    atomic_write(path, lambda temporary: figure.savefig(temporary, dpi=120, bbox_inches="tight"))


class SweepResults:
    """Rows of a sweep, saved after every point so that a rerun skips finished points.

    Each row is identified by ``key_columns``. Rows written under different
    ``settings`` (profile, data, model source, seed) are dropped when the
    file is opened, so those points are recomputed. ``force`` (default:
    ``LABKIT_FORCE=1``) drops every saved row.
    """

    def __init__(self, path: Path, key_columns: list[str], settings: dict,
                 force: bool | None = None):
        if force is None:
            force = force_requested()
        self.path = Path(path)
        self.key_columns = list(key_columns)
        self.settings = {key: str(value) for key, value in settings.items()}
        self.rows: list[dict] = []
        if self.path.exists() and not force:
            self.rows = [row for row in self._read() if self._matches(row)]

    def _read(self) -> list[dict]:
        try:
            frame = pd.read_csv(self.path, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            raise ValueError(
                f"results file {self.path} is malformed ({error}); move it away or delete it "
                "to recompute the sweep"
            ) from error
        return frame.to_dict("records")

    def _matches(self, row: dict) -> bool:
        return all(row.get(key) == value for key, value in self.settings.items())

    def _key(self, values: dict) -> tuple:
        return tuple(str(values[column]) for column in self.key_columns)

    def get(self, **key) -> dict | None:
        requested = self._key(key)
        for row in self.rows:
            if self._key(row) == requested:
                return row
        return None

    def add(self, row: dict) -> None:
        row = {**row, **self.settings}
        self.rows = [old for old in self.rows if self._key(old) != self._key(row)]
        self.rows.append(row)
        write_csv(pd.DataFrame(self.rows), self.path)

    def frame(self) -> pd.DataFrame:
        """Return the rows with numeric columns parsed as numbers."""
        frame = pd.DataFrame(self.rows)
        for column in frame.columns:
            try:
                frame[column] = pd.to_numeric(frame[column])
            except (ValueError, TypeError):
                pass  # a text column such as the data set name
        return frame
