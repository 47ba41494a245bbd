"""The lab report built from a results folder, and the run records that mark results stale."""

import dataclasses
import json

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from labkit.paths import notebooks_dir
from labkit.profiles import get_profile
from labkit.report.builder import build_report, write_report
from labkit.report.code import code_hash, notebook_modules
from labkit.report.records import RunRecords, current_inputs, utc_now
from labkit.report.sections import SECTIONS

PROVENANCE = {"profile": "smoke", "dataset": "generated reviews (embedded corpus, not IMDb)",
              "model_source": "BERT-tiny from config, trained from scratch", "seed": 0}


def _rows(table) -> pd.DataFrame:
    """Return two rows with every column the table shows, and the columns it filters on."""
    columns = dict.fromkeys(table.columns)
    for name in (table.best_by, *(table.pivot or ()), *(table.where or ())[:1]):
        if name:
            columns[name] = None
    frame = pd.DataFrame({column: [1, 2] for column in columns})
    frame["trial"] = [1, 2]
    frame["accuracy"] = [0.75, 0.8]
    if table.where:
        frame[table.where[0]] = [table.where[1], "False"]
    if table.pivot:
        frame[table.pivot[0]] = [4, 4]
    return frame.assign(**PROVENANCE)


def _write_results(home, skip_table=None, skip_figure=None):
    for section in SECTIONS:
        for table in section.tables:
            if table.file != skip_table:
                path = home / "results" / "smoke" / table.file
                path.parent.mkdir(parents=True, exist_ok=True)
                _rows(table).to_csv(path, index=False)
        for figure in section.figures:
            if figure != skip_figure:
                path = home / "attachments" / "smoke" / figure
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"\x89PNG figure " + figure.encode())


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path))
    return tmp_path


def test_report_links_every_table_and_figure(home):
    _write_results(home)

    report = build_report(get_profile("smoke"))

    for section in SECTIONS:
        assert f"## {section.title}" in report.markdown
        for table in section.tables:
            assert f"**{table.title}** (`results/smoke/{table.file}`" in report.markdown
        for figure in section.figures:
            assert f"(../attachments/smoke/{figure})" in report.markdown
    assert "Missing" not in report.markdown
    assert set(report.statuses.values()) == {"not recorded"}


def test_report_flags_missing_table_and_figure(home):
    _write_results(home, skip_table="lab1_pruning.csv", skip_figure="nas_samplers.png")

    report = build_report(get_profile("smoke"))

    assert "**Missing:** `results/smoke/lab1_pruning.csv` was not found." in report.markdown
    assert "**Missing:** figure `attachments/smoke/nas_samplers.png` was not found." in report.markdown
    assert report.statuses["12_pruning"] == "missing"
    assert report.statuses["21_nas_samplers"] == "missing"
    assert report.not_current == sorted(report.not_current, key=list(report.statuses).index)


def test_report_shows_best_trial_per_group(home):
    _write_results(home)
    path = home / "results" / "smoke" / "lab2_samplers.csv"
    frame = pd.DataFrame({"sampler": ["random", "random", "tpe"], "trial": [1, 2, 1],
                          "accuracy": [0.7, 0.9, 0.8]})
    frame.to_csv(path, index=False)

    markdown = build_report(get_profile("smoke")).markdown

    section = markdown.split("## Lab 2 Task 1")[1].split("## ")[0]
    assert "3 rows in the file" in section
    assert "| random | 2 | 0.9 |" in section
    assert "| random | 1 | 0.7 |" not in section
    assert "| tpe | 1 | 0.8 |" in section


def test_report_flags_unreadable_table(home):
    _write_results(home)
    (home / "results" / "smoke" / "lab2_samplers.csv").write_text("sampler\nrandom\n")

    markdown = build_report(get_profile("smoke")).markdown

    assert ("**Unreadable:** `results/smoke/lab2_samplers.csv` could not be read (KeyError: "
            in markdown)
    assert "delete it and rerun its notebook." in markdown


def test_write_report_keeps_old_report_on_error(home):
    _write_results(home)
    path, _ = write_report(get_profile("smoke"))
    before = path.read_text()
    (home / "results" / "smoke" / "runs.json").write_text("{not json")

    with pytest.raises(ValueError, match="runs.json are malformed"):
        write_report(get_profile("smoke"))

    assert path.read_text() == before


def _record(records, notebook):
    path = notebooks_dir() / f"{notebook}.ipynb"
    records.record(path, current_inputs(path, records.profile), utc_now(), duration_s=1.0)


def test_recorded_results_are_up_to_date(home):
    _write_results(home)
    records = RunRecords(get_profile("smoke"))
    _record(records, "00_baseline")
    _record(records, "11_fixed_point_quantization")

    reread = RunRecords(get_profile("smoke"))

    assert reread.status(notebooks_dir() / "00_baseline.ipynb").up_to_date
    assert reread.status(notebooks_dir() / "11_fixed_point_quantization.ipynb").up_to_date


def test_edited_output_is_stale(home):
    _write_results(home)
    records = RunRecords(get_profile("smoke"))
    _record(records, "00_baseline")
    (home / "results" / "smoke" / "lab0_baseline.csv").write_text("accuracy\n0.99\n")

    status = records.status(notebooks_dir() / "00_baseline.ipynb")

    assert status.state == "stale"
    assert "lab0_baseline.csv changed after the run" in status.reason


def test_changed_profile_is_stale(home):
    _write_results(home)
    _record(RunRecords(get_profile("smoke")), "00_baseline")
    changed = dataclasses.replace(get_profile("smoke"), epochs=7)

    status = RunRecords(changed).status(notebooks_dir() / "00_baseline.ipynb")

    assert status.state == "stale"
    assert status.reason == "the profile's settings changed since the run"


def test_other_labs_budget_keeps_results_current(home):
    _write_results(home)
    _record(RunRecords(get_profile("smoke")), "11_fixed_point_quantization")
    _record(RunRecords(get_profile("smoke")), "41_torch_compile")
    profile = get_profile("smoke")
    changed = dataclasses.replace(profile, perf=dataclasses.replace(profile.perf, repeats=99))

    records = RunRecords(changed)

    assert records.status(notebooks_dir() / "11_fixed_point_quantization.ipynb").up_to_date
    assert records.status(notebooks_dir() / "41_torch_compile.ipynb").state == "stale"


def test_changed_code_is_stale(home):
    _write_results(home)
    records = RunRecords(get_profile("smoke"))
    _record(records, "00_baseline")
    path = home / "results" / "smoke" / "runs.json"
    saved = json.loads(path.read_text())
    saved["00_baseline"]["inputs"]["code"] = "0" * 16
    path.write_text(json.dumps(saved))

    status = RunRecords(get_profile("smoke")).status(notebooks_dir() / "00_baseline.ipynb")

    assert status.reason == "the labkit code changed since the run"


def _hash_package(root, kernel="def scale(x):\n    return 2 * x\n", search="STEPS = 1\n",
                  profiles="BUDGET = 1\n"):
    """Write a small labkit package and a notebook that imports its quant module, and hash it."""
    package = root / "labkit"
    (package / "quant").mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("from labkit.profiles import BUDGET\n")
    (package / "profiles.py").write_text(profiles)
    (package / "quant" / "__init__.py").write_text("from .kernel import scale\n")
    (package / "quant" / "kernel.py").write_text(kernel)
    (package / "search.py").write_text(search)
    notebook = root / "lab.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("%matplotlib inline\nfrom labkit.quant import scale")]),
                   notebook)
    return code_hash(notebook, package)


def test_code_hash_follows_notebook_imports(tmp_path):
    original = _hash_package(tmp_path)

    assert _hash_package(tmp_path, kernel="def scale(x):\n    return 3 * x\n") != original
    assert _hash_package(tmp_path, search="STEPS = 2\n") == original
    assert _hash_package(tmp_path, profiles="BUDGET = 2\n") == original


def test_code_hash_skips_comments_and_docstrings(tmp_path):
    original = _hash_package(tmp_path)
    documented = 'def scale(x):\n    """Double x."""\n    return 2 * x  # exact\n'

    assert _hash_package(tmp_path, kernel=documented) == original


def test_notebook_modules_of_lab_notebooks():
    quantization = {path.relative_to(notebooks_dir().parent).as_posix()
                    for path in notebook_modules(notebooks_dir() / "11_fixed_point_quantization.ipynb")}
    search = {path.relative_to(notebooks_dir().parent).as_posix()
              for path in notebook_modules(notebooks_dir() / "21_nas_samplers.ipynb")}

    assert "labkit/quant/fixed_point.py" in quantization
    assert "labkit/train.py" in quantization
    assert "labkit/nas/study.py" not in quantization
    assert "labkit/nas/study.py" in search


def test_rerun_upstream_makes_downstream_stale(home):
    _write_results(home)
    records = RunRecords(get_profile("smoke"))
    _record(records, "00_baseline")
    _record(records, "11_fixed_point_quantization")
    _record(records, "00_baseline")  # finishes after 11 started

    status = records.status(notebooks_dir() / "11_fixed_point_quantization.ipynb")

    assert status.state == "stale"
    assert status.reason == "00_baseline ran again after this notebook"


def test_stale_section_is_named_in_report(home):
    _write_results(home)
    records = RunRecords(get_profile("smoke"))
    _record(records, "00_baseline")
    (home / "attachments" / "smoke" / "QAT.png").write_bytes(b"other")
    _record(records, "11_fixed_point_quantization")
    (home / "attachments" / "smoke" / "QAT.png").write_bytes(b"edited after the run")

    report = build_report(get_profile("smoke"))

    assert report.statuses["00_baseline"] == "up to date"
    assert report.statuses["11_fixed_point_quantization"] == "stale"
    assert "attachments/smoke/QAT.png changed after the run" in report.markdown
