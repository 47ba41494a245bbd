"""Run records: what produced each notebook's results, and whether they are still current.

After a notebook finishes, the runner stores a record in
``results/<profile>/runs.json``. The record contains hashes of the notebook, of
the labkit modules it imports (``code_hash``), of the profile settings it uses
and of the model source.
It also contains the start and finish times, the machine, and a hash of every
output file. Results are up to date when the current hashes equal the recorded
ones and every output still has its recorded hash. Every notebook they read
must also have finished before they started.
"""

import dataclasses
import datetime
import hashlib
import json
import os
import platform
from pathlib import Path

from labkit import paths
from labkit.hub import hub_is_reachable
from labkit.profiles import Profile
from labkit.report.code import code_hash
from labkit.report.sections import LAB_FIELDS, Section, section_for
from labkit.results import atomic_write

__all__ = ["Status", "RunRecords", "current_inputs", "machine_summary", "file_hash", "utc_now"]

RECORDS_FILE = "runs.json"


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _profile_settings(profile: Profile, section: Section | None) -> str:
    """Return the profile's fields that a notebook depends on, as text.

    A lab-specific field (``LAB_FIELDS``) counts only for the notebooks whose
    section lists it, so changing Lab 4's budget leaves Lab 1's results current.
    """
    used = section.settings if section else LAB_FIELDS
    values = {field.name: getattr(profile, field.name) for field in dataclasses.fields(profile)
              if field.name not in LAB_FIELDS or field.name in used}
    return repr(values)


def current_inputs(notebook_path: Path, profile: Profile) -> dict:
    """Return the hashes of what a notebook's results depend on, as they are now."""
    return {
        "notebook": file_hash(notebook_path),
        "code": code_hash(notebook_path),
        "profile": _text_hash(_profile_settings(profile, section_for(notebook_path.stem))),
        "model_source": "hub" if hub_is_reachable() else "offline",
    }


def machine_summary() -> str:
    """Describe this machine: OS, CPU cores, accelerator and torch version."""
    import torch

    accelerator = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, "
            f"{accelerator}, Python {platform.python_version()}, torch {torch.__version__}")


def utc_now() -> str:
    """Return the time as ISO 8601 text in UTC, with microseconds so that runs sort in order."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")


INPUT_NAMES = {"notebook": "the notebook", "code": "the labkit code",
               "profile": "the profile's settings", "model_source": "the model source"}


@dataclasses.dataclass(frozen=True)
class Status:
    """Whether a notebook's results are current, and why not."""

    state: str  # "up to date", "stale", "missing" or "not recorded"
    reason: str = ""

    @property
    def up_to_date(self) -> bool:
        return self.state == "up to date"

    def describe(self) -> str:
        return f"{self.state}: {self.reason}" if self.reason else self.state


class RunRecords:
    """The run records of one profile, read from and written to ``runs.json``."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.path = paths.results_dir(profile.name) / RECORDS_FILE
        self.records = self._read()

    def _read(self) -> dict:
        if not self.path.exists():
            return {}
        try:
            records = json.loads(self.path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"run records {self.path} are malformed ({error}); delete the file, "
                             "and every notebook will run again on the next `labkit run`") from error
        if not isinstance(records, dict):
            raise ValueError(f"run records {self.path} are malformed (not a JSON object); "
                             "delete the file, and every notebook will run again")
        return records

    def outputs(self, section: Section) -> list[Path]:
        root = paths.project_root()
        return [root / output.format(profile=self.profile.name) for output in section.outputs]

    def get(self, notebook: str) -> dict | None:
        return self.records.get(notebook)

    def record(self, notebook_path: Path, inputs: dict, started: str, duration_s: float) -> None:
        """Store the record of a notebook that has just finished, and save the file.

        ``inputs`` are the ``current_inputs`` taken when the notebook started,
        so that code edited during a run does not pass for the code that ran.
        """
        section = section_for(notebook_path.stem)
        outputs = self.outputs(section) if section else []
        root = paths.project_root()
        self.records[notebook_path.stem] = {
            "inputs": inputs,
            "started": started,
            "finished": utc_now(),
            "duration_s": round(duration_s, 1),
            "machine": machine_summary(),
            "outputs": {path.relative_to(root).as_posix(): file_hash(path)
                        for path in outputs if path.exists()},
        }
        text = json.dumps(self.records, indent=2, sort_keys=True) + "\n"
        atomic_write(self.path, lambda temporary: Path(temporary).write_text(text))

    def status(self, notebook_path: Path) -> Status:
        """Return whether the results of ``notebook_path`` are up to date, and if not why."""
        section = section_for(notebook_path.stem)
        outputs = self.outputs(section) if section else []
        root = paths.project_root()
        absent = [path.relative_to(root).as_posix() for path in outputs if not path.exists()]
        if absent:
            return Status("missing", ", ".join(absent))
        record = self.get(notebook_path.stem)
        if record is None:
            return Status("not recorded", "no `labkit run` record of these results")
        return self._compare(notebook_path, section, record)

    def _compare(self, notebook_path: Path, section: Section | None, record: dict) -> Status:
        current = current_inputs(notebook_path, self.profile)
        for name, value in current.items():
            if record["inputs"].get(name) != value:
                return Status("stale", f"{INPUT_NAMES[name]} changed since the run")
        root = paths.project_root()
        for relative, recorded_hash in record["outputs"].items():
            path = root / relative
            if not path.exists() or file_hash(path) != recorded_hash:
                return Status("stale", f"{relative} changed after the run")
        for upstream in section.after if section else ():
            upstream_record = self.get(upstream)
            if upstream_record is not None and upstream_record["finished"] > record["started"]:
                return Status("stale", f"{upstream} ran again after this notebook")
        return Status("up to date")
