"""Seeded bootstrap intervals and paired significance tests over per-article scores."""

from __future__ import annotations

import random

import pytest

from bench.errors import MetricError
from bench.metrics.stats import (
    Interval,
    approximate_randomization,
    bootstrap_ci,
    compare_systems,
    mean,
    paired_bootstrap,
)


def _scores(seed: int, n: int = 400, shift: float = 0.0) -> list[float]:
    rng = random.Random(seed)
    return [min(1.0, max(0.0, rng.gauss(0.35, 0.15) + shift)) for _ in range(n)]


def test_same_seed_same_interval_other_seed_other_interval() -> None:
    values = _scores(1)
    assert bootstrap_ci(values, n=500, seed=7) == bootstrap_ci(values, n=500, seed=7)
    assert bootstrap_ci(values, n=500, seed=7) != bootstrap_ci(values, n=500, seed=8)


def test_interval_is_around_the_exact_mean() -> None:
    values = [0.0, 0.25, 0.5, 0.75, 1.0]
    ci = bootstrap_ci(values, n=1000, seed=1)
    assert ci.mean == 0.5  # the plain mean, not the bootstrap median
    assert 0.0 <= ci.low < 0.5 < ci.high <= 1.0


def test_constant_values_have_a_zero_width_interval() -> None:
    assert bootstrap_ci([0.4] * 10, n=100) == Interval(0.4, 0.4, 0.4)


def test_interval_width_matches_the_standard_error() -> None:
    # For the mean of n values the 95% interval is about +-1.96 sd/sqrt(n) (sd 0.15, n 400 -> +-0.0147).
    values = _scores(2)
    ci = bootstrap_ci(values, n=2000, seed=3)
    sd = (sum((v - ci.mean) ** 2 for v in values) / len(values)) ** 0.5
    half = 1.96 * sd / len(values) ** 0.5
    assert (ci.high - ci.low) / 2 == pytest.approx(half, rel=0.15)


def test_a_real_difference_is_detected_by_both_tests() -> None:
    base = _scores(3)
    better = [min(1.0, v + 0.03 + 0.02 * random.Random(i).random()) for i, v in enumerate(base)]
    assert paired_bootstrap(better, base, n=1000, seed=1) < 0.01
    assert approximate_randomization(better, base, n=1000, seed=1) < 0.01


def test_a_system_against_itself_is_not_different() -> None:
    a = _scores(4)
    assert paired_bootstrap(a, a) == 1.0
    assert approximate_randomization(a, a) == 1.0


def test_a_fake_difference_is_not_significant() -> None:
    # Two "systems" made by randomly swapping the per-article scores of two equal systems.
    rng = random.Random(5)
    x, y = _scores(6), _scores(6)
    y = [v + rng.uniform(-0.1, 0.1) for v in y]
    a, b = zip(*[(p, q) if rng.random() < 0.5 else (q, p) for p, q in zip(x, y)])
    assert paired_bootstrap(a, b, seed=2) > 0.05
    assert approximate_randomization(a, b, seed=2) > 0.05


def test_p_values_are_seeded() -> None:
    a, b = _scores(7), _scores(8)
    assert paired_bootstrap(a, b, seed=9) == paired_bootstrap(a, b, seed=9)
    assert approximate_randomization(a, b, seed=9) == approximate_randomization(a, b, seed=9)


def test_comparison_table_marks_systems_that_differ_from_the_baseline() -> None:
    base = _scores(10)
    rows = compare_systems(
        {"lead-1": base, "same": list(base), "better": [v + 0.05 for v in base]}, baseline="lead-1", n=500, seed=1
    )
    by = {r.system: r for r in rows}
    assert [r.system for r in rows] == ["lead-1", "same", "better"]
    assert by["lead-1"].is_baseline and by["lead-1"].mark == ""
    assert by["same"].mark == "" and by["same"].p_bootstrap == 1.0
    assert by["better"].mark == "*" and by["better"].delta == pytest.approx(0.05)


def test_mean_is_exact() -> None:
    assert mean([0.1] * 10) == 0.1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: bootstrap_ci([]), "non-empty"),
        (lambda: bootstrap_ci([float("nan")]), "finite"),
        (lambda: bootstrap_ci([0.1], n=0), "resamples >= 1"),
        (lambda: bootstrap_ci([0.1], confidence=95), "between 0 and 1"),
        (lambda: paired_bootstrap([0.1, 0.2], [0.1]), "same articles"),
        (lambda: compare_systems({"a": [0.1]}, baseline="b"), "baseline 'b' is not among"),
    ],
)
def test_bad_input_is_refused(call, message: str) -> None:
    with pytest.raises(MetricError, match=message):
        call()
