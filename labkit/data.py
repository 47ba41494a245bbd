"""The data set of a profile: the embedded generated corpus or IMDb."""

import datasets

from labkit.imdb import load_imdb
from labkit.profiles import Profile

__all__ = ["load_data", "take_balanced"]


def take_balanced(split: datasets.Dataset, size: int | None, seed: int) -> datasets.Dataset:
    """Return ``size`` rows of ``split``, half of each label, chosen with ``seed``."""
    if size is None or size >= len(split):
        return split
    shuffled = split.shuffle(seed=seed)
    labels = shuffled["label"]
    per_label = size // 2
    chosen = []
    for label in (0, 1):
        indices = [i for i, value in enumerate(labels) if value == label][:per_label]
        chosen.extend(indices)
    return shuffled.select(sorted(chosen))


def load_data(profile: Profile, imdb_dir=None) -> tuple[datasets.DatasetDict, str]:
    """Return the train and test splits of ``profile`` and the name of their source."""
    if profile.dataset == "generated":
        from labkit.corpus import make_corpus

        splits = make_corpus(profile.train_size, profile.test_size, seed=profile.seed)
        return splits, "generated reviews (embedded corpus, not IMDb)"

    splits, source = load_imdb(imdb_dir)
    splits = datasets.DatasetDict({
        "train": take_balanced(splits["train"], profile.train_size, profile.seed),
        "test": take_balanced(splits["test"], profile.test_size, profile.seed),
    })
    return splits, source
