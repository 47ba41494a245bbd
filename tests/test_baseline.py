"""The baseline checkpoint: reused when saved, retrained when forced."""

import time

import pytest

from labkit import baseline as baseline_module
from labkit.checkpoint import save_checkpoint
from labkit.paths import HOME_ENV
from labkit.results import FORCE_ENV


@pytest.fixture
def context(tmp_path, monkeypatch):
    from labkit import prepare_lab

    monkeypatch.setenv(HOME_ENV, str(tmp_path))  # results and cache under tmp_path
    monkeypatch.delenv(FORCE_ENV, raising=False)
    return prepare_lab("smoke")


@pytest.fixture
def trainings(monkeypatch):
    """Replace training by saving an untrained model, and return the list of training times."""
    calls = []

    def fake_train(context):
        calls.append(time.time())
        model = context.new_model()
        metadata = {**baseline_module.baseline_settings(context), "accuracy": 0.5}
        save_checkpoint(model, baseline_module.baseline_path(context), metadata)
        return model, 0.5

    monkeypatch.setattr(baseline_module, "train_baseline", fake_train)
    return calls


def test_saved_baseline_is_reused(context, trainings):
    baseline_module.load_or_train_baseline(context)
    _, accuracy = baseline_module.load_or_train_baseline(context)
    assert len(trainings) == 1
    assert accuracy == 0.5


def test_forced_run_retrains_once(context, trainings, monkeypatch):
    baseline_module.load_or_train_baseline(context)
    monkeypatch.setenv(FORCE_ENV, repr(time.time()))  # a forced run starts
    baseline_module.load_or_train_baseline(context)  # its first notebook retrains
    baseline_module.load_or_train_baseline(context)  # a later notebook reuses that
    assert len(trainings) == 2


def test_explicit_force_always_retrains(context, trainings):
    baseline_module.load_or_train_baseline(context)
    baseline_module.load_or_train_baseline(context, force=True)
    assert len(trainings) == 2
