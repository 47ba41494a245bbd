"""Everything a notebook needs before its first experiment, prepared once.

``prepare_lab()`` loads the profile's data, the tokenizer and the tokenised
splits, and records where each came from, so every result can name its
profile, dataset, model source and seed.
"""

import dataclasses
import hashlib
import logging

import datasets
import torch

from labkit import paths
from labkit.data import load_data
from labkit.hub import hub_is_reachable
from labkit.metrics import metric_source
from labkit.model import build_model
from labkit.profiles import Profile, get_profile
from labkit.quiet import quiet_libraries
from labkit.tokenizer import load_tokenizer
from labkit.train import get_device, make_eval_loader, make_train_loader

__all__ = ["LabContext", "prepare_lab"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class LabContext:
    profile: Profile
    tokenized: datasets.DatasetDict  # train and test: input_ids, attention_mask, label
    tokenizer: object
    data_source: str
    data_fingerprint: str  # hash of every review and label, so saved results can be matched
    tokenizer_source: str
    pretrained: bool  # True when the model starts from the hub's BERT-tiny weights
    device: torch.device

    @property
    def seed(self) -> int:
        return self.profile.seed

    @property
    def model_source(self) -> str:
        if self.pretrained:
            return "prajjwal1/bert-tiny, pretrained (hub)"
        return "BERT-tiny from config, trained from scratch"

    @property
    def learning_rate(self) -> float:
        return self.profile.learning_rates(self.pretrained)[0]

    @property
    def finetune_learning_rate(self) -> float:
        return self.profile.learning_rates(self.pretrained)[1]

    @property
    def results_dir(self):
        return paths.results_dir(self.profile.name)

    @property
    def attachments_dir(self):
        return paths.attachments_dir(self.profile.name)

    def provenance(self) -> dict:
        """Return the columns that every results file records.

        The tokenizer source includes a vocabulary hash for a locally trained
        tokenizer, so that saved rows are reused only with the same tokenizer.
        """
        return {
            "profile": self.profile.name,
            "dataset": self.data_source,
            "model_source": self.model_source,
            "tokenizer": self.tokenizer_source,
            "seed": self.seed,
        }

    def caption(self) -> str:
        """Return a one-line figure subtitle naming profile, data, model and seed."""
        data = self.data_source.split(" (")[0]
        return f"profile {self.profile.name} | {data} | {self.model_source} | seed {self.seed}"

    def new_model(self) -> torch.nn.Module:
        return build_model(self.pretrained, len(self.tokenizer), self.seed).to(self.device)

    def train_loader(self, seed: int | None = None):
        seed = self.seed if seed is None else seed
        return make_train_loader(self.tokenized["train"], self.tokenizer,
                                 self.profile.batch_size, seed)

    def test_loader(self):
        return make_eval_loader(self.tokenized["test"], self.tokenizer,
                                self.profile.eval_batch_size)

    def summary(self) -> str:
        sizes = f"{len(self.tokenized['train'])} train / {len(self.tokenized['test'])} test"
        return (f"profile {self.profile.name}: {self.data_source}, {sizes}, "
                f"max_length {self.profile.max_length}; tokenizer {self.tokenizer_source}; "
                f"model {self.model_source}; accuracy via {metric_source()}; device {self.device}")


def fingerprint_splits(splits: datasets.DatasetDict) -> str:
    """Return a short hash of the texts and labels of every split."""
    digest = hashlib.sha256()
    for name in sorted(splits):
        digest.update(name.encode())
        for text in splits[name]["text"]:
            digest.update(text.encode("utf-8"))
        digest.update(bytes(splits[name]["label"]))
    return digest.hexdigest()[:16]


def prepare_lab(profile: str | Profile | None = None, imdb_dir=None) -> LabContext:
    """Load data and tokenizer for ``profile`` (default: ``LABKIT_PROFILE``)."""
    if not isinstance(profile, Profile):
        profile = get_profile(profile)
    quiet_libraries()
    splits, data_source = load_data(profile, imdb_dir)
    cache = paths.cache_dir(profile.name)
    tokenizer, tokenizer_source = load_tokenizer(splits["train"]["text"], profile.vocab_size, cache)

    def tokenize(batch):
        return tokenizer(batch["text"], truncation=True, max_length=profile.max_length)

    tokenized = splits.map(tokenize, batched=True, remove_columns=["text"])
    # Pretrained weights need the hub's vocabulary, so the model is pretrained
    # exactly when the tokenizer came from the hub.
    pretrained = hub_is_reachable() and tokenizer_source.endswith("(hub)")
    context = LabContext(profile, tokenized, tokenizer, data_source, fingerprint_splits(splits),
                         tokenizer_source, pretrained, get_device())
    logger.info(context.summary())
    return context
