"""Accuracy, atomic results files, resumable sweeps and checkpoints."""

import os
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from labkit import metrics
from labkit.checkpoint import CheckpointError, load_checkpoint, read_metadata, save_checkpoint
from labkit.results import FORCE_ENV, SweepResults, atomic_write, force_cutoff, recompute_saved


def test_local_accuracy_hand_computed():
    assert metrics.local_accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5
    assert metrics.local_accuracy([0, 0, 0], [0, 0, 0]) == 1.0


def test_local_accuracy_rejects_length_mismatch():
    with pytest.raises(ValueError, match="equal length"):
        metrics.local_accuracy([1, 0], [1])


def test_offline_accuracy_is_local():
    assert metrics.metric_source() == "local"
    assert metrics.accuracy([1, 0, 0, 1], [1, 0, 1, 1]) == 0.75


def test_local_accuracy_agrees_with_evaluate():
    evaluate = pytest.importorskip("evaluate")
    try:
        metric = evaluate.load("accuracy")
    except Exception as error:  # offline: the metric script comes from the hub
        pytest.skip(f"evaluate's accuracy metric is not available offline ({type(error).__name__})")
    rng = np.random.default_rng(0)
    predictions, references = rng.integers(0, 2, 500), rng.integers(0, 2, 500)
    expected = metric.compute(predictions=predictions, references=references)["accuracy"]
    assert metrics.local_accuracy(predictions, references) == pytest.approx(expected, abs=0)


def test_atomic_write_follows_umask(tmp_path):
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "table.csv", lambda temporary: Path(temporary).write_text("a\n"))
    finally:
        os.umask(umask)
    assert (tmp_path / "table.csv").stat().st_mode & 0o777 == 0o644


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("old")

    def failing_write(temporary):
        with open(temporary, "w") as handle:
            handle.write("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, failing_write)
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_sweep_resumes_finished_points(tmp_path):
    path = tmp_path / "sweep.csv"
    settings = {"profile": "smoke", "seed": 0}
    first = SweepResults(path, ["width"], settings)
    first.add({"width": 4, "accuracy": 0.5})
    first.add({"width": 8, "accuracy": 0.8})
    resumed = SweepResults(path, ["width"], settings)
    assert resumed.get(width=8)["accuracy"] == "0.8"
    assert resumed.get(width=12) is None
    assert resumed.frame()["accuracy"].tolist() == [0.5, 0.8]


def test_sweep_drops_rows_of_other_settings(tmp_path):
    path = tmp_path / "sweep.csv"
    SweepResults(path, ["width"], {"seed": 0}).add({"width": 4, "accuracy": 0.5})
    assert SweepResults(path, ["width"], {"seed": 1}).get(width=4) is None


def test_sweep_force_starts_empty(tmp_path):
    path = tmp_path / "sweep.csv"
    SweepResults(path, ["width"], {"seed": 0}).add({"width": 4, "accuracy": 0.5})
    assert SweepResults(path, ["width"], {"seed": 0}, force=True).get(width=4) is None


def test_force_cutoff_keeps_rows_written_after_it(tmp_path, monkeypatch):
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    SweepResults(before, ["width"], {"seed": 0}).add({"width": 4, "accuracy": 0.5})
    os.utime(before, (1000.0, 1000.0))
    SweepResults(after, ["width"], {"seed": 0}).add({"width": 4, "accuracy": 0.5})
    monkeypatch.setenv(FORCE_ENV, "2000.0")  # as `labkit run --force` sets it
    assert SweepResults(before, ["width"], {"seed": 0}).get(width=4) is None
    assert SweepResults(after, ["width"], {"seed": 0}).get(width=4)["accuracy"] == "0.5"


@pytest.mark.parametrize("value, expected", [("0", None), ("", None), ("1234.5", 1234.5)])
def test_force_cutoff_values(monkeypatch, value, expected):
    monkeypatch.setenv(FORCE_ENV, value)
    assert force_cutoff() == expected
    assert recompute_saved(1000.0) is (expected is not None)
    assert recompute_saved(None) is False  # nothing saved, nothing to recompute


def test_force_one_cuts_at_process_start(monkeypatch):
    monkeypatch.setenv(FORCE_ENV, "1")
    assert recompute_saved(0.0)  # saved before this process started
    assert not recompute_saved(time.time())  # saved by this process


def test_force_cutoff_rejects_other_text(monkeypatch):
    monkeypatch.setenv(FORCE_ENV, "yes")
    with pytest.raises(ValueError, match="invalid LABKIT_FORCE='yes'.*use 1"):
        force_cutoff()


def test_malformed_results_file_raises(tmp_path):
    path = tmp_path / "sweep.csv"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ValueError, match="malformed.*delete it"):
        SweepResults(path, ["width"], {"seed": 0})


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)

    @property
    def device(self):
        return self.linear.weight.device


def test_checkpoint_round_trip(tmp_path):
    path = tmp_path / "model.safetensors"
    model = Tiny()
    save_checkpoint(model, path, {"accuracy": 0.75})
    loaded = Tiny()
    load_checkpoint(loaded, path)
    assert torch.equal(loaded.linear.weight, model.linear.weight)
    assert read_metadata(path) == {"accuracy": 0.75}


def test_corrupt_checkpoint_names_path_and_fix(tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"not a safetensors file")
    with pytest.raises(CheckpointError, match=r"model\.safetensors could not be loaded.*delete it"):
        load_checkpoint(Tiny(), path)


def test_checkpoint_of_other_model_raises(tmp_path):
    path = tmp_path / "model.safetensors"
    save_checkpoint(nn.Sequential(nn.Linear(3, 2)), path, {})
    with pytest.raises(CheckpointError, match="does not fit the model|could not be loaded"):
        load_checkpoint(Tiny(), path)
