"""Execute lab notebooks top to bottom, keeping executed copies out of ``notebooks/``."""

import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from tqdm.auto import tqdm

from labkit import paths
from labkit.profiles import PROFILE_ENV
from labkit.results import FORCE_ENV, atomic_write

__all__ = ["notebooks_dir", "list_notebooks", "select_notebooks", "execute_notebook"]

LAB_TARGET = re.compile(r"^lab(\d)$")


def notebooks_dir() -> Path:
    return paths.project_root() / "notebooks"


def list_notebooks() -> list[Path]:
    """Return the lab notebooks in running order (their names start with two digits)."""
    return sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))


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
        raise ValueError(f"unknown target {target!r}: use all, lab0, lab1, ... or one of {names}")
    return selected


def execute_notebook(path: Path, profile_name: str, force: bool = False) -> Path:
    """Run ``path`` in a fresh kernel and write the executed copy under results/."""
    notebook = nbformat.read(path, as_version=4)
    os.environ[PROFILE_ENV] = profile_name  # inherited by the kernel
    os.environ[FORCE_ENV] = "1" if force else "0"
    client = NotebookClient(notebook, timeout=None, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    progress = tqdm(total=code_cells, desc=path.stem, unit="cell", leave=False)
    client.on_cell_executed = lambda **kwargs: progress.update()
    try:
        client.execute()
    finally:
        progress.close()
        executed = paths.results_dir(profile_name) / "executed" / path.name
        atomic_write(executed, lambda temporary: nbformat.write(notebook, temporary))
    return executed
