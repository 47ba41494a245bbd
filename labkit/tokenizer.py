"""The BERT-tiny tokenizer from the hub, or a WordPiece tokenizer trained locally."""

import hashlib
import json
import logging
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import AutoTokenizer, PreTrainedTokenizerFast

from labkit.hub import hub_is_reachable

__all__ = ["HUB_MODEL", "load_tokenizer", "train_wordpiece"]

logger = logging.getLogger(__name__)

HUB_MODEL = "prajjwal1/bert-tiny"
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MODEL_MAX_LENGTH = 512
CONTINUATION = "##"  # WordPiece prefix of a token that continues a word


def train_wordpiece(texts: list[str], vocab_size: int) -> PreTrainedTokenizerFast:
    """Train an uncased BERT-style WordPiece tokenizer on ``texts``.

    The same texts give the same vocabulary and ids in every run (see
    ``_continuation_tokens``).
    """
    normalizer = normalizers.BertNormalizer(lowercase=True)
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS + _continuation_tokens(texts, normalizer),
        show_progress=False,
    )
    trained = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    trained.normalizer = normalizer
    trained.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trained.train_from_iterator(texts, trainer=trainer)

    # Rebuild from the vocabulary, so that only the real special tokens stay special.
    tokenizer = Tokenizer(models.WordPiece(vocab=trained.get_vocab(), unk_token="[UNK]"))
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    tokenizer.add_special_tokens(SPECIAL_TOKENS)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, model_max_length=MODEL_MAX_LENGTH,
        pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]",
    )


def _continuation_tokens(texts: list[str], normalizer) -> list[str]:
    """Return ``##c`` for every character ``c`` of the normalised texts, sorted.

    WordPieceTrainer (tokenizers 0.23.3) numbers the ``##c`` tokens in hash-map
    order, which changes from run to run, and breaks ties between merges by
    those numbers, so the same texts can give other vocabularies
    (huggingface/tokenizers#1794). Passed as special tokens, they are numbered
    first and in this order.
    """
    characters = set()
    for text in texts:
        characters.update(normalizer.normalize_str(text))
    return [f"{CONTINUATION}{character}" for character in sorted(characters)
            if not character.isspace()]


def _fingerprint(texts: list[str], vocab_size: int) -> str:
    digest = hashlib.sha256(str(vocab_size).encode())
    for text in texts:
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()[:16]


def load_tokenizer(train_texts: list[str], vocab_size: int, cache: Path) -> tuple[object, str]:
    """Return a tokenizer and its source: the hub's, else a cached local WordPiece.

    The local tokenizer is trained on ``train_texts`` once and saved under
    ``cache``; a later call with the same texts and vocab_size loads it.
    """
    if hub_is_reachable():
        logger.info("tokenizer: %s from the Hugging Face hub", HUB_MODEL)
        return AutoTokenizer.from_pretrained(HUB_MODEL), f"{HUB_MODEL} (hub)"

    folder = cache / f"wordpiece-{_fingerprint(train_texts, vocab_size)}"
    if (folder / "tokenizer.json").is_file():
        tokenizer = PreTrainedTokenizerFast.from_pretrained(folder)
    else:
        logger.info("tokenizer: training WordPiece (vocab %d) on the train split", vocab_size)
        tokenizer = train_wordpiece(train_texts, vocab_size)
        tokenizer.save_pretrained(folder)
    return tokenizer, f"WordPiece trained locally (vocab {len(tokenizer)}, {vocabulary_hash(tokenizer)})"


def vocabulary_hash(tokenizer) -> str:
    """Return a short hash of every token and its id."""
    vocabulary = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    return hashlib.sha256(json.dumps(vocabulary).encode()).hexdigest()[:8]
