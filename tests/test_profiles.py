"""Profile selection, the data of a profile and the tokenizer."""

import copy
import subprocess
import sys

import pytest

from labkit.data import load_data, take_balanced
from labkit.profiles import PROFILE_ENV, PROFILES, get_profile
from labkit.tokenizer import SPECIAL_TOKENS, load_tokenizer, train_wordpiece, vocabulary_hash


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv(PROFILE_ENV, "imdb")
    assert get_profile().name == "imdb"


def test_profile_default_without_environment(monkeypatch):
    monkeypatch.delenv(PROFILE_ENV, raising=False)
    assert get_profile().name == "default"


def test_unknown_profile_names_value_and_choices():
    with pytest.raises(ValueError, match=r"unknown profile 'fast'.*smoke, default, imdb.*LABKIT_PROFILE"):
        get_profile("fast")


def test_every_profile_states_its_budget():
    for profile in PROFILES.values():
        assert profile.max_length <= 512
        assert profile.batch_size > 0
        assert profile.epochs > 0


def test_smoke_data_sizes():
    splits, source = load_data(get_profile("smoke"))
    assert splits["train"].num_rows == get_profile("smoke").train_size
    assert splits["test"].num_rows == get_profile("smoke").test_size
    assert "not IMDb" in source


def test_imdb_profile_offline_without_folder_raises(monkeypatch):
    monkeypatch.delenv("LABKIT_IMDB_DIR", raising=False)
    with pytest.raises(FileNotFoundError, match="LABKIT_IMDB_DIR"):
        load_data(get_profile("imdb"))


def test_take_balanced_halves_labels():
    splits, _ = load_data(get_profile("smoke"))
    subset = take_balanced(splits["train"], 100, seed=1)
    assert subset.num_rows == 100
    assert sum(subset["label"]) == 50


TEXTS = ["the film was not good, but the cast was superb"] * 20 + ["a dull and slow story"] * 20


def test_wordpiece_round_trip():
    tokenizer = train_wordpiece(TEXTS, vocab_size=200)
    encoded = tokenizer("The cast was superb")
    assert encoded["input_ids"][0] == tokenizer.cls_token_id
    assert encoded["input_ids"][-1] == tokenizer.sep_token_id
    assert tokenizer.decode(encoded["input_ids"], skip_special_tokens=True) == "the cast was superb"


def test_wordpiece_pads_with_pad_token():
    tokenizer = train_wordpiece(TEXTS, vocab_size=200)
    batch = tokenizer(["dull", "a dull and slow story"], padding=True)
    assert batch["input_ids"][0][-1] == tokenizer.pad_token_id
    assert batch["attention_mask"][0][-1] == 0


# Without fixed ids for the "##" tokens, these settings give a new vocabulary in
# almost every process, because the trainer's hash-map order changes per process.
TRAIN_IN_PROCESS = """
from labkit.corpus import generate_reviews
from labkit.tokenizer import train_wordpiece, vocabulary_hash
texts = [review["text"] for review in generate_reviews(200, seed=0)]
print(vocabulary_hash(train_wordpiece(texts, vocab_size=500)))
"""


def test_wordpiece_same_vocabulary_every_process():
    hashes = [subprocess.run([sys.executable, "-c", TRAIN_IN_PROCESS], capture_output=True,
                             text=True, check=True).stdout.strip() for _ in range(3)]

    assert len(hashes[0]) == 8
    assert hashes[1] == hashes[0]
    assert hashes[2] == hashes[0]


def test_wordpiece_keeps_bert_special_tokens_only():
    tokenizer = train_wordpiece(TEXTS, vocab_size=200)
    special = [token.content for token in tokenizer.backend_tokenizer.get_added_tokens_decoder().values()]

    assert sorted(special) == sorted(SPECIAL_TOKENS)
    assert "##e" in tokenizer.get_vocab()
    assert len(tokenizer.tokenize("##e")) == 3  # "#", "#" and "e": text, not one special token


def test_tokenizer_is_cached_on_disk(tmp_path):
    first, source = load_tokenizer(TEXTS, 200, tmp_path)
    assert "trained locally" in source
    assert len(list(tmp_path.glob("wordpiece-*/tokenizer.json"))) == 1
    second, second_source = load_tokenizer(TEXTS, 200, tmp_path)
    assert second.get_vocab() == first.get_vocab()
    assert second_source == source


def test_tokenizer_source_names_vocabulary_hash(tmp_path):
    tokenizer, source = load_tokenizer(TEXTS, 200, tmp_path)
    other = copy.deepcopy(tokenizer)
    other.add_tokens(["zzzz"])

    assert source.endswith(f", {vocabulary_hash(tokenizer)})")
    assert vocabulary_hash(other) != vocabulary_hash(tokenizer)


def test_pruning_variants_reuse_sweep_points():
    for profile in PROFILES.values():
        assert set(profile.variant_sparsities) <= set(profile.sparsities), profile.name
        assert all(0.0 < s < 1.0 for s in profile.sparsities), profile.name


def test_provenance_names_tokenizer():
    from labkit import prepare_lab

    context = prepare_lab("smoke")

    assert context.provenance()["tokenizer"] == context.tokenizer_source
    assert context.tokenizer_source.endswith(f", {vocabulary_hash(context.tokenizer)})")
