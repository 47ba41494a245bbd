import random

import datasets
import pytest

from labkit import corpus
from labkit.corpus import LABEL_NAMES, MAX_WORDS, MIN_WORDS, generate_reviews, make_corpus


@pytest.fixture(scope="module")
def reviews():
    return generate_reviews(600, seed=3)


@pytest.fixture(scope="module")
def small_corpus():
    return make_corpus(train_size=400, test_size=200, seed=5)


def test_same_seed_same_reviews():
    first = generate_reviews(50, seed=11)
    second = generate_reviews(50, seed=11)
    assert first == second


def test_different_seed_different_reviews():
    texts_a = {review["text"] for review in generate_reviews(50, seed=11)}
    texts_b = {review["text"] for review in generate_reviews(50, seed=12)}
    assert texts_a.isdisjoint(texts_b)


def test_make_corpus_deterministic(small_corpus):
    again = make_corpus(train_size=400, test_size=200, seed=5)
    assert again["train"]["text"] == small_corpus["train"]["text"]
    assert again["test"]["text"] == small_corpus["test"]["text"]
    assert again["test"]["label"] == small_corpus["test"]["label"]


def test_generate_reviews_balanced(reviews):
    labels = [review["label"] for review in reviews]
    assert labels.count(0) == 300
    assert labels.count(1) == 300


def test_label_values(reviews):
    assert {review["label"] for review in reviews} == {0, 1}


def test_labels_shuffled(reviews):
    # the first half must not be a single label
    first_half = {review["label"] for review in reviews[:300]}
    assert first_half == {0, 1}


@pytest.mark.parametrize("split, size", [("train", 400), ("test", 200)])
def test_split_balanced(small_corpus, split, size):
    labels = small_corpus[split]["label"]
    assert len(labels) == size
    assert labels.count(0) == size // 2
    assert labels.count(1) == size // 2


def test_word_counts_in_range(reviews):
    word_counts = [len(review["text"].split()) for review in reviews]
    assert min(word_counts) >= MIN_WORDS
    assert max(word_counts) <= MAX_WORDS


def test_word_counts_spread(reviews):
    word_counts = sorted(len(review["text"].split()) for review in reviews)
    median = word_counts[len(word_counts) // 2]
    assert 80 <= median <= 150
    assert word_counts[0] < 60
    assert word_counts[-1] > 200


def test_reviews_distinct(reviews):
    texts = [review["text"] for review in reviews]
    assert len(set(texts)) == len(texts)


def test_train_test_disjoint(small_corpus):
    train_texts = set(small_corpus["train"]["text"])
    test_texts = set(small_corpus["test"]["text"])
    assert train_texts.isdisjoint(test_texts)


def test_train_split_is_generate_reviews(small_corpus):
    expected = generate_reviews(400, seed=5)
    assert small_corpus["train"]["text"] == [review["text"] for review in expected]


def test_columns_match_imdb(small_corpus):
    assert set(small_corpus) == {"train", "test"}
    for split in ("train", "test"):
        features = small_corpus[split].features
        assert list(features) == ["text", "label"]
        assert features["text"] == datasets.Value("string")
        assert isinstance(features["label"], datasets.ClassLabel)
        assert features["label"].names == list(LABEL_NAMES)


def test_label_names():
    assert LABEL_NAMES == ("neg", "pos")


def test_contains_negation_and_contrast(reviews):
    texts = [review["text"].lower() for review in reviews]
    with_negation = sum(" not " in text or " never " in text for text in texts)
    with_contrast = sum(", but " in text or "although " in text for text in texts)
    assert with_negation > len(texts) // 5
    assert with_contrast > len(texts) // 10


@pytest.mark.parametrize("polarity", [1, -1])
def test_clause_value_has_polarity(polarity):
    rng = random.Random(7)
    film = corpus._draw_film(rng)
    for _ in range(500):
        _, value = corpus._sentiment_clause(rng, film, polarity)
        assert value * polarity > 0


@pytest.mark.parametrize("polarity", [1, -1])
def test_verdict_value_has_polarity(polarity):
    rng = random.Random(8)
    for _ in range(200):
        _, value = corpus._verdict_sentence(rng, polarity, corpus.CLOSING_LEADS)
        assert value * polarity > 0


@pytest.mark.parametrize("size", [0, -2, 3, 101])
def test_invalid_num_reviews(size):
    with pytest.raises(ValueError, match=f"num_reviews={size}"):
        generate_reviews(size, seed=0)


@pytest.mark.parametrize("argument", ["train_size", "test_size"])
def test_invalid_split_size(argument):
    sizes = {"train_size": 10, "test_size": 10}
    sizes[argument] = 7
    with pytest.raises(ValueError, match=f"{argument}=7.*use 8"):
        make_corpus(**sizes)


@pytest.mark.parametrize("size", ["10", 10.0, True, None])
def test_non_integer_size(size):
    with pytest.raises(TypeError, match="num_reviews must be an int"):
        generate_reviews(size, seed=0)


@pytest.mark.parametrize("seed", [None, "1", 1.5])
def test_non_integer_seed(seed):
    with pytest.raises(TypeError, match="seed must be an int"):
        generate_reviews(10, seed=seed)
