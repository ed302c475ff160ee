"""Confidence intervals and paired tests for correlations, by resampling systems and documents.

* :func:`bootstrap_indices` — the seeded resamples: each draws systems *and* documents with replacement
  (Deutsch, Dror & Roth 2021, "BOOT-BOTH"), so an interval covers both the choice of systems and of
  documents. Every metric of a table is resampled with the same draws (the same seed gives the same
  draws on every machine: numpy ``default_rng``, PCG64).
* :func:`bootstrap_ci` — the percentile 95% interval of a level's coefficients over those draws.
* :func:`permutation_test` — two-sided p-value that two metrics correlate equally with the human score
  ("PERM-BOTH" of Deutsch et al.): each metric is z-scored over all cells, then each cell's pair of
  metric scores is swapped with probability ½; p = (1 + #{|Δ*| ≥ |Δ|}) / (n + 1), so never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.errors import MetricError
from bench.metaeval.correlations import COEFFICIENTS, level_values, level_values_stack

__all__ = ["Draws", "bootstrap_indices", "bootstrap_ci", "permutation_test"]

_BLOCK_CELLS = 500_000  # grid cells resampled at once (per array)


@dataclass(frozen=True)
class Draws:
    """``n`` resamples of a ``documents × systems`` grid: row indices into documents and systems."""

    docs: np.ndarray  # (n, n_docs)
    systems: np.ndarray  # (n, n_systems)
    seed: int


def bootstrap_indices(n_docs: int, n_systems: int, n: int = 1000, seed: int = 12345) -> Draws:
    """``n`` seeded draws of documents and systems, both with replacement."""
    if n < 1 or seed < 0:
        raise MetricError(f"meta-eval bootstrap: need resamples >= 1 and seed >= 0, got {n} and {seed}")
    rng = np.random.default_rng(seed)
    docs = rng.integers(0, n_docs, size=(n, n_docs))
    systems = rng.integers(0, n_systems, size=(n, n_systems))
    return Draws(docs, systems, seed)


def bootstrap_ci(
    metric: np.ndarray, human: np.ndarray, level: str, draws: Draws, confidence: float = 0.95
) -> dict[str, tuple[float, float]]:
    """Per coefficient, the percentile interval of the ``level`` correlation over ``draws``.

    A draw where the coefficient is undefined (e.g. every drawn system the same one) is left out; with no
    defined draw the interval is (NaN, NaN). The draws are resampled in blocks, all draws of a block at once
    (:func:`~bench.metaeval.correlations.level_values_stack`): the same values as one draw at a time.
    """
    values = {c: np.empty(len(draws.docs)) for c in COEFFICIENTS}
    block = _block(draws.docs.shape[1] * draws.systems.shape[1], level)
    for start in range(0, len(draws.docs), block):
        d = draws.docs[start : start + block, :, None]
        s = draws.systems[start : start + block, None, :]
        m, h = metric[d, s], human[d, s]  # (block, docs, systems): draw k's grid is metric[np.ix_(d_k, s_k)]
        for c in COEFFICIENTS:
            values[c][start : start + block] = level_values_stack(m, h, level, c)
    tail = (1.0 - confidence) / 2 * 100
    out = {}
    for c, v in values.items():
        v = v[~np.isnan(v)]
        out[c] = (float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))) if v.size else (np.nan, np.nan)
    return out


def _block(cells: int, level: str) -> int:
    """Draws per block: a block's grids, and (summary level) Kendall's pairs of systems, stay a few MB."""
    per_draw = cells * (16 if level == "summary" else 1)
    return max(1, _BLOCK_CELLS // max(per_draw, 1))


def _zscore(a: np.ndarray) -> np.ndarray:
    sd = a.std()
    return (a - a.mean()) / (sd if sd > 0 else 1.0)


def permutation_test(
    metric_a: np.ndarray,
    metric_b: np.ndarray,
    human: np.ndarray,
    level: str,
    coefficient: str,
    n: int = 1000,
    seed: int = 12345,
) -> tuple[float, float]:
    """(Δ, p): Δ = corr(a, human) − corr(b, human) at ``level``; p two-sided by swapping cells' scores."""
    a, b = _zscore(np.asarray(metric_a, float)), _zscore(np.asarray(metric_b, float))
    observed = level_values(a, human, level, coefficient) - level_values(b, human, level, coefficient)
    if np.isnan(observed):
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    extreme = 0
    block = _block(a.size, level)
    for start in range(0, n, block):
        # one call for the block draws what one call per trial drew, in the same order
        swap = rng.random((min(block, n - start), *a.shape)) < 0.5
        pa, pb = np.where(swap, b, a), np.where(swap, a, b)
        hs = np.ascontiguousarray(np.broadcast_to(human, pa.shape))  # a copy per trial, laid out as one
        delta = level_values_stack(pa, hs, level, coefficient) - level_values_stack(pb, hs, level, coefficient)
        extreme += int(np.count_nonzero(np.abs(delta) >= abs(observed) - 1e-12))
    return float(observed), (1 + extreme) / (n + 1)
