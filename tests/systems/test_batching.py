"""Length-sorted batches: every input once, size and token-budget limits, longest first."""

from __future__ import annotations

import random

import pytest

from bench.systems.batching import length_sorted_batches


def test_by_hand() -> None:
    assert length_sorted_batches([5, 1, 9, 3], 2) == [[2, 0], [3, 1]]
    # budget 20: [9, 5] pads to 18; adding 3 would pad to 27
    assert length_sorted_batches([5, 1, 9, 3], 8, token_budget=20) == [[2, 0], [3, 1]]
    assert length_sorted_batches([], 4) == []


def test_random_inputs_keep_every_index_and_limits() -> None:
    rng = random.Random(0)
    lengths = [rng.randint(1, 500) for _ in range(300)]
    batches = length_sorted_batches(lengths, 16, token_budget=2000)
    assert sorted(i for b in batches for i in b) == list(range(300))
    for b in batches:
        assert len(b) <= 16
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 2000
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(lengths, reverse=True)


def test_one_input_over_budget_runs_alone() -> None:
    assert length_sorted_batches([100, 5], 4, token_budget=50) == [[0], [1]]


def test_bad_batch_size() -> None:
    with pytest.raises(ValueError):
        length_sorted_batches([1], 0)
