"""Seeded bootstrap intervals and paired significance tests over per-article scores."""

from __future__ import annotations

import random

import pytest

from bench.errors import MetricError
from bench.metrics.stats import (
    Interval,
    approximate_randomization,
    bootstrap_ci,
    bootstrap_cis,
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


# --- bootstrap_cis: the intervals of separate calls, bit for bit ------------------------------------------------
def _reference_bootstrap_ci(values: list[float], n: int, seed: int, confidence: float = 0.95) -> Interval:
    """bootstrap_ci as it was before columns shared their draws (one draw per call, blocks of 4M indices)."""
    import math

    import numpy as np

    arr = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    rows = max(1, 4_000_000 // arr.size)
    parts = []
    for start in range(0, n, rows):
        idx = rng.integers(0, arr.size, size=(min(rows, n - start), arr.size))
        parts.append(arr[idx].mean(axis=1))
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(np.concatenate(parts), [tail, 100 - tail])
    return Interval(math.fsum(arr.tolist()) / arr.size, float(low), float(high))


def test_bootstrap_cis_equal_separate_calls_bit_for_bit() -> None:
    """Columns of several lengths (one shorter than a block, one spanning many blocks), repeats, integers and
    a constant: every interval equals the one the former single-column code gives."""
    columns = [
        _scores(1),
        _scores(2),
        _scores(1),  # the same values again: resampled once, reported twice
        [float(x % 17) for x in range(400)],
        [0.25] * 400,
        _scores(3, n=7),
        _scores(4, n=30_000),
        [0.5],
    ]
    for n, seed in ((1000, 12345), (37, 0), (1, 9)):
        got = bootstrap_cis(columns, n=n, seed=seed)
        assert got == [_reference_bootstrap_ci(c, n, seed) for c in columns]
        assert got[0] == bootstrap_ci(columns[0], n=n, seed=seed)
    assert bootstrap_cis(columns[:2], n=500, seed=1, confidence=0.9) == [
        _reference_bootstrap_ci(c, 500, 1, 0.9) for c in columns[:2]
    ]
    assert bootstrap_cis([], n=10) == []


def test_bootstrap_cis_name_the_bad_column() -> None:
    with pytest.raises(MetricError, match=r"values\[1\]: .*finite"):
        bootstrap_cis([[0.1, 0.2], [0.3, float("nan")]])


def test_metric_aggregates_equal_separate_bootstrap_calls() -> None:
    """The registered rouge and extra metrics' corpus numbers (now one bootstrap_cis call each) equal a
    separate reference bootstrap per column, on a real corpus excerpt."""
    from bench.article import Article
    from bench.metrics.base import Item, create_metric

    rng = random.Random(5)
    words = "the fox dog runs over a lazy brown quick jumps sleeps cat mat sat on".split()
    items = []
    for i in range(300):
        body = " ".join(rng.choice(words) for _ in range(60)) + "."
        ref = " ".join(rng.choice(words) for _ in range(rng.randint(3, 12)))
        pred = "" if i % 50 == 0 else " ".join(rng.choice(words) for _ in range(rng.randint(1, 15)))
        items.append(Item(pred, (ref,), Article(f"a{i}", body)))
    for name in ("rouge", "extra"):
        metric = create_metric(name, {"bootstrap": 300, "seed": 3} if name == "rouge" else {}, "metrics")
        values = metric.score(items)
        got = metric.aggregate(values)
        n, seed = (300, 3) if name == "rouge" else (1000, 12345)
        for key, interval in got.items():
            column = [float(v[key]) for v in values if v.get(key) is not None]
            assert interval == _reference_bootstrap_ci(column, n, seed), (name, key)
        assert set(got) == {c.key for c in metric.columns()}
