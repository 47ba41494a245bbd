"""The main job in the smoke profile: a second ``run all`` recomputes nothing.

This test runs every notebook once (a few minutes) unless an earlier run left
up-to-date results in ``results/smoke/``. The notebook tests under nbval then
reuse the checkpoints it saved there.
"""

import json
import os
import subprocess
import sys

from labkit import paths
from labkit.report.sections import SECTIONS


def _run_all() -> str:
    completed = subprocess.run([sys.executable, "-m", "labkit", "run", "all", "--profile", "smoke"],
                               capture_output=True, text=True, timeout=900, env=os.environ.copy())
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def _last_run_entries() -> list[dict]:
    lines = (paths.results_dir("smoke") / "run_log.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    return [entry for entry in entries if entry["run"] == entries[-1]["run"]]


def test_second_run_all_skips_every_notebook():
    _run_all()
    output = _run_all()

    entries = _last_run_entries()
    assert [entry["notebook"] for entry in entries] == [section.notebook for section in SECTIONS]
    assert {entry["action"] for entry in entries} == {"skipped"}
    assert "report: " in output
    report = (paths.project_root() / "reports" / "smoke.md").read_text()
    assert "| stale |" not in report
    assert "| missing |" not in report
    assert "| not recorded |" not in report
