"""The corpus averages and confidence intervals that ROUGE-1.5.5.pl prints, reproduced bit for bit.

What the script prints as ``Average_R/P/F`` is **not** the plain mean of the per-summary scores
(``computeAverages``: the plain mean is computed, then overwritten):

1. instances are the per-summary ``(R, P, F)`` triples (each already rounded to 5 decimals), sorted
   by their test id ``"<evalID>.<systemID>"`` as strings (``-z`` file lists number the lines
   1, 2, ... so the order is ``1, 10, 100, 1000, 1001, ..., 2, ...``);
2. for ``b = 0 .. r-1`` (``-r``, default 1000): ``srand(b)``, then draw ``N`` indices
   ``int(rand(N))`` and average the drawn triples -- one bootstrap mean per ``b``;
3. the ``r`` bootstrap means are sorted and summed in that order, divided by ``r`` and printed with
   ``%7.5f``. That is the "average". The ``c``% interval is read off the same sorted means, linearly
   interpolated between neighbouring ranks.

The average is therefore the plain mean plus bootstrap noise of about ``sd / sqrt(N * r)`` (1e-4 to
3e-4 for N = 1000 summaries), rounded to 5 decimals. Perl >= 5.20 uses its own ``drand48`` on every
platform (``srand(s)`` sets ``x = s << 16 | 0x330E``; ``x <- (0x5DEECE66D x + 11) mod 2^48``;
``rand() = x / 2^48``), so the draws are reproduced here exactly and with them the printed numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["bootstrap_means", "perl_average", "perl_interval", "sorted_instances"]

_A = np.uint64(0x5DEECE66D)
_C = np.uint64(0xB)
_MASK = np.uint64((1 << 48) - 1)


def _draws(n: int, resamples: int) -> np.ndarray:
    """``int(rand(n))`` for ``n`` draws after ``srand(b)``, ``b = 0..resamples-1``; shape (r, n)."""
    state = ((np.arange(resamples, dtype=np.uint64) << np.uint64(16)) | np.uint64(0x330E)) & _MASK
    out = np.empty((resamples, n), dtype=np.int64)
    with np.errstate(over="ignore"):
        for k in range(n):
            state = (state * _A + _C) & _MASK
            out[:, k] = np.floor(state.astype(np.float64) * 2.0**-48 * n)
    return out


def bootstrap_means(values: np.ndarray, resamples: int = 1000) -> np.ndarray:
    """Perl's bootstrap means of the rows of ``values`` (shape (N, K)); returns shape (r, K).

    Rows are added in draw order, one at a time, as the script does, so the sums are bit-identical.
    """
    n = values.shape[0]
    if n == 0:
        return np.zeros((resamples, values.shape[1]))
    draws = _draws(n, resamples)
    sums = np.zeros((resamples, values.shape[1]))
    for k in range(n):
        sums += values[draws[:, k]]
    return sums / n


def _sequential_sum(sorted_column: np.ndarray) -> float:
    total = 0.0
    for value in sorted_column.tolist():
        total += value
    return total


def perl_average(means: np.ndarray) -> np.ndarray:
    """The printed average of each column of bootstrap means: sorted, summed, /r, ``%7.5f``."""
    r = means.shape[0]
    return np.array([float(f"{_sequential_sum(np.sort(means[:, k])) / r:.5f}") for k in range(means.shape[1])])


def perl_interval(means: np.ndarray, confidence: float = 95.0) -> tuple[np.ndarray, np.ndarray]:
    """The printed ``confidence``% interval (lower, upper) of each column of bootstrap means."""
    r = means.shape[0]
    ranked = np.sort(means, axis=0)
    delta = r * ((100 - confidence) / 2.0) / 100.0
    upper_a = int(r - delta - 1)
    lower_a = int(delta)
    ratio = r - delta - 1 - upper_a

    def at(index: int) -> np.ndarray:  # perl reads past the end of an array as 0 (undef)
        return ranked[index] if 0 <= index < r else np.zeros(ranked.shape[1])

    lower = at(lower_a) + (at(lower_a + 1) - at(lower_a)) * ratio
    upper = at(upper_a) + (at(upper_a + 1) - at(upper_a)) * ratio
    return (np.array([float(f"{v:.5f}") for v in lower]), np.array([float(f"{v:.5f}") for v in upper]))


def sorted_instances(
    scores: Sequence[Mapping[str, tuple[float, float, float]]], eval_ids: Sequence[str] | None, system_id: str
) -> list[int]:
    """Indices of ``scores`` in the order the script walks its instances (test ids sorted as strings)."""
    ids = [str(i + 1) for i in range(len(scores))] if eval_ids is None else [str(e) for e in eval_ids]
    keys = [f"{eval_id}.{system_id}" for eval_id in ids]
    return sorted(range(len(scores)), key=keys.__getitem__)
