"""The aclImdb folder loader and its errors, on tiny folders the tests write."""

import pytest

from labkit.imdb import IMDB_DIR_ENV, load_imdb, load_imdb_folder

REVIEWS = {
    "train/pos": {"3_9.txt": "a lovely film", "1_10.txt": "great fun"},
    "train/neg": {"2_1.txt": "dull and long"},
    "test/pos": {"5_8.txt": "quite good"},
    "test/neg": {"4_2.txt": "awful", "0_3.txt": "weak script"},
}


def write_folder(root, reviews=REVIEWS):
    for folder, files in reviews.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (root / folder / name).write_text(text, encoding="utf-8")
    return root


def test_reads_both_splits(tmp_path):
    splits = load_imdb_folder(write_folder(tmp_path))
    assert splits["train"].num_rows == 3
    assert splits["test"].num_rows == 3


def test_labels_and_order(tmp_path):
    train = load_imdb_folder(write_folder(tmp_path))["train"]
    # neg first, then pos; within a label, sorted by numeric id
    assert train["text"] == ["dull and long", "great fun", "a lovely film"]
    assert train["label"] == [0, 1, 1]


def test_columns_match_the_hub_dataset(tmp_path):
    train = load_imdb_folder(write_folder(tmp_path))["train"]
    assert list(train.features) == ["text", "label"]
    assert train.features["label"].names == ["neg", "pos"]


def test_environment_variable_selects_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(IMDB_DIR_ENV, str(write_folder(tmp_path)))
    splits, source = load_imdb()
    assert splits["test"].num_rows == 3
    assert "local" in source


def test_missing_folder_names_the_variable(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"IMDb folder not found.*{IMDB_DIR_ENV}"):
        load_imdb_folder(tmp_path / "absent")


def test_missing_split_is_malformed(tmp_path):
    reviews = {key: value for key, value in REVIEWS.items() if key != "test/neg"}
    with pytest.raises(FileNotFoundError, match=r"malformed.*test/neg is missing"):
        load_imdb_folder(write_folder(tmp_path, reviews))


def test_badly_named_file_is_malformed(tmp_path):
    write_folder(tmp_path)
    (tmp_path / "train/pos/review.txt").write_text("no id", encoding="utf-8")
    with pytest.raises(ValueError, match=r"malformed.*<id>_<rating>\.txt.*review\.txt"):
        load_imdb_folder(tmp_path)


def test_empty_split_is_malformed(tmp_path):
    write_folder(tmp_path)
    for path in (tmp_path / "test/pos").iterdir():
        path.unlink()
    with pytest.raises(ValueError, match="malformed.*no .txt reviews"):
        load_imdb_folder(tmp_path)


def test_offline_without_folder_names_both_routes(monkeypatch):
    monkeypatch.delenv(IMDB_DIR_ENV, raising=False)
    with pytest.raises(FileNotFoundError, match=f"{IMDB_DIR_ENV}.*load_dataset"):
        load_imdb()
