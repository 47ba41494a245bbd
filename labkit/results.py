"""Atomic writes of results files and figures, and sweeps that resume."""

import logging
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

__all__ = ["atomic_write", "write_csv", "save_figure", "SweepResults", "force_cutoff", "recompute_saved",
           "FORCE_ENV"]

logger = logging.getLogger(__name__)

FORCE_ENV = "LABKIT_FORCE"


_PROCESS_START = time.time()


def force_cutoff() -> float | None:
    """Return the time (seconds since the epoch) before which saved results are recomputed.

    ``LABKIT_FORCE`` unset or ``0`` gives None: saved results are reused.
    ``1`` gives the start of this process. A number gives that time:
    ``labkit run --force`` passes the start of the run, so that a result one
    notebook recomputes (the baseline, a sweep, a study) is reused by the
    notebooks after it instead of being recomputed again.
    """
    value = os.environ.get(FORCE_ENV, "0").strip()
    if value in ("", "0"):
        return None
    if value == "1":
        return _PROCESS_START
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"invalid {FORCE_ENV}={value!r}: use 1 to recompute saved results, "
            "0 to reuse them, or a time in seconds since the epoch"
        ) from None


def recompute_saved(saved_at: float | None) -> bool:
    """Return True when ``LABKIT_FORCE`` requests recomputing a result saved at ``saved_at``.

    ``saved_at`` is in seconds since the epoch; None means nothing is saved.
    """
    cutoff = force_cutoff()
    return cutoff is not None and saved_at is not None and saved_at < cutoff


def modified_time(path: Path) -> float | None:
    """Return the modification time of ``path``, or None when it does not exist."""
    try:
        return Path(path).stat().st_mtime
    except FileNotFoundError:
        return None


def _new_file_mode() -> int:
    """Return the mode that ``open`` gives a new file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


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
        os.chmod(temporary, _new_file_mode())  # mkstemp creates files readable by the owner only
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
    file is opened, so those points are recomputed. ``force`` drops every
    saved row. By default the rows are dropped when ``LABKIT_FORCE`` requests
    recomputing results saved when the file was last written.
    """

    def __init__(self, path: Path, key_columns: list[str], settings: dict,
                 force: bool | None = None):
        if force is None:
            force = recompute_saved(modified_time(path))
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
