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


# --- the vectorised resampling gives the values of the one-draw-at-a-time code, bit for bit -------------------
def _reference_bootstrap_ci(metric, human, level, draws, confidence=0.95):
    """bootstrap_ci as it was: one draw at a time, each grid taken with np.ix_."""
    from bench.metaeval.correlations import COEFFICIENTS

    values = {c: np.empty(len(draws.docs)) for c in COEFFICIENTS}
    for k, (d, s) in enumerate(zip(draws.docs, draws.systems)):
        m, h = metric[np.ix_(d, s)], human[np.ix_(d, s)]
        for c in COEFFICIENTS:
            values[c][k] = level_values(m, h, level, c)
    tail = (1.0 - confidence) / 2 * 100
    out = {}
    for c, v in values.items():
        v = v[~np.isnan(v)]
        out[c] = (float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))) if v.size else (np.nan, np.nan)
    return out


def _reference_permutation(metric_a, metric_b, human, level, coefficient, n, seed):
    """permutation_test as it was: one trial at a time."""

    def z(a):
        sd = a.std()
        return (a - a.mean()) / (sd if sd > 0 else 1.0)

    a, b = z(np.asarray(metric_a, float)), z(np.asarray(metric_b, float))
    observed = level_values(a, human, level, coefficient) - level_values(b, human, level, coefficient)
    rng = np.random.default_rng(seed)
    extreme = 0
    for _ in range(n):
        swap = rng.random(a.shape) < 0.5
        pa, pb = np.where(swap, b, a), np.where(swap, a, b)
        delta = level_values(pa, human, level, coefficient) - level_values(pb, human, level, coefficient)
        extreme += bool(abs(delta) >= abs(observed) - 1e-12)
    return float(observed), (1 + extreme) / (n + 1)


def _tied_grids():
    """Scores on a 0..4 scale (many ties), a document where every system scores the same (undefined
    summary-level correlations), 30 documents × 7 systems: some draws repeat one system."""
    rng = np.random.default_rng(11)
    human = rng.integers(0, 5, size=(30, 7)).astype(float)
    metric = np.round(human + rng.normal(0, 1.0, size=human.shape))
    human[3] = 2.0
    metric[5] = 1.0
    return metric, human


@pytest.mark.parametrize("level", ["system", "summary", "global"])
def test_bootstrap_ci_equals_one_draw_at_a_time(grids, level: str) -> None:
    human, noisy, random = grids
    metric_t, human_t = _tied_grids()
    for metric, hum in ((noisy, human), (random, human), (metric_t, human_t)):
        draws = bootstrap_indices(*metric.shape, 120, seed=4)
        assert bootstrap_ci(metric, hum, level, draws) == _reference_bootstrap_ci(metric, hum, level, draws)
    tiny = bootstrap_indices(30, 2, 40, seed=0)  # 2 systems: many draws are one system twice (undefined)
    m2, h2 = metric_t[:, :2], human_t[:, :2]
    assert bootstrap_ci(m2, h2, level, tiny) == _reference_bootstrap_ci(m2, h2, level, tiny)


@pytest.mark.parametrize("level", ["system", "summary", "global"])
@pytest.mark.parametrize("coefficient", ["kendall", "spearman", "pearson"])
def test_permutation_test_equals_one_trial_at_a_time(grids, level: str, coefficient: str) -> None:
    human, noisy, random = grids
    got = permutation_test(noisy, random, human, level, coefficient, n=60, seed=5)
    assert got == _reference_permutation(noisy, random, human, level, coefficient, 60, 5)
    metric_t, human_t = _tied_grids()
    got = permutation_test(metric_t, metric_t + 0.5 * human_t, human_t, level, coefficient, n=60, seed=2)
    assert got == _reference_permutation(metric_t, metric_t + 0.5 * human_t, human_t, level, coefficient, 60, 2)


def test_bootstrap_ci_equals_one_draw_at_a_time_on_realsumm() -> None:
    """REALSumm's 100 documents × 25 systems: summary length against LitePyramid recall."""
    import json

    from tests.metaeval.shared import JUDGMENTS

    path = JUDGMENTS / "realsumm-cnndm.jsonl"
    if not path.exists():
        pytest.skip(f"shared judgments not found: {path}")
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    docs = sorted({r["doc_id"] for r in rows}, key=int)
    systems = sorted({r["system"] for r in rows})
    metric, human = np.full((len(docs), len(systems)), np.nan), np.full((len(docs), len(systems)), np.nan)
    for r in rows:
        i, j = docs.index(r["doc_id"]), systems.index(r["system"])
        metric[i, j] = len(r["summary"].split())
        human[i, j] = r["human"]["litepyramid_recall"]
    draws = bootstrap_indices(*metric.shape, 25, seed=12345)
    for level in ("system", "summary", "global"):
        assert bootstrap_ci(metric, human, level, draws) == _reference_bootstrap_ci(metric, human, level, draws)
