"""Notebook selection and the command line's errors."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from labkit import cli
from labkit.profiles import get_profile
from labkit.runner import list_notebooks, run_notebooks, select_notebooks


def test_notebooks_in_running_order():
    names = [path.name for path in list_notebooks()]
    assert names == sorted(names)
    assert names[0].startswith("00_")


def test_select_lab_by_prefix():
    assert all(path.name.startswith("1") for path in select_notebooks("lab1"))
    assert select_notebooks("all") == list_notebooks()


def test_select_notebook_by_name():
    [path] = select_notebooks("00_baseline")
    assert path.name == "00_baseline.ipynb"


def test_unknown_target_lists_choices():
    with pytest.raises(ValueError, match=r"unknown target 'lab9': use all, a lab from lab0 to lab4, .*00_baseline"):
        select_notebooks("lab9")


def test_cli_rejects_unknown_profile(capsys):
    assert cli.main(["run", "lab0", "--profile", "huge"]) == 2
    assert "unknown profile 'huge'" in capsys.readouterr().err


def test_cli_help_lists_profiles(capsys):
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    assert "smoke, default, imdb" in capsys.readouterr().out


def test_execute_notebook_writes_executed_copy(tmp_path, monkeypatch):
    from labkit.runner import execute_notebook

    monkeypatch.setenv("LABKIT_HOME", str(tmp_path))
    source = tmp_path / "notebooks" / "00_probe.ipynb"
    source.parent.mkdir()
    cell = new_code_cell("import os\nprofile = os.environ['LABKIT_PROFILE']\nprint(profile)")
    nbformat.write(new_notebook(cells=[cell]), source)

    executed = execute_notebook(source, "smoke")

    assert executed == tmp_path / "results" / "smoke" / "executed" / "00_probe.ipynb"
    outputs = nbformat.read(executed, as_version=4).cells[0].outputs
    assert outputs[0]["text"].strip() == "smoke"
    assert nbformat.read(source, as_version=4).cells[0].outputs == []


def _log_entries(home, run_id):
    lines = (home / "results" / "smoke" / "run_log.jsonl").read_text().splitlines()
    return [entry for entry in map(json.loads, lines) if entry["run"] == run_id]


def _probe_notebook(home, code: str):
    source = home / "notebooks" / "00_probe.ipynb"
    source.parent.mkdir(exist_ok=True)
    nbformat.write(new_notebook(cells=[new_code_cell(code)]), source)
    return source


def test_rerun_skips_recorded_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path))
    source = _probe_notebook(tmp_path, "print('probe')")
    profile = get_profile("smoke")

    first = run_notebooks([source], profile)
    second = run_notebooks([source], profile)
    forced = run_notebooks([source], profile, force=True)

    assert [entry["action"] for entry in _log_entries(tmp_path, first)] == ["ran"]
    assert [entry["action"] for entry in _log_entries(tmp_path, second)] == ["skipped"]
    assert [entry["reason"] for entry in _log_entries(tmp_path, forced)] == ["--force"]


def test_edited_notebook_runs_again(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path))
    source = _probe_notebook(tmp_path, "print('probe')")
    profile = get_profile("smoke")
    run_notebooks([source], profile)
    _probe_notebook(tmp_path, "print('edited')")

    rerun = run_notebooks([source], profile)

    [entry] = _log_entries(tmp_path, rerun)
    assert entry["action"] == "ran"
    assert entry["reason"] == "stale: the notebook changed since the run"


def test_kernel_stderr_goes_to_log(tmp_path, monkeypatch, capfd):
    from labkit.runner import execute_notebook

    monkeypatch.setenv("LABKIT_HOME", str(tmp_path))
    source = _probe_notebook(tmp_path, "import os\nos.write(2, b'native library message\\n')")

    executed = execute_notebook(source, "smoke")

    log = executed.with_suffix(".stderr.log").read_text()
    assert "native library message" in log
    assert "native library message" not in capfd.readouterr().err


def test_cli_report_command_writes_report(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path))

    assert cli.main(["report", "--profile", "smoke"]) == 0

    output = capsys.readouterr().out
    assert f"report: {tmp_path / 'reports' / 'smoke.md'}" in output
    assert "00_baseline: missing; rerun with `python -m labkit run 00_baseline --profile smoke`" in output
    assert (tmp_path / "reports" / "smoke.md").read_text().startswith("# Lab report: profile `smoke`")
