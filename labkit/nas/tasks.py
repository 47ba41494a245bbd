"""Lab 2's experiments: sampler comparison, compression-aware search, accuracy vs size."""

import dataclasses

import pandas as pd
from tqdm.auto import tqdm

from labkit.context import LabContext
from labkit.nas.objective import (Compression, SearchData, architecture_objective,
                                  compression_objective)
from labkit.nas.space import SearchSpace
from labkit.nas.storage import open_storage
from labkit.nas.study import SAMPLERS, best_so_far, make_sampler, run_study, study_name
from labkit.results import write_csv

__all__ = ["compare_samplers", "best_sampler", "compression_aware_search", "size_search", "pareto_front"]


def _settings(context: LabContext, data: SearchData, space: SearchSpace, **extra) -> dict:
    return {**context.provenance(), **data.settings(), "space": dataclasses.asdict(space), **extra}


def compare_samplers(context: LabContext, data: SearchData, space: SearchSpace, path,
                     storage: str | None = None, samplers=SAMPLERS,
                     with_identities: str | None = "tpe") -> pd.DataFrame:
    """Run one study per sampler on the architecture sizes, all with the same budget.

    Every sampler searches the same space (sizes only, every layer Linear),
    so the grid can enumerate it. ``with_identities`` names a sampler that
    also runs on the full space with an identity choice per square layer,
    reported as ``<sampler>+identity``. The table is written to ``path``.
    """
    budget = data.budget.trials
    opened = open_storage(storage, context.profile.name)
    runs = [(name, False) for name in samplers]
    if with_identities:
        runs.append((with_identities, True))
    frames = []
    for name, identities in tqdm(runs, desc="samplers"):
        label = f"{name}+identity" if identities else name
        settings = _settings(context, data, space, sampler=label)
        study = run_study(study_name("samplers", label, settings),
                          architecture_objective(data, space, identities),
                          make_sampler(name, space, context.seed, budget), budget, opened)
        frame = best_so_far(study, budget)
        frame.insert(0, "sampler", label)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    write_csv(table, path)
    return table


def best_sampler(table: pd.DataFrame, samplers=SAMPLERS) -> str:
    """Return the sampler with the highest final best accuracy; ties go to the one that got there first.

    >>> table = pd.DataFrame({"sampler": ["random", "random", "tpe", "tpe"], "trial": [1, 2, 1, 2],
    ...                       "best_so_far": [0.7, 0.8, 0.8, 0.8]})
    >>> best_sampler(table, ["random", "tpe"])
    'tpe'
    """
    scores = []
    for name in samplers:
        rows = table[table["sampler"] == name]
        best = rows["best_so_far"].max()
        first_trial = rows.loc[rows["best_so_far"] >= best, "trial"].min()
        scores.append((-best, first_trial, name))
    return min(scores)[2]


def compression_aware_search(context: LabContext, data: SearchData, space: SearchSpace,
                             sampler: str, compression: Compression, reference: pd.DataFrame,
                             path, storage: str | None = None) -> pd.DataFrame:
    """Search with compression in every trial; return one row per trial and variant.

    The study searches the same space with the same seeded sampler as
    ``reference`` (that sampler's Task 1 rows), and maximises the accuracy
    after post-compression training. The ``compressed`` variant reads the
    same trials' accuracy before that training; ``no compression`` is the
    reference. The table is written to ``path``.
    """
    budget = data.budget.trials
    settings = _settings(context, data, space, sampler=sampler,
                         compression=dataclasses.asdict(compression))
    study = run_study(study_name("compression", sampler, settings),
                      compression_objective(data, space, compression, identities=False),
                      make_sampler(sampler, space, context.seed, budget), budget,
                      open_storage(storage, context.profile.name))
    trials = best_so_far(study, budget)
    frames = [reference.drop(columns=["sampler"]).assign(variant="no compression")]
    for variant, column in (("compressed", "accuracy_compressed"),
                            ("compressed then trained", "accuracy")):
        frame = trials.drop(columns=["accuracy", "best_so_far"]).copy()
        frame["variant"] = variant
        frame["accuracy"] = trials[column]
        frame["best_so_far"] = trials[column].cummax()
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    first = ["variant", "trial", "accuracy", "best_so_far"]
    table = table[first + [column for column in table.columns if column not in first]]
    write_csv(table, path)
    return table


def size_search(context: LabContext, data: SearchData, space: SearchSpace,
                compression: Compression, storage: str | None = None):
    """Run a two-objective study: maximise accuracy after compression and training, minimise size."""
    budget = data.budget.trials
    settings = _settings(context, data, space, compression=dataclasses.asdict(compression))
    return run_study(study_name("size", "tpe", settings),
                     compression_objective(data, space, compression, size_objective=True),
                     make_sampler("tpe", space, context.seed, budget), budget,
                     open_storage(storage, context.profile.name),
                     directions=("maximize", "minimize"))


def pareto_front(study, path) -> pd.DataFrame:
    """Return every completed trial with its accuracy, size and whether it is Pareto-optimal."""
    front = {trial.number for trial in study.best_trials}
    rows = [{"trial": trial.number, "accuracy": trial.values[0], "size_bits": trial.values[1],
             "pareto": trial.number in front, **trial.params}
            for trial in study.get_trials(deepcopy=False) if trial.values is not None]
    table = pd.DataFrame(rows).sort_values("size_bits").reset_index(drop=True)
    write_csv(table, path)
    return table
