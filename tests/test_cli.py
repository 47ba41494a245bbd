"""Notebook selection and the command line's errors."""

import pytest

from labkit import cli
from labkit.runner import list_notebooks, select_notebooks


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
    with pytest.raises(ValueError, match=r"unknown target 'lab9'.*00_baseline"):
        select_notebooks("lab9")


def test_cli_rejects_unknown_profile(capsys):
    assert cli.main(["run", "lab0", "--profile", "huge"]) == 2
    assert "unknown profile 'huge'" in capsys.readouterr().err


def test_cli_help_lists_profiles(capsys):
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    assert "smoke, default, imdb" in capsys.readouterr().out


def test_execute_notebook_writes_executed_copy(tmp_path, monkeypatch):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

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
