"""Naive attention against ``torch.nn.functional.scaled_dot_product_attention``."""

import math

import torch
import torch.nn.functional as F

__all__ = ["naive_attention", "fused_attention", "random_qkv"]


def naive_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                    mask: torch.Tensor | None = None) -> torch.Tensor:
    """Return ``softmax(q k^T / sqrt(d)) v``, materialising the full score matrix.

    ``mask`` is boolean and broadcasts to the scores; False positions are
    left out of the softmax, as in ``scaled_dot_product_attention``.
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def fused_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                    mask: torch.Tensor | None = None) -> torch.Tensor:
    """Return the same attention through PyTorch's fused kernel, which picks its backend."""
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def random_qkv(batch: int, heads: int, seq_len: int, head_dim: int, dtype=torch.float32,
               device="cpu", seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return identical-seeded random query, key and value tensors of shape (batch, heads, seq, dim)."""
    generator = torch.Generator().manual_seed(seed)
    shape = (batch, heads, seq_len, head_dim)
    return tuple(torch.randn(shape, generator=generator).to(device=device, dtype=dtype) for _ in range(3))
