"""Score generated units with ROUGE and aggregate per system × target (means with bootstrap CIs).

Per-article scores are kept; the summary re-aggregates them (never re-scores), as sacrebleu does for
significance tests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from bench.metrics.rouge import Rouge
from bench.metrics.stats import bootstrap_ci
from bench.runner import Unit

__all__ = ["score_units", "summary_rows", "FIELDS"]

FIELDS = (("precision", "p"), ("recall", "r"), ("f1", "f"))


def score_units(units: Sequence[Unit], rouge: Rouge) -> list[dict[str, Any]]:
    """Per-article score rows (flat, pandas-friendly) for every unit that did not fail."""
    rows: list[dict[str, Any]] = []
    for unit in units:
        if unit.status != "ok" or not unit.rows:
            continue
        start = time.perf_counter()
        preds = [r.prediction for r in unit.rows]
        refs = [r.article.reference(unit.target) or "" for r in unit.rows]
        langs = [r.article.language for r in unit.rows]
        scores = rouge.score(preds, refs, languages=langs)
        for pr, sc in zip(unit.rows, scores):
            row: dict[str, Any] = {"system": unit.system, "target": unit.target,
                                   "article_id": pr.article.id, "article_hash": pr.article.content_hash}
            for rtype, s in sc.items():
                for attr, short in FIELDS:
                    row[f"{rtype}_{short}"] = getattr(s, attr)
            rows.append(row)
        unit.seconds_score = time.perf_counter() - start
    return rows


def summary_rows(units: Sequence[Unit], scores: Sequence[dict[str, Any]], rouge: Rouge) -> list[dict[str, Any]]:
    """One row per system × target: counts, status, timings, and per ROUGE type P/R/F with 95% CIs."""
    by_unit: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in scores:
        by_unit.setdefault((row["system"], row["target"]), []).append(row)
    cfg = rouge.config
    out = []
    for unit in units:
        rows = by_unit.get((unit.system, unit.target), [])
        summary: dict[str, Any] = {
            "system": unit.system, "kind": unit.kind, "target": unit.target, "status": unit.status,
            "error": unit.error, "n": len(rows), "skipped_no_reference": unit.skipped_no_reference,
            "generated": unit.generated, "reused": unit.reused,
            "seconds_generate": round(unit.seconds_generate, 3),
            "articles_per_s": round(unit.generated / unit.seconds_generate, 2) if unit.generated and unit.seconds_generate > 0 else None,
            "fingerprint": unit.fingerprint,
        }
        for rtype in cfg.types:
            stats: dict[str, Any] = {}
            for attr, short in FIELDS:
                values = [r[f"{rtype}_{short}"] for r in rows]
                if values:
                    ci = bootstrap_ci(values, n=cfg.bootstrap, seed=cfg.seed)
                    stats[attr] = ci.mean
                    stats[f"{attr}_ci"] = [ci.low, ci.high]
                else:
                    stats[attr] = None
                    stats[f"{attr}_ci"] = None
            summary[rtype] = stats
        out.append(summary)
    return out
