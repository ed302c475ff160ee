"""Score generated units with every enabled metric and aggregate per system × target.

Scoring returns new values (:class:`UnitScores`) and never touches the units. Per-article values are kept
(``scores.jsonl``); the summary aggregates them with each metric's own :meth:`~bench.metrics.base.Metric.aggregate`
(never re-scores), as sacrebleu does for significance tests. A unit is scored as a whole, the moment it
finishes; once its rows are written, only :class:`ScoreArrays` (hashes and float values) stays in memory.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
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
    "score_arrays",
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
    items = [Item(r.prediction, (r.article.reference(unit.target) or "",), r.article) for r in unit.rows]
    values: list[dict[str, float | None]] = [{} for _ in items]
    aggregates: dict[str, Interval] = {}
    for metric in metrics:
        per_item = metric.score(items)
        for row, v in zip(values, per_item):
            row.update(v)
        aggregates.update(metric.aggregate(per_item))
    return UnitScores(values, aggregates, time.perf_counter() - start)


def unit_score_rows(unit: Unit, sc: UnitScores, hashes: Sequence[str]) -> Iterator[dict[str, Any]]:
    """One unit's per-article score rows (flat, pandas-friendly): ids, then every metric's values.
    ``hashes``: the content hash of each row's article (computed once by the caller)."""
    for pr, h, values in zip(unit.rows, hashes, sc.values):
        yield {"system": unit.system, "target": unit.target, "article_id": pr.article.id, "article_hash": h, **values}


@dataclass(frozen=True)
class ScoreArrays:
    """What aggregation keeps of a scored unit once its rows are on disk: the article hashes and one
    float64 row of column values per article (NaN where a metric gave None), the metrics' corpus numbers,
    and per column the count of articles with a value (None excluded, NaN counted, as scores.jsonl does)."""

    hashes: list[str]
    keys: tuple[str, ...]
    values: np.ndarray  # shape (len(hashes), len(keys))
    aggregates: dict[str, Interval]
    counts: dict[str, int]
    seconds: float

    def frame(self, system: str, target: str) -> pd.DataFrame:
        """The unit's part of scores.jsonl as a reader groups it: system, target, article_hash and the
        metric columns (article ids are in predictions.jsonl)."""
        frame = pd.DataFrame(self.values, columns=list(self.keys))
        frame.insert(0, "system", pd.array([system] * len(self.hashes), dtype="string"))
        frame.insert(1, "target", pd.array([target] * len(self.hashes), dtype="string"))
        frame.insert(2, "article_hash", pd.array(self.hashes, dtype="string"))
        return frame


def score_arrays(unit: Unit, sc: UnitScores, hashes: list[str], columns: Sequence[Column]) -> ScoreArrays:
    """:class:`ScoreArrays` of a scored unit; a value that is not a number is a MetricError naming it."""
    keys = tuple(c.key for c in columns)
    values = np.full((len(sc.values), len(keys)), np.nan)
    counts = dict.fromkeys(keys, 0)
    for i, row in enumerate(sc.values):
        for j, key in enumerate(keys):
            v = row.get(key)
            if v is None:
                continue
            counts[key] += 1
            if isinstance(v, str) or not isinstance(v, (int, float, np.number)):
                raise MetricError(
                    f"{unit.system} on {unit.target}: column {key!r} gave {type(v).__name__} {v!r} for article "
                    f"{unit.rows[i].article.id}; a metric's per-article values are numbers or None"
                )
            values[i, j] = v
    return ScoreArrays(hashes, keys, values, sc.aggregates, counts, sc.seconds)


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
