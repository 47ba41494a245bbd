"""Storage of optuna studies: a SQLite file by default, any optuna storage by option.

- ``None``: ``results/<profile>/lab2_studies.db`` (SQLite).
- An RDB URL such as ``sqlite:///path.db`` or ``postgresql://user@host/db``:
  workers on several machines share one study by passing the same URL.
- ``journal:PATH``: an append-only journal file, safe for several processes
  on one machine (or on a shared file system that supports file locks).
"""

import logging
import warnings
from pathlib import Path

import optuna
import sqlalchemy.exc

from labkit import paths

__all__ = ["open_storage", "default_storage_url", "StorageError"]

logger = logging.getLogger(__name__)

JOURNAL_PREFIX = "journal:"
# A trial whose worker stops sending heartbeats for this long is marked failed,
# so an interrupted run loses only the trial it was running.
HEARTBEAT_INTERVAL_S = 30
GRACE_PERIOD_S = 90


class StorageError(RuntimeError):
    """An optuna storage that cannot be opened."""


def default_storage_url(profile_name: str) -> str:
    path = paths.results_dir(profile_name) / "lab2_studies.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def open_storage(storage: str | None, profile_name: str) -> optuna.storages.BaseStorage:
    """Return the optuna storage that ``storage`` names (see the module docstring)."""
    url = storage or default_storage_url(profile_name)
    try:
        if url.startswith(JOURNAL_PREFIX):
            path = Path(url[len(JOURNAL_PREFIX):]).expanduser()
            path.parent.mkdir(parents=True, exist_ok=True)
            backend = optuna.storages.journal.JournalFileBackend(str(path))
            return optuna.storages.JournalStorage(backend)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.storages.RDBStorage(url, heartbeat_interval=HEARTBEAT_INTERVAL_S,
                                              grace_period=GRACE_PERIOD_S)
    except (sqlalchemy.exc.SQLAlchemyError, ImportError, OSError, ValueError) as error:
        raise StorageError(
            f"cannot open optuna storage {url!r} ({type(error).__name__}: {error}); check the URL, "
            f"that the database server is reachable and its driver installed, or pass "
            f"'{JOURNAL_PREFIX}PATH' for a journal file"
        ) from error
