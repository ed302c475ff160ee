"""Score generated units with ROUGE and aggregate per system × target (means with bootstrap CIs).

Per-article scores are kept; the summary re-aggregates them (never re-scores), as sacrebleu does for
significance tests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from bench.metrics.extra import ExtraMetrics, aggregate_extras
from bench.metrics.rouge import Rouge
from bench.run.generate import Unit

__all__ = ["score_units", "summary_rows", "FIELDS"]

FIELDS = (("precision", "p"), ("recall", "r"), ("f1", "f"))


def score_units(units: Sequence[Unit], rouge: Rouge, extra: ExtraMetrics | None = None) -> list[dict[str, Any]]:
    """Per-article score rows (flat, pandas-friendly) for every unit that did not fail.

    Each scored unit also gets ``aggregate``: the engine's corpus numbers (means with 95% CIs; for the
    perl engine, the script's own bootstrap average) and ``extra_means`` when extra metrics are on."""
    rows: list[dict[str, Any]] = []
    for unit in units:
        if unit.status != "ok" or not unit.rows:
            continue
        start = time.perf_counter()
        preds = [r.prediction for r in unit.rows]
        refs = [r.article.reference(unit.target) or "" for r in unit.rows]
        langs = [r.article.language for r in unit.rows]
        scores = rouge.score(preds, refs, languages=langs)
        extras = extra.score(preds, refs, [r.article.body for r in unit.rows]) if extra else [{}] * len(preds)
        for pr, sc, ex in zip(unit.rows, scores, extras):
            row: dict[str, Any] = {"system": unit.system, "target": unit.target,
                                   "article_id": pr.article.id, "article_hash": pr.article.content_hash}
            for rtype, s in sc.items():
                for attr, short in FIELDS:
                    row[f"{rtype}_{short}"] = getattr(s, attr)
            row.update(ex)
            rows.append(row)
        if extra:
            unit.extra_means = {k: mean for k, (mean, _) in aggregate_extras(extras).items()}
        unit.aggregate = rouge.aggregate(scores)
        unit.seconds_score = time.perf_counter() - start
    return rows


def _speed(unit: Unit) -> float | None:
    """Articles per second of generation: this run's, plus the recorded time of reused predictions."""
    seconds = unit.seconds_generate + unit.seconds_cached
    count = unit.generated + (unit.reused if unit.seconds_cached > 0 else 0)
    return round(count / seconds, 2) if count and seconds > 0 else None


def summary_rows(units: Sequence[Unit], rouge: Rouge) -> list[dict[str, Any]]:
    """One row per system × target: counts, status, timings, and per ROUGE type P/R/F with 95% CIs."""
    out = []
    for unit in units:
        summary: dict[str, Any] = {
            "system": unit.system, "kind": unit.kind, "target": unit.target, "status": unit.status,
            "error": unit.error, "n": len(unit.rows) if unit.status == "ok" else 0, "skipped_no_reference": unit.skipped_no_reference,
            "generated": unit.generated, "reused": unit.reused,
            "seconds_generate": round(unit.seconds_generate, 3),
            "articles_per_s": _speed(unit), "parameters": unit.parameters, "extra": unit.extra_means,
            "upper_bound": unit.upper_bound,
            "fingerprint": unit.fingerprint,
        }
        for rtype in rouge.types:
            agg = unit.aggregate.get(rtype) if unit.aggregate else None
            stats: dict[str, Any] = {}
            for attr, _ in FIELDS:
                iv = getattr(agg, attr) if agg is not None else None
                stats[attr] = iv.mean if iv is not None else None
                stats[f"{attr}_ci"] = [iv.low, iv.high] if iv is not None else None
            summary[rtype] = stats
        out.append(summary)
    return out
