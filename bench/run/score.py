"""Score generated units with every enabled metric and aggregate per system × target.

Scoring returns new values (:class:`UnitScores`) and never touches the units. Per-article values are kept
(``scores.jsonl``); the summary aggregates them with each metric's own :meth:`~bench.metrics.base.Metric.aggregate`
(never re-scores), as sacrebleu does for significance tests. A unit is scored as a whole, the moment it
finishes; once its rows are written, only :class:`ScoreArrays` (hashes and float values) stays in memory.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bench.errors import MetricError
from bench.metrics.base import Column, Item, Metric
from bench.metrics.stats import Interval
from bench.run.generate import Unit

__all__ = [
    "UnitScores",
    "ScoreArrays",
    "score_unit",
    "unit_score_rows",
    "item_independent",
    "score_values",
    "merge_per_article",
    "slice_items",
    "aggregate_rows",
    "SLICE_ROWS",
    "summary_row",
    "unit_cost",
    "columns_of",
]


@dataclass(frozen=True)
class UnitScores:
    """One unit's per-article metric values (aligned with ``unit.rows``) and their corpus aggregates."""

    values: list[dict[str, float | None]]
    aggregates: dict[str, Interval] = field(default_factory=dict)
    seconds: float = 0.0


def columns_of(metrics: Sequence[Metric]) -> list[Column]:
    """Every metric's columns, in metric order; a key used twice is a programming error."""
    out: list[Column] = []
    seen: dict[str, str] = {}
    for metric in metrics:
        for column in metric.columns():
            if column.key in seen:
                raise ValueError(f"metric {metric.name!r}: column {column.key!r} is also {seen[column.key]!r}'s")
            seen[column.key] = metric.name
            out.append(column if column.metric else Column(**{**column.to_dict(), "metric": metric.name}))
    return out


def score_unit(unit: Unit, metrics: Sequence[Metric]) -> UnitScores | None:
    """Score one unit that generated predictions; None for a failed or empty unit."""
    if unit.status != "ok" or not unit.rows:
        return None
    start = time.perf_counter()
    items = [Item(r.prediction, (r.article.reference(unit.target) or "",), r.article, unit.target) for r in unit.rows]
    values: list[dict[str, float | None]] = [{} for _ in items]
    aggregates: dict[str, Interval] = {}
    for metric in metrics:
        per_item = metric.score(items)
        for row, v in zip(values, per_item):
            row.update(v)
        aggregates.update(metric.aggregate(per_item))
    return UnitScores(values, aggregates, time.perf_counter() - start)


def unit_score_rows(
    unit: Unit, rows: Sequence[Any], hashes: Sequence[str], values: Sequence[Mapping[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Per-article score rows (flat, pandas-friendly) of ``rows`` of ``unit``: ids, then every metric's
    values. ``hashes``: the content hash of each row's article (computed once by the caller)."""
    for pr, h, v in zip(rows, hashes, values):
        yield {"system": unit.system, "target": unit.target, "article_id": pr.article.id, "article_hash": h, **v}


#: rows scored per call when every metric is item-independent (a unit of 200k articles is never one call)
SLICE_ROWS = 4096


@dataclass
class ScoreArrays:
    """What aggregation keeps of a scored unit once its rows are on disk: the article hashes and one
    float64 row of column values per article (NaN where a metric gave None), the metrics' corpus numbers,
    and per column the count of articles with a value (None excluded, NaN counted, as scores.jsonl does).
    Filled slice by slice (:meth:`fill`); ``given`` marks the values that were not None until
    :meth:`finish`, so :meth:`rows` can hand the metrics' ``aggregate`` exactly what they scored."""

    hashes: list[str]
    keys: tuple[str, ...]
    values: np.ndarray  # shape (len(hashes), len(keys))
    given: np.ndarray | None = None  # same shape, bool: False where the metric gave None
    aggregates: dict[str, Interval] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @classmethod
    def empty(cls, hashes: list[str], columns: Sequence[Column]) -> ScoreArrays:
        shape = (len(hashes), len(columns))
        return cls(hashes, tuple(c.key for c in columns), np.full(shape, np.nan), np.zeros(shape, dtype=bool))

    def fill(self, start: int, values: Sequence[Mapping[str, Any]], unit: Unit) -> None:
        """Rows ``start`` … of the per-article values; a value that is not a number is a MetricError."""
        assert self.given is not None, "fill() after finish()"
        if self._fill_floats(start, values):
            return
        for i, row in enumerate(values, start):
            for j, key in enumerate(self.keys):
                v = row.get(key)
                if v is None:
                    continue
                if isinstance(v, str) or not isinstance(v, (int, float, np.number)):
                    raise MetricError(
                        f"{unit.system} on {unit.target}: column {key!r} gave {type(v).__name__} {v!r} for "
                        f"article {unit.rows[i].article.id}; a metric's per-article values are numbers or None"
                    )
                self.values[i, j] = v
                self.given[i, j] = True

    def _fill_floats(self, start: int, values: Sequence[Mapping[str, Any]]) -> bool:
        """:meth:`fill`, a column at a time, when every value is a float or None (the common case); False,
        having filled only valid values, when one is anything else: fill then checks it row by row."""
        assert self.given is not None
        for j, key in enumerate(self.keys):
            column = [row.get(key) for row in values]
            kinds = set(map(type, column))
            if kinds == {float}:
                self.values[start : start + len(column), j] = column
                self.given[start : start + len(column), j] = True
            elif kinds <= {float, type(None)}:
                at = [i for i, v in enumerate(column, start) if v is not None]
                self.values[at, j] = [v for v in column if v is not None]
                self.given[at, j] = True
            else:
                return False
        return True

    def rows(self) -> Sequence[dict[str, float | None]]:
        """The values as the per-article mappings a metric's ``aggregate`` takes (floats, None kept)."""
        return _Rows(self)

    def finish(self, aggregates: dict[str, Interval], seconds: float) -> ScoreArrays:
        assert self.given is not None, "finish() twice"
        self.counts = {key: int(n) for key, n in zip(self.keys, self.given.sum(axis=0).tolist())}
        self.aggregates, self.seconds, self.given = aggregates, seconds, None
        return self

    def frame(self, system: str, target: str) -> pd.DataFrame:
        """The unit's part of scores.jsonl as a reader groups it: system, target, article_hash and the
        metric columns (article ids are in predictions.jsonl)."""
        frame = pd.DataFrame(self.values, columns=list(self.keys), copy=False)  # a view: no second copy
        frame.insert(0, "system", pd.array([system] * len(self.hashes), dtype="string"))
        frame.insert(1, "target", pd.array([target] * len(self.hashes), dtype="string"))
        frame.insert(2, "article_hash", pd.array(self.hashes, dtype="string"))
        return frame


class _Rows(Sequence):
    """A read-only view of :class:`ScoreArrays` as one ``{key: value or None}`` per article, made on access."""

    def __init__(self, arrays: ScoreArrays) -> None:
        self._a = arrays

    def __len__(self) -> int:
        return self._a.values.shape[0]

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._row(self._a.values[i].tolist(), self._a.given[i].tolist())  # type: ignore[index]

    def __iter__(self) -> Iterator[dict[str, float | None]]:
        for start in range(0, len(self), SLICE_ROWS):
            end = start + SLICE_ROWS
            for vals, given in zip(self._a.values[start:end].tolist(), self._a.given[start:end].tolist()):  # type: ignore[index]
                yield self._row(vals, given)

    def _row(self, vals: list[float], given: list[bool]) -> dict[str, float | None]:
        return {k: (v if g else None) for k, v, g in zip(self._a.keys, vals, given)}

    def column(self, key: str) -> np.ndarray:
        """The values of column ``key`` that were given (not None), in row order, as one float64 array: what
        ``[row[key] for row in rows if row[key] is not None]`` holds, without a Python float per value
        (200,000 articles × 22 columns of those took ~130 MB while a unit was aggregated)."""
        if key not in self._a.keys:  # a column no metric of this run gave: no values
            return np.empty(0)
        j = self._a.keys.index(key)
        return self._a.values[:, j][self._a.given[:, j]]  # type: ignore[index]


def item_independent(metrics: Sequence[Metric]) -> bool:
    """Whether every metric scores each item on its own (so a unit may be scored in slices, same numbers)."""
    return all(getattr(m, "item_independent", False) for m in metrics)


def slice_items(unit: Unit, rows: Sequence[Any]) -> list[Item]:
    """What the metrics score for ``rows`` (PredictionRows of ``unit``) when it is scored in slices."""
    return [Item(r.prediction, (r.article.reference(unit.target) or "",), r.article) for r in rows]


def score_values(unit: Unit, rows: Sequence[Any], metrics: Sequence[Metric]) -> list[dict[str, float | None]]:
    """Every metric's per-article values for ``rows`` (PredictionRows of ``unit``), merged per article."""
    items = slice_items(unit, rows)
    return merge_per_article(len(items), [metric.score(items) for metric in metrics])


def merge_per_article(n: int, per_metric: Sequence[Sequence[Mapping[str, Any]]]) -> list[dict[str, float | None]]:
    """One ``{key: value}`` per article from each metric's values (in metric order), keys in that order."""
    values: list[dict[str, float | None]] = [{} for _ in range(n)]
    for metric_values in per_metric:
        for row, v in zip(values, metric_values):
            row.update(v)
    return values


def aggregate_rows(metrics: Sequence[Metric], rows: Sequence[Mapping[str, float | None]]) -> dict[str, Interval]:
    """Every metric's corpus numbers over ``rows`` (all of a unit's per-article values)."""
    out: dict[str, Interval] = {}
    for metric in metrics:
        out.update(metric.aggregate(rows))
    return out


def _speed(unit: Unit) -> float | None:
    """Articles per second of generation: this run's, plus the recorded time of reused predictions."""
    seconds = unit.seconds_generate + unit.seconds_cached
    count = unit.generated + (unit.reused if unit.seconds_cached > 0 else 0)
    return round(count / seconds, 2) if count and seconds > 0 else None


def unit_cost(unit: Unit) -> dict[str, float]:
    """``cost_usd``: the sum of the per-prediction costs a priced server system reported (cached ones too:
    what the predictions cost to make); absent when none was reported."""
    costs = [r.usage["cost_usd"] for r in unit.rows if r.usage and isinstance(r.usage.get("cost_usd"), (int, float))]
    return {"cost_usd": round(sum(costs), 6)} if costs else {}


def _interval(iv: Interval | None, n: int) -> dict[str, Any]:
    if iv is None:
        return {"mean": None, "low": None, "high": None, "n": 0}
    return {"mean": iv.mean, "low": iv.low, "high": iv.high, "n": n}


def summary_row(unit: Unit, sc: ScoreArrays | None, columns: Sequence[Column], cost: dict[str, float]) -> dict:
    """One system × target: counts, status, timings, and per column its mean with the 95% CI; ``cost``
    is :func:`unit_cost` of the unit, taken while it still had its rows."""
    ok = unit.status == "ok"
    scores = {
        column.key: _interval(sc.aggregates.get(column.key) if sc else None, sc.counts.get(column.key, 0) if sc else 0)
        for column in columns
    }
    return {
        "system": unit.system,
        "kind": unit.kind,
        "target": unit.target,
        "status": unit.status,
        "error": unit.error,
        "n": len(unit.rows) if ok else 0,
        "skipped_no_reference": unit.skipped_no_reference,
        "generated": unit.generated,
        "reused": unit.reused,
        "seconds_generate": round(unit.seconds_generate, 3),
        "seconds_score": round(sc.seconds, 3) if sc else 0.0,
        "articles_per_s": _speed(unit),
        "parameters": unit.parameters,
        "upper_bound": unit.upper_bound,
        "fingerprint": unit.fingerprint,
        "scores": scores,
        **cost,
    }
