"""Kendall τ-b, Spearman and Pearson, row by row on matrices, and the three meta-evaluation levels.

Scores are ``documents × systems`` matrices (one cell per judged summary). The levels follow Deutsch,
Dror & Roth (2021) and REALSumm (Bhandari et al. 2020):

* ``system`` — correlate the per-system means over documents (one value per system);
* ``summary`` — correlate across systems within each document, then average over documents (documents
  where either score is constant give no correlation and are left out of the average);
* ``global`` — correlate all summaries pooled.

The row-wise functions are exact (τ-b from pair signs, Spearman from average ranks) and vectorised over
rows, because the bootstrap calls them thousands of times; a long single row (global level) uses
``scipy.stats.kendalltau``, which is O(n log n). A correlation that is undefined (a constant input) is NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from scipy import stats as sps

__all__ = [
    "COEFFICIENTS",
    "LEVELS",
    "pearson_rows",
    "spearman_rows",
    "kendall_rows",
    "correlate",
    "level_values",
    "level_values_stack",
]

COEFFICIENTS = ("kendall", "spearman", "pearson")
LEVELS = ("system", "summary", "global")
_PAIRWISE_MAX = 300  # rows longer than this use scipy's O(n log n) Kendall instead of all pairs


def pearson_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r of each row of ``x`` with the same row of ``y`` (2-D, same shape); NaN for constant rows."""
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    sx = np.sqrt((xc * xc).sum(axis=1))
    sy = np.sqrt((yc * yc).sum(axis=1))
    denom = sx * sy
    num = (xc * yc).sum(axis=1)
    # a row whose spread is at rounding level of its values is constant (e.g. 0.1 + 0.2 vs 0.3)
    tiny = (sx <= 1e-12 * np.abs(x).max(axis=1, initial=1.0)) | (sy <= 1e-12 * np.abs(y).max(axis=1, initial=1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(tiny | (denom == 0), np.nan, num / np.where(denom == 0, 1.0, denom))
    return np.clip(r, -1.0, 1.0)


def spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's ρ per row: Pearson's r of the average ranks (ties share their mean rank)."""
    return pearson_rows(sps.rankdata(x, axis=1), sps.rankdata(y, axis=1))


def kendall_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Kendall's τ-b per row: Σ sign(dx)·sign(dy) / √(untied-in-x pairs · untied-in-y pairs)."""
    n = x.shape[1]
    if n > _PAIRWISE_MAX:
        return np.array([_kendall_scipy(a, b) for a, b in zip(x, y)])
    i, j = np.triu_indices(n, k=1)
    dx = np.sign(x[:, i] - x[:, j])
    dy = np.sign(y[:, i] - y[:, j])
    num = (dx * dy).sum(axis=1)
    denom = np.sqrt(np.abs(dx).sum(axis=1) * np.abs(dy).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom == 0, np.nan, num / np.where(denom == 0, 1.0, denom))


# scipy's kendalltau without its axis/NaN-policy decorator, whose per-call cost (argument inspection) was most of
# the bootstrap's time at global level: inputs here are 1-D, equally long and NaN-free, and the statistic is the
# same float (tests compare with the public function)
_KENDALLTAU = getattr(sps.kendalltau, "__wrapped__", sps.kendalltau)


def _kendall_scipy(a: np.ndarray, b: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant input: scipy warns and returns NaN, which is what we want
        return float(_KENDALLTAU(a, b, variant="b").statistic)


_ROWS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "kendall": kendall_rows,
    "spearman": spearman_rows,
    "pearson": pearson_rows,
}


def correlate(x: np.ndarray, y: np.ndarray, coefficient: str) -> float:
    """One coefficient between two 1-D arrays of equal length; NaN when undefined."""
    return float(_ROWS[coefficient](np.asarray(x, float)[None, :], np.asarray(y, float)[None, :])[0])


def level_values(metric: np.ndarray, human: np.ndarray, level: str, coefficient: str) -> float:
    """The ``coefficient`` at ``level`` for two ``documents × systems`` matrices without missing cells."""
    if level == "system":
        return correlate(metric.mean(axis=0), human.mean(axis=0), coefficient)
    if level == "global":
        return correlate(metric.ravel(), human.ravel(), coefficient)
    if level == "summary":
        per_doc = _ROWS[coefficient](metric, human)
        defined = per_doc[~np.isnan(per_doc)]
        return float(defined.mean()) if defined.size else float("nan")
    raise ValueError(f"unknown level {level!r}; known: {', '.join(LEVELS)}")


def _summary_means(per_doc: np.ndarray) -> np.ndarray:
    """Per row, the mean of its defined (non-NaN) values, each computed as ``level_values`` does (the mean of
    the compacted row, so the float is the same); NaN for a row with none."""
    out = np.full(per_doc.shape[0], np.nan)
    missing = np.isnan(per_doc).any(axis=1)
    if not missing.all():
        out[~missing] = per_doc[~missing].mean(axis=1)
    for k in np.flatnonzero(missing):
        defined = per_doc[k][~np.isnan(per_doc[k])]
        out[k] = defined.mean() if defined.size else np.nan
    return out


def level_values_stack(metric: np.ndarray, human: np.ndarray, level: str, coefficient: str) -> np.ndarray:
    """:func:`level_values` of each of a stack of ``documents × systems`` matrices (shape ``(k, docs,
    systems)``) at once: the same floats as k separate calls (the same reductions along the same axes)."""
    rows = _ROWS[coefficient]
    k, docs, systems = metric.shape
    if level == "system":
        return rows(metric.mean(axis=1), human.mean(axis=1))
    if level == "global":
        return rows(metric.reshape(k, docs * systems), human.reshape(k, docs * systems))
    if level == "summary":
        per_doc = rows(metric.reshape(k * docs, systems), human.reshape(k * docs, systems))
        return _summary_means(per_doc.reshape(k, docs))
    raise ValueError(f"unknown level {level!r}; known: {', '.join(LEVELS)}")
