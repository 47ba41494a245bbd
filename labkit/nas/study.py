"""Seeded samplers and persistent studies that resume and count finished trials."""

import hashlib
import json
import logging
import time

import optuna
import pandas as pd
from optuna.trial import TrialState

from labkit.nas.space import SearchSpace
from labkit.results import recompute_saved

__all__ = ["SAMPLERS", "make_sampler", "study_name", "run_study", "completed_trials", "best_so_far"]

logger = logging.getLogger(__name__)

SAMPLERS = ("random", "grid", "tpe")
CREATED_ATTR = "labkit_created"  # study user attribute: creation time, seconds since the epoch


def make_sampler(name: str, space: SearchSpace, seed: int, budget: int) -> optuna.samplers.BaseSampler:
    """Return the seeded sampler called ``name``: ``random``, ``grid`` or ``tpe``.

    The grid enumerates ``space.grid()`` (architecture sizes only) in an order
    drawn from ``seed``. TPE samples at random for its first quarter of the
    budget (at least 2 trials, at most 10) and then models the good trials.
    """
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "grid":
        return optuna.samplers.GridSampler(space.grid(), seed=seed)
    if name == "tpe":
        startup = min(10, max(2, budget // 4))
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=startup)
    raise ValueError(f"unknown sampler {name!r}: use one of {', '.join(SAMPLERS)}")


def study_name(task: str, variant: str, settings: dict) -> str:
    """Return ``task-variant-<hash of settings>``, so new settings start a new study."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    return f"{task}-{variant}-{digest.hexdigest()[:10]}"


def check_budget(budget) -> int:
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ValueError(f"trial budget must be a positive integer, got {budget!r}")
    return budget


def run_study(name: str, objective, sampler, budget: int, storage,
              directions=("maximize",), force: bool | None = None) -> optuna.Study:
    """Run ``objective`` until the study ``name`` in ``storage`` has ``budget`` completed trials.

    A rerun loads the study and runs only the missing trials; a finished
    study runs nothing. Several processes may call this on one storage at
    once: each stops when the study is complete. ``force`` deletes the
    stored study first, so use it from one process only. By default a study
    created before the cutoff of ``LABKIT_FORCE`` is deleted (see
    ``labkit.results.force_cutoff``).
    NOTE: two workers that start their last trials together can finish the
    study with up to one extra trial per additional worker.
    """
    budget = check_budget(budget)
    if force is None:
        force = recompute_saved(_created_time(name, storage))
    if force:
        _delete_study(name, storage)
    study = optuna.create_study(storage=storage, sampler=sampler, study_name=name,
                                load_if_exists=True, directions=list(directions))
    if CREATED_ATTR not in study.user_attrs:
        study.set_user_attr(CREATED_ATTR, time.time())
    remaining = budget - len(completed_trials(study))
    if remaining > 0:
        logger.info("study %s: %d of %d trials to run", name, remaining, budget)
        stop_at_budget = optuna.study.MaxTrialsCallback(budget, states=(TrialState.COMPLETE,))
        study.optimize(objective, n_trials=remaining, callbacks=[stop_at_budget, _log_trial])
    return study


def _created_time(name: str, storage) -> float | None:
    """Return when the stored study ``name`` was created (seconds since the epoch), or None."""
    try:
        study = optuna.load_study(study_name=name, storage=storage)
    except KeyError:
        return None
    if CREATED_ATTR in study.user_attrs:
        return float(study.user_attrs[CREATED_ATTR])
    # Studies stored before the attribute existed: their first trial's start.
    starts = [trial.datetime_start.timestamp() for trial in study.trials if trial.datetime_start]
    return min(starts, default=0.0)


def _delete_study(name: str, storage) -> None:
    try:
        optuna.delete_study(study_name=name, storage=storage)
    except KeyError:
        return  # nothing stored under this name yet
    logger.info("study %s: deleted to recompute it", name)


def _log_trial(study: optuna.Study, trial) -> None:
    # One line per trial also keeps notebook runners that expect regular output
    # (nbval waits 5 s at most) from treating a long search as hung.
    logger.info("study %s: trial %d %s, values %s", study.study_name, trial.number,
                trial.state.name.lower(), trial.values)


def completed_trials(study: optuna.Study) -> list:
    """Return the completed trials, in the order they were started."""
    return sorted(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)),
                  key=lambda trial: trial.number)


def best_so_far(study: optuna.Study, budget: int | None = None) -> pd.DataFrame:
    """Return one row per completed trial: its number, accuracy, the best so far and its params.

    ``trial`` counts completed trials from 1; ``budget`` keeps the first ones.
    """
    rows = []
    for trial in completed_trials(study)[:budget]:
        rows.append({"trial": len(rows) + 1, "optuna_number": trial.number,
                     "accuracy": trial.values[0], **trial.user_attrs, **trial.params})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame.insert(3, "best_so_far", frame["accuracy"].cummax())
    return frame
