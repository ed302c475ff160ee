"""Bootstrap CIs over systems and documents and the paired permutation test, on synthetic judgments whose
answer is known: a metric that is the human score plus small noise, and a metric that is pure noise."""

from __future__ import annotations

import numpy as np
import pytest

from bench.metaeval.correlations import level_values
from bench.metaeval.resampling import bootstrap_ci, bootstrap_indices, permutation_test


@pytest.fixture(scope="module")
def grids() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)
    quality = np.linspace(0, 1, 12)  # 12 systems of graded quality
    human = quality[None, :] + rng.normal(0, 0.3, size=(40, 12))  # 40 documents
    noisy = human + rng.normal(0, 0.05, size=human.shape)
    random = rng.normal(0, 1, size=human.shape)
    return human, noisy, random


def test_same_seed_same_interval_other_seed_other_interval(grids) -> None:
    human, noisy, _ = grids
    a = bootstrap_ci(noisy, human, "summary", bootstrap_indices(40, 12, 200, seed=7))
    b = bootstrap_ci(noisy, human, "summary", bootstrap_indices(40, 12, 200, seed=7))
    c = bootstrap_ci(noisy, human, "summary", bootstrap_indices(40, 12, 200, seed=8))
    assert a == b
    assert a != c


def test_draws_resample_systems_and_documents(grids) -> None:
    draws = bootstrap_indices(40, 12, 50, seed=1)
    assert draws.docs.shape == (50, 40) and draws.systems.shape == (50, 12)
    # with replacement: some draw repeats a system and some repeats a document
    assert any(len(set(s)) < 12 for s in draws.systems) and any(len(set(d)) < 40 for d in draws.docs)


@pytest.mark.parametrize("level", ["system", "summary", "global"])
def test_noisy_copy_near_one_random_near_zero(grids, level: str) -> None:
    human, noisy, random = grids
    draws = bootstrap_indices(40, 12, 200, seed=3)
    for c in ("kendall", "spearman", "pearson"):
        assert level_values(noisy, human, level, c) > 0.8
        # 12 system means are few: chance correlations of random scores reach ±0.5 there
        assert abs(level_values(random, human, level, c)) < (0.5 if level == "system" else 0.15)
    lo, hi = bootstrap_ci(random, human, level, draws)["kendall"]
    assert lo < 0 < hi
    lo, hi = bootstrap_ci(noisy, human, level, draws)["kendall"]
    assert lo > 0.6


@pytest.mark.parametrize("level", ["system", "summary", "global"])
def test_paired_test_tells_them_apart(grids, level: str) -> None:
    human, noisy, random = grids
    delta, p = permutation_test(noisy, random, human, level, "kendall", n=200, seed=5)
    assert delta > 0.5 and p < 0.01


def test_paired_test_of_a_metric_with_itself_finds_nothing(grids) -> None:
    human, noisy, _ = grids
    delta, p = permutation_test(noisy, noisy.copy(), human, "summary", "kendall", n=100, seed=5)
    assert delta == 0 and p == 1.0
