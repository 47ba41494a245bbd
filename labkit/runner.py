"""Execute lab notebooks top to bottom, keeping executed copies out of ``notebooks/``."""

import json
import os
import re
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from tqdm.auto import tqdm

from labkit import paths
from labkit.profiles import PROFILE_ENV, Profile
from labkit.report.records import RunRecords, current_inputs, utc_now
from labkit.results import FORCE_ENV, atomic_write

__all__ = ["list_notebooks", "select_notebooks", "execute_notebook",
           "run_notebooks", "RUN_LOG"]

LAB_TARGET = re.compile(r"^lab(\d)$")


RUN_LOG = "run_log.jsonl"


def list_notebooks() -> list[Path]:
    """Return the lab notebooks in running order (their names start with two digits)."""
    return sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))


def select_notebooks(target: str) -> list[Path]:
    """Return the notebooks of ``target``: ``all``, ``lab<N>`` or a notebook name.

    Lab N's notebooks are those whose two-digit prefix starts with N.
    """
    notebooks = list_notebooks()
    if target == "all":
        return notebooks
    match = LAB_TARGET.match(target)
    if match:
        selected = [path for path in notebooks if path.name[0] == match.group(1)]
    else:
        stem = Path(target).stem
        selected = [path for path in notebooks if path.stem == stem]
    if not selected:
        names = ", ".join(path.stem for path in notebooks)
        labs = sorted({path.name[0] for path in notebooks})
        raise ValueError(f"unknown target {target!r}: use all, a lab from lab{labs[0]} to "
                         f"lab{labs[-1]}, or one of {names}")
    return selected


def _kernel_manager(sockets: Path) -> KernelManager:
    """Return a manager for a python3 kernel that talks over local sockets in ``sockets``.

    Over TCP (jupyter_client's default) every kernel prints a warning about
    unencrypted traffic; IPC sockets keep the traffic in files on this machine.
    Windows has no IPC transport, so it keeps TCP.
    """
    if os.name == "nt":
        return KernelManager(kernel_name="python3")
    return KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "kernel"))


def execute_notebook(path: Path, profile_name: str, force_since: float | None = None) -> Path:
    """Run ``path`` in a fresh kernel and write the executed copy under results/.

    ``force_since`` (seconds since the epoch) recomputes results saved before
    that time; None reuses them.
    """
    notebook = nbformat.read(path, as_version=4)
    os.environ[PROFILE_ENV] = profile_name  # inherited by the kernel
    os.environ[FORCE_ENV] = "0" if force_since is None else repr(force_since)
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    progress = tqdm(total=code_cells, desc=path.stem, unit="cell", leave=False)
    with tempfile.TemporaryDirectory(prefix="labkit-kernel-") as sockets:
        kernel = _kernel_manager(Path(sockets))
        client = NotebookClient(notebook, km=kernel, timeout=None,
                                resources={"metadata": {"path": str(path.parent)}})
        client.on_cell_executed = lambda **kwargs: progress.update()
        executed = paths.results_dir(profile_name) / "executed" / path.name
        executed.parent.mkdir(parents=True, exist_ok=True)
        # The kernel's own stderr (C++ library messages such as the profiler's)
        # goes to a log beside the executed copy instead of the terminal.
        stderr_log = open(executed.with_suffix(".stderr.log"), "w", encoding="utf-8")
        try:
            client.execute(stderr=stderr_log)
        finally:
            progress.close()
            # nbclient shuts down only the kernels it created itself.
            if kernel.has_kernel:
                kernel.shutdown_kernel()
            stderr_log.close()
            atomic_write(executed, lambda temporary: nbformat.write(notebook, temporary))
    return executed


def _log(profile: Profile, entry: dict) -> None:
    """Append one line to ``results/<profile>/run_log.jsonl``."""
    path = paths.results_dir(profile.name) / RUN_LOG
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def run_notebooks(notebooks: list[Path], profile: Profile, force: bool = False) -> str:
    """Execute each notebook whose results are not up to date, in order; return the run id.

    A notebook is skipped when its run record matches (see
    ``labkit.report.records``); ``force`` executes every notebook and
    recomputes results saved before the run started, so a result that one
    notebook of the run recomputed is reused by the later ones. Each skip,
    run and failure is printed and appended to the run log. A failed notebook stops the run and raises
    ``CellExecutionError``, leaving the records of finished notebooks intact.
    """
    records = RunRecords(profile)
    run_id = uuid.uuid4().hex[:8]
    force_since = time.time() if force else None
    progress = tqdm(notebooks, desc=f"labkit run ({profile.name})", unit="notebook")
    for path in progress:
        status = records.status(path)
        entry = {"run": run_id, "notebook": path.stem, "time": utc_now()}
        if status.up_to_date and not force:
            _log(profile, {**entry, "action": "skipped", "reason": "up to date"})
            tqdm.write(f"{path.stem}: skipped, results up to date")
            continue
        reason = "--force" if force else status.describe()
        tqdm.write(f"{path.stem}: running ({reason})")
        inputs = current_inputs(path, profile)
        start = time.perf_counter()
        try:
            execute_notebook(path, profile.name, force_since)
        except Exception:
            _log(profile, {**entry, "action": "failed", "reason": reason})
            tqdm.write(f"{path.stem}: failed")
            raise
        duration = time.perf_counter() - start
        records.record(path, inputs, entry["time"], duration)
        _log(profile, {**entry, "action": "ran", "reason": reason, "duration_s": round(duration, 1)})
        tqdm.write(f"{path.stem}: done in {duration:.0f} s")
    return run_id
