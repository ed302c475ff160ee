"""Aggregation and significance from per-article scores (never re-scoring), all seeded.

* :func:`bootstrap_ci` — mean and percentile bootstrap CI of the mean; the same seed gives the same
  interval on every run and machine (numpy ``default_rng(seed)``, PCG64).
* :func:`bootstrap_cis` — :func:`bootstrap_ci` of several columns at once, each interval the same as its own
  call gives: columns of one length share one draw of the resample indices (the same seed draws the same
  indices), and identical columns are resampled once.
* :func:`paired_bootstrap` — two-sided p-value that two systems scored on the same articles do not differ
  (Koehn 2004, with the null-centred resampled differences of Berg-Kirkpatrick et al. 2012).
* :func:`approximate_randomization` — two-sided p-value by randomly swapping the two systems' scores per
  article (Riezler & Maxwell 2005).
* :func:`compare_systems` — a table of systems against a chosen baseline, with the mark of which differ
  significantly.

p-values are ``(1 + #{resamples at least as extreme}) / (n + 1)``, so never 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bench.errors import MetricError

__all__ = [
    "Interval",
    "Comparison",
    "mean",
    "bootstrap_ci",
    "bootstrap_cis",
    "paired_bootstrap",
    "approximate_randomization",
    "compare_systems",
    "SIGNIFICANCE_METHODS",
]

SIGNIFICANCE_METHODS = ("paired-bootstrap", "approximate-randomization")
# Resamples are drawn in blocks of at most this many indices (a block and its gathered values stay in cache).
# The block size changes no number: the generator's stream is the same however it is cut.
_CHUNK_CELLS = 262_144


@dataclass(frozen=True)
class Interval:
    """The mean of the values and a confidence interval [low, high] around it."""

    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """One system against the baseline on one metric; ``significant`` when p < alpha for the method."""

    system: str
    score: Interval
    delta: float
    p_bootstrap: float | None
    p_randomization: float | None
    significant: bool
    is_baseline: bool = False

    @property
    def mark(self) -> str:
        """``*`` for a system that differs significantly from the baseline, else ``''``."""
        return "*" if self.significant else ""


def _array(values: Sequence[float], name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise MetricError(f"{name}: expected a non-empty list of per-article values, got {arr.size} values")
    if not np.all(np.isfinite(arr)):
        raise MetricError(f"{name}: per-article values must be finite numbers (found NaN or infinity)")
    return arr


def _check_n(n: int, seed: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise MetricError(f"bootstrap n: expected a number of resamples >= 1, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise MetricError(f"seed: expected an integer >= 0, got {seed!r}")


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean of non-empty ``values`` (math.fsum: exact, order-independent)."""
    arr = _array(values, "values")
    return math.fsum(arr.tolist()) / arr.size


def _resampled_means(arrays: Sequence[np.ndarray], n: int, seed: int) -> np.ndarray:
    """Means of each array (all of one size) over the same ``n`` bootstrap resamples of article indices:
    row k holds array k's ``n`` means. Each mean is ``arr[idx].mean()`` of its resample, summed in the same
    order (numpy's pairwise sum along a contiguous row), so it is the same float as one array alone gives."""
    size = arrays[0].size
    rng = np.random.default_rng(seed)
    rows = max(1, _CHUNK_CELLS // size)
    out = np.empty((len(arrays), n))
    gathered = np.empty((min(rows, n), size))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        idx = rng.integers(0, size, size=(stop - start, size))
        block = gathered[: stop - start]
        for k, arr in enumerate(arrays):
            np.take(arr, idx, out=block, mode="clip")  # = arr[idx] (indices are in range), without the checks
            np.add.reduce(block, axis=1, out=out[k, start:stop])
    out /= size  # what ndarray.mean does after its sum
    return out


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise MetricError(f"confidence: expected a level between 0 and 1 such as 0.95, got {confidence!r}")


def bootstrap_ci(values: Sequence[float], n: int = 1000, seed: int = 12345, confidence: float = 0.95) -> Interval:
    """The mean of ``values`` and its percentile bootstrap ``confidence`` interval over ``n`` resamples."""
    return bootstrap_cis([values], n=n, seed=seed, confidence=confidence)[0]


def bootstrap_cis(
    columns: Sequence[Sequence[float]], n: int = 1000, seed: int = 12345, confidence: float = 0.95
) -> list[Interval]:
    """:func:`bootstrap_ci` of each column (each seeded with ``seed``, as its own call is), in order.

    Columns of the same length are resampled with one draw of indices, and a column equal to an earlier
    one (bit for bit) reuses its means: the intervals are those of separate calls, at a fraction of the work.
    """
    _check_n(n, seed)
    _check_confidence(confidence)
    arrays = [_array(values, "values" if len(columns) == 1 else f"values[{i}]") for i, values in enumerate(columns)]
    tail = (1 - confidence) / 2 * 100
    distinct: dict[tuple[int, bytes], int] = {}  # (size, bytes) -> position among its size's arrays
    by_size: dict[int, list[np.ndarray]] = {}
    slots = []
    for arr in arrays:
        key = (arr.size, arr.tobytes())
        if key not in distinct:
            group = by_size.setdefault(arr.size, [])
            distinct[key] = len(group)
            group.append(arr)
        slots.append(distinct[key])
    bounds = {}
    for size, group in by_size.items():
        percentiles = np.percentile(_resampled_means(group, n, seed), [tail, 100 - tail], axis=1)
        bounds[size] = percentiles.T.tolist()
    return [Interval(mean(arr), *bounds[arr.size][slot]) for arr, slot in zip(arrays, slots)]


def _paired(a: Sequence[float], b: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    xa, xb = _array(a, "a"), _array(b, "b")
    if xa.size != xb.size:
        raise MetricError(
            f"paired test: the systems have {xa.size} and {xb.size} per-article values; "
            "they must be scored on the same articles in the same order"
        )
    return xa, xb


def paired_bootstrap(a: Sequence[float], b: Sequence[float], n: int = 1000, seed: int = 12345) -> float:
    """Two-sided p-value that systems ``a`` and ``b`` (per-article scores, same articles) do not differ."""
    _check_n(n, seed)
    xa, xb = _paired(a, b)
    diff = xa - xb
    observed = abs(float(diff.mean()))
    (means,) = _resampled_means([diff], n, seed)
    extreme = np.abs(means - diff.mean()) >= observed - 1e-12
    return (1 + int(extreme.sum())) / (n + 1)


def approximate_randomization(a: Sequence[float], b: Sequence[float], n: int = 1000, seed: int = 12345) -> float:
    """Two-sided p-value by approximate randomization: each trial swaps a[i], b[i] with probability 1/2."""
    _check_n(n, seed)
    xa, xb = _paired(a, b)
    diff = xa - xb
    observed = abs(float(diff.mean()))
    rng = np.random.default_rng(seed)
    rows = max(1, _CHUNK_CELLS // diff.size)
    extreme = 0
    for start in range(0, n, rows):
        signs = rng.integers(0, 2, size=(min(rows, n - start), diff.size)) * 2 - 1
        extreme += int((np.abs((signs * diff).mean(axis=1)) >= observed - 1e-12).sum())
    return (1 + extreme) / (n + 1)


def compare_systems(
    scores: Mapping[str, Sequence[float]],
    baseline: str,
    n: int = 1000,
    seed: int = 12345,
    alpha: float = 0.05,
    method: str = "paired-bootstrap",
) -> list[Comparison]:
    """Each system's mean and CI, its difference from ``baseline`` and both p-values; ``significant``
    uses ``method``. Systems keep their order; the baseline row has no p-values."""
    if baseline not in scores:
        from bench.typed import suggest

        raise MetricError(
            f"baseline {baseline!r} is not among the systems{suggest(baseline, scores)}; systems: {', '.join(scores)}"
        )
    if method not in SIGNIFICANCE_METHODS:
        raise MetricError(f"significance method {method!r} unknown; known: {', '.join(SIGNIFICANCE_METHODS)}")
    if not 0 < alpha < 1:
        raise MetricError(f"alpha: expected a significance level between 0 and 1 such as 0.05, got {alpha!r}")
    base = scores[baseline]
    rows = []
    for name, values in scores.items():
        ci = bootstrap_ci(values, n=n, seed=seed)
        if name == baseline:
            rows.append(Comparison(name, ci, 0.0, None, None, False, is_baseline=True))
            continue
        p_boot = paired_bootstrap(values, base, n=n, seed=seed)
        p_ar = approximate_randomization(values, base, n=n, seed=seed)
        p = p_boot if method == "paired-bootstrap" else p_ar
        rows.append(Comparison(name, ci, ci.mean - mean(base), p_boot, p_ar, p < alpha))
    return rows
