"""Lab 2 search: built models match the sampled ones, studies resume and share storage."""

import multiprocessing
import time

import optuna
import pytest
import torch
from optuna.trial import TrialState
from torch import nn

from labkit.nas import (SPACES, Compression, SearchSpace, StorageError, best_so_far, build_classifier,
                        built_architecture, compressed_size_bits, make_sampler, open_storage,
                        run_study, sample_architecture)
from labkit.nas.space import SQUARE_LAYERS
from labkit.results import FORCE_ENV

optuna.logging.set_verbosity(optuna.logging.WARNING)

COURSE = SPACES["imdb"]


def fixed_trial(layers, heads, hidden, intermediate, identities=()):
    params = {"num_hidden_layers": layers, "num_attention_heads": heads, "hidden_size": hidden,
              "intermediate_size": intermediate}
    for index in range(layers):
        for kind in SQUARE_LAYERS:
            name = f"layer_{index}_{kind}"
            params[name] = "identity" if name in identities else "linear"
    return optuna.trial.FixedTrial(params)


@pytest.mark.parametrize("layers, heads, hidden, intermediate", [
    (2, 2, 128, 512), (4, 16, 192, 768), (8, 8, 512, 2048), (2, 4, 384, 1536),
])
def test_built_model_is_sampled_model(layers, heads, hidden, intermediate):
    params = sample_architecture(fixed_trial(layers, heads, hidden, intermediate), COURSE)
    model = build_classifier(params, vocab_size=100, seed=0)
    built = built_architecture(model)
    assert built == params
    layer = model.bert.encoder.layer[-1]
    assert len(model.bert.encoder.layer) == layers
    assert layer.attention.self.num_attention_heads == heads
    assert layer.attention.self.attention_head_size * heads == hidden
    assert layer.attention.self.query.weight.shape == (hidden, hidden)
    assert layer.intermediate.dense.weight.shape == (intermediate, hidden)
    assert model.config.num_hidden_layers == layers


def test_identity_removes_layer_computation():
    dense = build_classifier(sample_architecture(fixed_trial(2, 2, 128, 512), COURSE), 100, 0)
    identities = ("layer_0_query", "layer_1_attention_output")
    params = sample_architecture(fixed_trial(2, 2, 128, 512, identities), COURSE)
    model = build_classifier(params, 100, 0)
    assert isinstance(model.bert.encoder.layer[0].attention.self.query, nn.Identity)
    assert isinstance(model.bert.encoder.layer[1].attention.output.dense, nn.Identity)
    removed = sum(p.numel() for p in dense.parameters()) - sum(p.numel() for p in model.parameters())
    assert removed == 2 * (128 * 128 + 128)
    x = torch.randint(0, 100, (2, 7))
    assert model(input_ids=x).logits.shape == (2, 2)


def test_grid_space_has_no_classes():
    for space in SPACES.values():
        for values in space.grid().values():
            assert all(isinstance(value, (int, str)) for value in values)


@pytest.mark.parametrize("name", ["random", "grid", "tpe"])
def test_seeded_sampler_reproduces_trials(name):
    space = SPACES["default"]

    def run():
        study = optuna.create_study(direction="maximize", sampler=make_sampler(name, space, 3, 6))
        study.optimize(lambda trial: sum(sample_architecture(trial, space, identities=False).values()) / 1e4,
                       n_trials=6)
        return [trial.params for trial in study.trials]

    assert run() == run()


def quick_objective(trial):
    return sample_architecture(trial, SPACES["default"], identities=False)["hidden_size"] / 1000


def test_study_resumes_after_interruption(tmp_path):
    storage = open_storage(f"sqlite:///{tmp_path / 'studies.db'}", "smoke")
    sampler = make_sampler("random", SPACES["default"], 0, 6)

    def interrupted(trial):
        if trial.number == 3:
            raise KeyboardInterrupt
        return quick_objective(trial)

    with pytest.raises(KeyboardInterrupt):
        run_study("resume", interrupted, sampler, 6, storage)
    first = best_so_far(optuna.load_study(study_name="resume", storage=storage))

    study = run_study("resume", quick_objective, make_sampler("random", SPACES["default"], 0, 6), 6, storage)
    table = best_so_far(study)
    assert len(table) == 6
    assert table.iloc[:3].equals(first)  # the first three trials are unchanged
    states = [trial.state for trial in study.trials]
    assert states.count(TrialState.FAIL) == 1  # only the trial in flight was lost
    assert run_study("resume", quick_objective, sampler, 6, storage).trials == study.trials


def test_force_cutoff_reuses_studies_created_after_it(tmp_path, monkeypatch):
    storage = open_storage(f"sqlite:///{tmp_path / 'studies.db'}", "smoke")
    sampler = make_sampler("random", SPACES["default"], 0, 2)
    run_study("old", quick_objective, sampler, 2, storage)
    cutoff = time.time()
    run_study("new", quick_objective, sampler, 2, storage)
    calls = []

    def counted(trial):
        calls.append(trial.number)
        return quick_objective(trial)

    monkeypatch.setenv(FORCE_ENV, repr(cutoff))  # as `labkit run --force` sets it
    run_study("new", counted, sampler, 2, storage)
    assert calls == []  # created after the cutoff: reused
    run_study("old", counted, sampler, 2, storage)
    assert calls == [0, 1]  # created before it: deleted and run again
    run_study("old", counted, sampler, 2, storage)
    assert calls == [0, 1]  # now created after it


def test_forced_study_starts_again(tmp_path):
    storage = open_storage(f"sqlite:///{tmp_path / 'studies.db'}", "smoke")
    first = run_study("force", quick_objective, make_sampler("random", SPACES["default"], 0, 3), 3, storage)
    numbers = [trial.number for trial in first.trials]

    calls = []

    def counted(trial):
        calls.append(trial.number)
        return quick_objective(trial)

    resumed = run_study("force", counted, make_sampler("random", SPACES["default"], 0, 3), 3, storage)
    again = run_study("force", counted, make_sampler("random", SPACES["default"], 0, 3), 3,
                      storage, force=True)

    assert numbers == [0, 1, 2]
    assert [trial.number for trial in resumed.trials] == [0, 1, 2]
    assert calls == [0, 1, 2]  # only the forced run called the objective
    assert [trial.number for trial in again.trials] == [0, 1, 2]
    assert best_so_far(again).equals(best_so_far(first))  # same seed, same trials


def _worker(url, name, budget):
    def slow(trial):
        time.sleep(0.05)
        return quick_objective(trial)

    storage = open_storage(url, "smoke")
    run_study(name, slow, make_sampler("random", SPACES["default"], None, budget), budget, storage)


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_two_workers_share_one_study(tmp_path, kind):
    url = f"sqlite:///{tmp_path / 'shared.db'}" if kind == "sqlite" else f"journal:{tmp_path / 'shared.journal'}"
    budget = 10
    open_storage(url, "smoke")  # create the schema before the workers race for it
    optuna.create_study(study_name="shared", storage=open_storage(url, "smoke"), direction="maximize")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_worker, args=(url, "shared", budget)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0

    trials = optuna.load_study(study_name="shared", storage=open_storage(url, "smoke")).trials
    numbers = sorted(trial.number for trial in trials)
    assert numbers == list(range(len(trials)))  # none lost, none duplicated
    assert all(trial.state == TrialState.COMPLETE for trial in trials)
    assert budget <= len(trials) <= budget + 1


@pytest.mark.parametrize("budget", [0, -1, 1.5, True, "10"])
def test_invalid_budget_rejected(budget):
    with pytest.raises(ValueError, match="trial budget must be a positive integer"):
        run_study("bad", quick_objective, optuna.samplers.RandomSampler(0), budget, None)


def test_unknown_sampler_names_choices():
    with pytest.raises(ValueError, match=r"unknown sampler 'cmaes': use one of random, grid, tpe"):
        make_sampler("cmaes", SPACES["default"], 0, 10)


def test_empty_search_space_rejected():
    with pytest.raises(ValueError, match="search space hidden_size is empty"):
        SearchSpace(num_hidden_layers=(2,), num_attention_heads=(2,), hidden_size=(), intermediate_size=(64,))


def test_heads_must_divide_hidden_size():
    with pytest.raises(ValueError, match="hidden_size 100 is not a multiple of num_attention_heads 8"):
        SearchSpace(num_hidden_layers=(2,), num_attention_heads=(8,), hidden_size=(100,), intermediate_size=(64,))


def test_unreachable_storage_names_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing' / 'deeper'}/"
    with pytest.raises(StorageError, match="cannot open optuna storage 'sqlite:///"):
        open_storage(url, "smoke")
    with pytest.raises(StorageError, match="cannot open optuna storage 'not a url'"):
        open_storage("not a url", "smoke")


def test_compressed_size_counts_kept_weights():
    model = nn.Sequential(nn.Embedding(10, 4), nn.Linear(4, 3))
    with torch.no_grad():
        model[1].weight.copy_(torch.tensor([[0.0, 1.0, 0.0, 2.0]] * 3))
    # 6 kept weights and 3 biases at 8 bits, 40 embedding values at 32 bits.
    assert compressed_size_bits(model, Compression(width=8)) == 6 * 8 + 3 * 8 + 40 * 32


def test_search_data_takes_given_budget():
    import dataclasses

    from labkit import prepare_lab
    from labkit.nas import prepare_search_data

    context = prepare_lab("smoke")
    budget = dataclasses.replace(context.profile.precision_search, train_size=40, test_size=20,
                                 max_length=16)

    data = prepare_search_data(context, budget)

    assert data.budget == budget
    assert (len(data.train), len(data.test)) == (40, 20)
    assert max(len(ids) for ids in data.train["input_ids"]) == 16
    assert prepare_search_data(context).budget == context.profile.search
