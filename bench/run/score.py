"""Score generated units with every enabled metric and aggregate per system × target.

Scoring returns new values (:class:`UnitScores`) and never touches the units. Per-article values are kept
(``scores.jsonl``); the summary aggregates them with each metric's own :meth:`~bench.metrics.base.Metric.aggregate`
(never re-scores), as sacrebleu does for significance tests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.metrics.base import Column, Item, Metric
from bench.metrics.stats import Interval
from bench.run.generate import Unit

__all__ = ["UnitScores", "score_unit", "score_units", "score_rows", "summary_rows", "columns_of"]


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


def score_units(units: Sequence[Unit], metrics: Sequence[Metric]) -> list[UnitScores | None]:
    """:func:`score_unit` for every unit, aligned with ``units``."""
    return [score_unit(unit, metrics) for unit in units]


def score_rows(units: Sequence[Unit], scored: Sequence[UnitScores | None]) -> list[dict[str, Any]]:
    """Per-article score rows (flat, pandas-friendly): ids, then every metric's values."""
    rows: list[dict[str, Any]] = []
    for unit, sc in zip(units, scored):
        if sc is None:
            continue
        for pr, values in zip(unit.rows, sc.values):
            rows.append(
                {
                    "system": unit.system,
                    "target": unit.target,
                    "article_id": pr.article.id,
                    "article_hash": pr.article.content_hash,
                    **values,
                }
            )
    return rows


def _speed(unit: Unit) -> float | None:
    """Articles per second of generation: this run's, plus the recorded time of reused predictions."""
    seconds = unit.seconds_generate + unit.seconds_cached
    count = unit.generated + (unit.reused if unit.seconds_cached > 0 else 0)
    return round(count / seconds, 2) if count and seconds > 0 else None


def _cost(unit: Unit) -> dict[str, float]:
    """``cost_usd``: the sum of the per-prediction costs a priced server system reported (cached ones too:
    what the predictions cost to make); absent when none was reported."""
    costs = [r.usage["cost_usd"] for r in unit.rows if r.usage and isinstance(r.usage.get("cost_usd"), (int, float))]
    return {"cost_usd": round(sum(costs), 6)} if costs else {}


def _interval(iv: Interval | None, n: int) -> dict[str, Any]:
    if iv is None:
        return {"mean": None, "low": None, "high": None, "n": 0}
    return {"mean": iv.mean, "low": iv.low, "high": iv.high, "n": n}


def summary_rows(
    units: Sequence[Unit], scored: Sequence[UnitScores | None], columns: Sequence[Column]
) -> list[dict[str, Any]]:
    """One row per system × target: counts, status, timings, and per column its mean with the 95% CI."""
    out = []
    for unit, sc in zip(units, scored):
        ok = unit.status == "ok"
        values = sc.values if sc else []
        scores = {}
        for column in columns:
            n = sum(1 for v in values if v.get(column.key) is not None)
            scores[column.key] = _interval(sc.aggregates.get(column.key) if sc else None, n)
        out.append(
            {
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
                **_cost(unit),
            }
        )
    return out
