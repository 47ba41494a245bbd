"""Lab 4 helpers: attention equality and the compile payback arithmetic."""

import math

import pytest
import torch

from labkit.perf import fused_attention, median_ms, naive_attention, payback_calls, random_qkv


@pytest.mark.parametrize("seq_len", [1, 17, 128])
def test_fused_attention_matches_naive(seq_len):
    q, k, v = random_qkv(2, 4, seq_len, 16)
    assert torch.allclose(fused_attention(q, k, v), naive_attention(q, k, v), atol=1e-5, rtol=1e-4)


def test_naive_attention_by_hand():
    # One query, two keys: scores 0 and 1/sqrt(1)*1 = 1, weights softmax([0, 1]).
    q = torch.tensor([[[[1.0]]]])
    k = torch.tensor([[[[0.0], [1.0]]]])
    v = torch.tensor([[[[10.0], [20.0]]]])
    weight = 1 / (1 + math.e)
    assert naive_attention(q, k, v).item() == pytest.approx(10 * weight + 20 * (1 - weight))


def test_random_qkv_reproducible():
    first = random_qkv(1, 2, 8, 4, seed=5)
    second = random_qkv(1, 2, 8, 4, seed=5)
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    assert not torch.equal(first[0], first[1])


def test_payback_calls():
    assert payback_calls(10.0, 20.0, 10.0) == 998.0  # (10 s - one 20 ms call) / 10 ms saved per call
    assert payback_calls(10.0, 20.0, 25.0) == math.inf


def test_median_ms_runs_function():
    calls = []
    assert median_ms(lambda: calls.append(1), repeats=5, warmup=2) >= 0.0
    assert len(calls) == 7


def test_masked_attention_matches_naive():
    q, k, v = random_qkv(2, 3, 9, 8, seed=1)
    mask = torch.ones(9, 9, dtype=torch.bool).tril()  # causal
    fused = fused_attention(q, k, v, mask)
    assert torch.allclose(fused, naive_attention(q, k, v, mask), atol=1e-5, rtol=1e-4)
    assert torch.allclose(fused[..., 0, :], v[..., 0, :], atol=1e-6)  # the first query attends to key 0 only
    assert not torch.allclose(fused, fused_attention(q, k, v))


def test_per_call_ms_returns_each_call():
    from labkit.perf import per_call_ms

    calls = []
    times = per_call_ms(lambda: calls.append(1), repeats=4, warmup=3)
    assert len(times) == 4
    assert len(calls) == 7
    assert all(t >= 0.0 for t in times)


def test_peak_allocated_bytes_counts_live_tensors():
    from labkit.perf.experiments import peak_allocated_bytes

    def two_then_one():
        first = torch.ones(1000, 1000)
        second = torch.ones(1000, 1000)
        del first, second
        return torch.ones(500, 1000)

    assert peak_allocated_bytes(two_then_one) == 2 * 1000 * 1000 * 4
