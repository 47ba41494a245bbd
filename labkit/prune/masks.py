"""Keep-masks for unstructured pruning: which entries survive, ranked by a score.

A mask is a tensor of ones (kept) and zeros (pruned) of the weight's shape and
dtype. For sparsity ``s`` over ``n`` entries exactly ``round(s * n)`` entries
are pruned: the ones with the smallest scores. Ties are broken by
``torch.topk``, so the count is exact even when many magnitudes are equal,
and ``topk`` has no size limit, unlike ``torch.quantile``.
"""

import math
import numbers

import torch

__all__ = [
    "METHODS",
    "SCOPES",
    "check_sparsity",
    "check_method",
    "check_scope",
    "sparsity_per_layer",
    "pruning_scores",
    "keep_mask",
    "local_masks",
    "global_masks",
]

METHODS = ("random", "l1-norm")
SCOPES = ("local", "global")


def check_sparsity(sparsity, name: str = "sparsity") -> float:
    """Return ``sparsity`` as a float, or raise ValueError if it is not a number in [0, 1]."""
    if isinstance(sparsity, bool) or not isinstance(sparsity, numbers.Real):
        raise ValueError(f"{name} must be a number in [0, 1], got {sparsity!r} "
                         f"of type {type(sparsity).__name__}")
    sparsity = float(sparsity)
    if math.isnan(sparsity) or not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"{name} must be in [0, 1] (the fraction of entries set to zero), "
                         f"got {sparsity!r}")
    return sparsity


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown pruning method {method!r}: use one of {', '.join(METHODS)}")
    return method


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise ValueError(f"unknown pruning scope {scope!r}: use one of {', '.join(SCOPES)} "
                         "(local ranks within each layer, global across all pruned layers)")
    return scope


def sparsity_per_layer(sparsity, names: list[str]) -> dict[str, float]:
    """Return the checked sparsity of each layer: one number for all ``names``, or a dict."""
    if not isinstance(sparsity, dict):
        value = check_sparsity(sparsity)
        return {name: value for name in names}
    unknown = sorted(set(sparsity) - set(names))
    if unknown:
        raise ValueError(f"the sparsity dict names layers that are not selected Linear layers: "
                         f"{unknown}; use names such as {names[:3]}")
    return {name: check_sparsity(value, f"sparsity of {name}") for name, value in sparsity.items()}


def pruning_scores(weight: torch.Tensor, method: str, generator: torch.Generator) -> torch.Tensor:
    """Return one score per entry of ``weight``; the lowest scores are pruned first.

    ``l1-norm`` scores an entry by its magnitude. ``random`` draws uniform
    scores from ``generator`` on the CPU, so a seed gives the same mask on
    every device. Entries that are already zero score lowest with either method.
    """
    check_method(method)
    magnitude = weight.detach().abs()
    if method == "l1-norm":
        return magnitude
    scores = torch.rand(weight.shape, generator=generator).to(weight.device)
    return scores.masked_fill(magnitude == 0, -1.0)  # already pruned entries stay pruned


def keep_mask(scores: torch.Tensor, sparsity: float) -> torch.Tensor:
    """Return a 0/1 float mask of ``scores``'s shape that prunes ``round(sparsity * n)`` entries."""
    sparsity = check_sparsity(sparsity)
    flat = scores.reshape(-1)
    pruned = round(sparsity * flat.numel())
    mask = torch.ones_like(flat, dtype=torch.float32)
    if pruned > 0:
        lowest = torch.topk(flat.float(), pruned, largest=False, sorted=False).indices
        mask[lowest] = 0.0
    return mask.reshape(scores.shape)


def local_masks(scores: dict[str, torch.Tensor], sparsities: dict[str, float]) -> dict[str, torch.Tensor]:
    """Rank each tensor on its own, at its own sparsity."""
    return {name: keep_mask(score, sparsities[name]) for name, score in scores.items()}


def global_masks(scores: dict[str, torch.Tensor], sparsity: float) -> dict[str, torch.Tensor]:
    """Rank the entries of all tensors together, so layers end at different sparsities."""
    device = next(iter(scores.values())).device
    flat = torch.cat([score.reshape(-1).float().to(device) for score in scores.values()])
    masks = keep_mask(flat, sparsity).split([score.numel() for score in scores.values()])
    return {name: mask.reshape(score.shape).to(score.device)
            for (name, score), mask in zip(scores.items(), masks)}
