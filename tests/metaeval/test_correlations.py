"""Correlation code against hand-derived values and against scipy, ties included."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from bench.metaeval.correlations import correlate, kendall_rows, level_values, pearson_rows, spearman_rows


def test_hand_derived_values_without_ties() -> None:
    # pairs (1,2) and (1,3) concordant, (2,3) discordant: tau = (2 - 1) / 3
    x, y = [1, 2, 3], [1, 3, 2]
    assert correlate(x, y, "kendall") == pytest.approx(1 / 3)
    # rank differences 0, 1, 1: rho = 1 - 6 * 2 / (3 * (9 - 1)) = 0.5; Pearson of 1,2,3 vs 1,3,2 is also 0.5
    assert correlate(x, y, "spearman") == pytest.approx(0.5)
    assert correlate(x, y, "pearson") == pytest.approx(0.5)


def test_hand_derived_tau_b_with_a_tie() -> None:
    # x ties on pair (1,2); the other two pairs are concordant: tau-b = 2 / sqrt((3 - 1) * (3 - 0))
    assert correlate([1, 1, 2], [1, 2, 3], "kendall") == pytest.approx(2 / math.sqrt(6))
    # average ranks 1.5, 1.5, 3 against 1, 2, 3
    assert correlate([1, 1, 2], [1, 2, 3], "spearman") == pytest.approx(np.corrcoef([1.5, 1.5, 3], [1, 2, 3])[0, 1])


def test_constant_input_is_undefined() -> None:
    for c in ("kendall", "spearman", "pearson"):
        assert math.isnan(correlate([2, 2, 2], [1, 2, 3], c))
    assert math.isnan(correlate([0.1 + 0.2, 0.3, 0.3], [1, 2, 3], "pearson"))  # equal up to rounding


@pytest.mark.parametrize("n", [5, 25, 400])  # 400 takes scipy's O(n log n) path for Kendall
def test_rows_equal_scipy_with_ties(n: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(20, n)).astype(float)  # few distinct values: many ties
    y = x + rng.integers(-3, 4, size=(20, n))
    for i in range(20):
        assert kendall_rows(x, y)[i] == pytest.approx(sps.kendalltau(x[i], y[i], variant="b").statistic)
        assert spearman_rows(x, y)[i] == pytest.approx(sps.spearmanr(x[i], y[i]).statistic)
        assert pearson_rows(x, y)[i] == pytest.approx(sps.pearsonr(x[i], y[i]).statistic)


def test_levels_on_a_hand_built_grid() -> None:
    metric = np.array([[0.1, 0.4, 0.3], [0.2, 0.1, 0.6]])  # 2 documents x 3 systems
    human = np.array([[1.0, 3.0, 2.0], [1.0, 2.0, 3.0]])
    # system: means per system 0.15, 0.25, 0.45 vs 1, 2.5, 2.5 -> tau-b = 2 / sqrt(3 * 2)
    assert level_values(metric, human, "system", "kendall") == pytest.approx(2 / math.sqrt(6))
    # summary: document 1 ranks 1,3,2 vs 1,3,2 -> 1; document 2 ranks 2,1,3 vs 1,2,3 -> 1/3; mean 2/3
    assert level_values(metric, human, "summary", "kendall") == pytest.approx(2 / 3)
    assert level_values(metric, human, "global", "spearman") == pytest.approx(
        sps.spearmanr(metric.ravel(), human.ravel()).statistic
    )


def test_summary_level_skips_documents_where_people_agree_on_everything() -> None:
    metric = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]])
    human = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])  # document 2: constant, no correlation
    assert level_values(metric, human, "summary", "pearson") == pytest.approx(1.0)


def test_long_rows_kendall_equals_scipy_public_function_bit_for_bit() -> None:
    """Rows longer than the pairwise limit go to scipy's kendalltau body (without its decorator): the same
    float as the public function, with ties, and NaN for a constant row."""
    import warnings

    rng = np.random.default_rng(3)
    x = np.round(rng.random((4, 700)), 1)
    y = np.round(x + rng.normal(0, 0.3, size=x.shape), 2)
    x[3] = 0.5  # constant
    got = kendall_rows(x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = [sps.kendalltau(a, b, variant="b").statistic for a, b in zip(x, y)]
    assert got[:3].tolist() == want[:3] and np.isnan(got[3]) and np.isnan(want[3])
