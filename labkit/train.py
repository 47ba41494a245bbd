"""Training and evaluation loops shared by every lab."""

import random

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm.auto import tqdm
from transformers import DataCollatorWithPadding, get_linear_schedule_with_warmup

from labkit.metrics import accuracy

# The default gradient-norm limit of transformers' Trainer (max_grad_norm, 5.23.0).
MAX_GRAD_NORM = 1.0

__all__ = ["set_seed", "get_device", "make_train_loader", "make_eval_loader", "train", "evaluate"]


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def get_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def make_train_loader(tokenized, tokenizer, batch_size: int, seed: int) -> DataLoader:
    """Return shuffled batches, padded to the longest review in each batch."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(tokenized, batch_size=batch_size, shuffle=True, generator=generator,
                      collate_fn=DataCollatorWithPadding(tokenizer))


def make_eval_loader(tokenized, tokenizer, batch_size: int) -> DataLoader:
    """Return batches of reviews of similar length, so that little padding is computed."""
    by_length = np.argsort([len(ids) for ids in tokenized["input_ids"]], kind="stable")
    return DataLoader(tokenized.select(by_length), batch_size=batch_size, shuffle=False,
                      collate_fn=DataCollatorWithPadding(tokenizer))


def _to_device(batch, device):
    return {key: value.to(device) for key, value in batch.items()}


def train(model, loader, *, epochs: int, learning_rate: float, warmup_ratio: float = 0.1,
          device=None, description: str = "train") -> list[float]:
    """Train with AdamW (no weight decay), a linear schedule and gradient clipping.

    Return the loss of every step.
    """
    device = device or get_device()
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.0)
    total_steps = epochs * len(loader)
    scheduler = get_linear_schedule_with_warmup(
        optimizer, num_warmup_steps=int(warmup_ratio * total_steps), num_training_steps=total_steps
    )
    losses = []
    progress = tqdm(total=total_steps, desc=description, leave=False)
    for _ in range(epochs):
        for batch in loader:
            loss = model(**_to_device(batch, device)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
            progress.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
            progress.update()
    progress.close()
    return losses


def evaluate(model, loader, *, device=None, description: str = "evaluate") -> float:
    """Return the accuracy of ``model`` on ``loader``."""
    device = device or get_device()
    model.to(device).eval()
    predictions, references = [], []
    with torch.inference_mode():
        for batch in tqdm(loader, desc=description, leave=False):
            batch = _to_device(batch, device)
            labels = batch.pop("labels")
            logits = model(**batch).logits
            predictions.append(logits.argmax(dim=-1).cpu())
            references.append(labels.cpu())
    return accuracy(torch.cat(predictions).tolist(), torch.cat(references).tolist())
