"""Run profiles: one place that states data size, sequence length, epochs and batch size.

A profile is chosen by name, from the ``--profile`` option of the CLI or the
``LABKIT_PROFILE`` environment variable, and defaults to ``default``.
"""

import dataclasses
import os

__all__ = ["Profile", "SearchBudget", "PerfBudget", "PROFILES", "get_profile", "PROFILE_ENV"]

PROFILE_ENV = "LABKIT_PROFILE"

SPARSITIES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# BERT-base's sizes, as BertConfig fields.
BERT_BASE = (("hidden_size", 768), ("num_hidden_layers", 12), ("num_attention_heads", 12),
             ("intermediate_size", 3072))
# BERT-small's sizes (4 layers, hidden size 512), to keep the default profile's Lab 4 short.
BERT_SMALL = (("hidden_size", 512), ("num_hidden_layers", 4), ("num_attention_heads", 8),
              ("intermediate_size", 2048))


@dataclasses.dataclass(frozen=True)
class SearchBudget:
    """Budget of one Lab 2 or Lab 3 study: trials, and the data and epochs of each trial."""

    trials: int  # completed trials per study
    train_size: int  # reviews each trial trains on, taken from the profile's train split
    test_size: int  # reviews each trial is evaluated on
    max_length: int  # tokens per review; shorter than the profile's to keep trials cheap
    epochs: int
    learning_rate: float = 1e-3
    batch_size: int = 32


@dataclasses.dataclass(frozen=True)
class PerfBudget:
    """Sizes and repeats of the Lab 4 measurements."""

    large_bert: tuple[tuple[str, int], ...]  # BertConfig fields of the larger model (random weights)
    batch_size: int  # inputs per timed call
    seq_len: int  # tokens per input
    repeats: int  # timed calls per median
    attention_lengths: tuple[int, ...]  # sequence lengths of the attention comparison on CPU


@dataclasses.dataclass(frozen=True)
class Profile:
    name: str
    dataset: str  # "generated" (embedded corpus) or "imdb"
    train_size: int | None  # reviews used for training; None keeps the whole split
    test_size: int | None  # reviews used for evaluation; None keeps the whole split
    max_length: int  # tokens per review after truncation
    batch_size: int  # training batch
    eval_batch_size: int
    epochs: int  # baseline epochs
    learning_rate: float  # baseline learning rate when training from scratch
    finetune_learning_rate: float  # QAT and extra-epoch learning rate from scratch
    vocab_size: int  # WordPiece vocabulary trained offline
    widths: tuple[int, ...]  # Lab 1 Task 1 precision sweep
    heatmap_frac_widths: tuple[int, ...]  # frac_width axis of the PTQ heatmap
    baseline_accuracy_band: tuple[float, float]  # loose band the notebooks assert
    sparsities: tuple[float, ...]  # Lab 1 Task 2 sweep, random and l1-norm
    variant_sparsities: tuple[float, ...]  # scope and activation comparisons, l1-norm only
    search: SearchBudget  # Lab 2 architecture search, trials trained from scratch
    precision_search: SearchBudget  # Lab 3 mixed-precision search, trials fine-tune the baseline
    perf: PerfBudget  # Lab 4 performance measurements
    seed: int = 0

    # The course fine-tuned pretrained BERT-tiny with AdamW at 5e-5 for every
    # training run, so a pretrained model uses it instead of the rates above.
    pretrained_learning_rate: float = 5e-5
    warmup_ratio: float = 0.1  # fraction of steps with linear warm-up, then linear decay

    def learning_rates(self, pretrained: bool) -> tuple[float, float]:
        """Return (baseline, fine-tuning) learning rates for a model source."""
        if pretrained:
            return self.pretrained_learning_rate, self.pretrained_learning_rate
        return self.learning_rate, self.finetune_learning_rate


PROFILES = {
    "smoke": Profile(
        name="smoke",
        dataset="generated",
        train_size=1000,
        test_size=200,
        max_length=128,
        batch_size=16,
        eval_batch_size=100,
        epochs=4,
        learning_rate=1e-3,
        finetune_learning_rate=2e-4,
        vocab_size=1000,
        widths=(4, 8, 16, 32),
        heatmap_frac_widths=(0, 2, 4, 8),
        baseline_accuracy_band=(0.55, 1.0),
        sparsities=(0.3, 0.6, 0.9),
        variant_sparsities=(0.6,),
        search=SearchBudget(trials=4, train_size=300, test_size=100, max_length=64, epochs=1,
                            batch_size=16),
        precision_search=SearchBudget(trials=4, train_size=300, test_size=100, max_length=64,
                                      epochs=1, batch_size=16),
        perf=PerfBudget(large_bert=(("hidden_size", 256), ("num_hidden_layers", 4),
                                    ("num_attention_heads", 4), ("intermediate_size", 1024)),
                        batch_size=4, seq_len=64, repeats=5, attention_lengths=(128, 256)),
    ),
    "default": Profile(
        name="default",
        dataset="generated",
        train_size=2000,
        test_size=1000,
        max_length=128,
        batch_size=32,
        eval_batch_size=128,
        epochs=3,
        learning_rate=1e-3,
        finetune_learning_rate=2e-4,
        vocab_size=4000,
        widths=(4, 8, 12, 16, 20, 24, 28, 32),
        heatmap_frac_widths=(0, 2, 4, 6, 8, 10, 12, 16),
        baseline_accuracy_band=(0.78, 0.95),
        sparsities=SPARSITIES,
        variant_sparsities=(0.8,),
        # Trials train from scratch: at 1,000 reviews for one epoch every trial stayed at 0.5.
        search=SearchBudget(trials=6, train_size=1500, test_size=500, max_length=96, epochs=2),
        precision_search=SearchBudget(trials=6, train_size=600, test_size=500, max_length=96,
                                      epochs=1),
        perf=PerfBudget(large_bert=BERT_SMALL, batch_size=8, seq_len=128, repeats=10,
                        attention_lengths=(128, 256, 512, 1024, 2048)),
    ),
    "imdb": Profile(
        name="imdb",
        dataset="imdb",
        train_size=None,
        test_size=None,
        max_length=256,
        batch_size=32,
        eval_batch_size=128,
        epochs=2,
        learning_rate=1e-3,
        finetune_learning_rate=2e-4,
        vocab_size=16000,
        widths=(4, 8, 12, 16, 20, 24, 28, 32),
        heatmap_frac_widths=(0, 2, 4, 8, 12),  # fewer points: each costs a full IMDb evaluation
        baseline_accuracy_band=(0.75, 0.95),
        sparsities=SPARSITIES,
        variant_sparsities=(0.8,),  # one point: each costs a full IMDb fine-tuning epoch
        # Sized so that Lab 2 runs in about an hour on 2 CPU cores. Trials train from
        # scratch. At learning rate 1e-3 and batch 32, a 4-layer model of hidden size 256
        # stayed at accuracy 0.5 after 250 steps, so a trial takes 250 steps of 16 reviews
        # at 3e-4. A trial then trains in 15 s (2 layers, hidden 128) to 6 min (8 layers,
        # hidden 512), and the largest models still stay at 0.5 after it.
        # NOTE: 4 trials per study are too few to rank the samplers. The course's
        # budget of a few dozen trials needs a GPU.
        search=SearchBudget(trials=4, train_size=2000, test_size=1000, max_length=128, epochs=2,
                            learning_rate=3e-4, batch_size=16),
        # Lab 3 fine-tunes the trained baseline, so small subsets are enough.
        precision_search=SearchBudget(trials=6, train_size=1000, test_size=1000, max_length=256,
                                      epochs=1),
        perf=PerfBudget(large_bert=BERT_BASE, batch_size=8, seq_len=128, repeats=20,
                        attention_lengths=(128, 256, 512, 1024, 2048)),
    ),
}


def get_profile(name: str | None = None) -> Profile:
    """Return the profile called ``name``, or the one ``LABKIT_PROFILE`` names."""
    if name is None:
        name = os.environ.get(PROFILE_ENV, "default")
    if name not in PROFILES:
        accepted = ", ".join(PROFILES)
        raise ValueError(
            f"unknown profile {name!r}: use one of {accepted} "
            f"(set {PROFILE_ENV} or pass --profile)"
        )
    return PROFILES[name]
