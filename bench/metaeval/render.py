"""Meta-evaluation results as a terminal/markdown table, JSON and CSV; every output carries the signatures.

JSON (``--json``)::

    {"signature": {...}, "n_summaries": N, "rows": [{"metric", "aspect", "level", "group",
     "kendall", "spearman", "pearson", "ci": {"kendall": [lo, hi], ...}}], "tests"?: [...]}

NaN (an undefined correlation) is written as null in JSON and as an empty cell in CSV.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from typing import Any

from bench.metaeval.correlations import COEFFICIENTS
from bench.metaeval.evaluate import MetaEval, PairTest, Row

__all__ = ["to_json", "to_csv", "to_text", "to_markdown", "sections", "title"]


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 6)


def _row_json(r: Row) -> dict[str, Any]:
    out: dict[str, Any] = {"metric": r.metric, "aspect": r.aspect, "level": r.level, "group": r.group}
    out.update({c: _num(r.values[c]) for c in COEFFICIENTS})
    out["ci"] = {c: [_num(r.ci[c][0]), _num(r.ci[c][1])] for c in COEFFICIENTS}
    return out


def _test_json(t: PairTest) -> dict[str, Any]:
    return {
        "metric_a": t.metric_a,
        "metric_b": t.metric_b,
        "aspect": t.aspect,
        "level": t.level,
        "group": t.group,
        "coefficient": t.coefficient,
        "delta": _num(t.delta),
        "p": _num(t.p_value),
    }


def to_json(result: MetaEval) -> dict[str, Any]:
    out: dict[str, Any] = {
        "signature": result.signature,
        "n_summaries": result.n_summaries,
        "rows": [_row_json(r) for r in result.rows],
    }
    if result.tests:
        out["tests"] = [_test_json(t) for t in result.tests]
    return out


def to_csv(result: MetaEval) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["metric", "aspect", "level", "group", "n_docs", "n_systems"]
        + [f"{c}{s}" for c in COEFFICIENTS for s in ("", "_lo", "_hi")]
    )
    for r in result.rows:
        cells = []
        for c in COEFFICIENTS:
            cells += ["" if (v := _num(x)) is None else v for x in (r.values[c], *r.ci[c])]
        writer.writerow([r.metric, r.aspect, r.level, r.group or "", r.n_docs, r.n_systems] + cells)
    return buf.getvalue()


def _cell(r: Row, c: str) -> str:
    v, (lo, hi) = r.values[c], r.ci[c]
    if math.isnan(v):
        return "n/a"
    ci = "[  n/a ]" if math.isnan(lo) else f"[{lo:+.2f},{hi:+.2f}]"
    return f"{v:+.3f} {ci}"


def sections(rows: Iterable[Row]) -> dict[tuple[str | None, str, str], list[Row]]:
    out: dict[tuple[str | None, str, str], list[Row]] = {}
    for r in rows:
        out.setdefault((r.group, r.aspect, r.level), []).append(r)
    return out


def title(key: tuple[str | None, str, str], rows: list[Row]) -> str:
    group, aspect, level = key
    where = f"group {group}, " if group else ""
    return (
        f"{where}{aspect}, {level} level ({rows[0].n_systems} systems × {rows[0].n_docs} documents; "
        "95% CI: bootstrap over systems and documents)"
    )


def _footer(result: MetaEval) -> list[str]:
    lines = [f"{result.n_summaries} judged summaries"]
    lines += [f"{k}: {v}" for k, v in result.signature.items()]
    lines += [f"note: {n}" for n in dict.fromkeys(result.notes)]
    return lines


def _tests_text(tests: list[PairTest]) -> list[str]:
    out = [
        "",
        (
            "paired permutation tests (two-sided; Δ = first − second; cells swapped, so systems are held fixed: "
            "with few systems read the system-level CIs too):"
        ),
    ]
    for t in tests:
        where = f"{t.group}, " if t.group else ""
        delta = "n/a" if math.isnan(t.delta) else f"{t.delta:+.3f}"
        p = "n/a" if math.isnan(t.p_value) else f"{t.p_value:.4f}"
        out.append(f"  {t.metric_a} vs {t.metric_b} — {where}{t.aspect}, {t.level}, {t.coefficient}: Δ {delta}, p {p}")
    return out


def to_text(result: MetaEval) -> str:
    """Plain fixed-width tables, one per (group, aspect, level), then tests and signatures."""
    out: list[str] = []
    width = max([len(r.metric) for r in result.rows] + [6])
    for key, rows in sections(result.rows).items():
        out += ["", title(key, rows), f"  {'metric':<{width}}  " + "  ".join(f"{c:<21}" for c in COEFFICIENTS)]
        out += [f"  {r.metric:<{width}}  " + "  ".join(f"{_cell(r, c):<21}" for c in COEFFICIENTS) for r in rows]
    if result.tests:
        out += _tests_text(result.tests)
    return "\n".join(out + [""] + _footer(result)).lstrip("\n") + "\n"


def to_markdown(result: MetaEval) -> str:
    """Markdown tables (for a README or a report section), one per (group, aspect, level)."""
    out: list[str] = []
    for key, rows in sections(result.rows).items():
        out += [f"**{title(key, rows)}**", "", "| metric | Kendall τ-b | Spearman | Pearson |", "|---|---|---|---|"]
        out += [f"| {r.metric} | " + " | ".join(_cell(r, c) for c in COEFFICIENTS) + " |" for r in rows]
        out.append("")
    out += [f"`{k}: {v}`  " for k, v in result.signature.items()]
    out += [f"Note: {n}  " for n in dict.fromkeys(result.notes)]
    return "\n".join(out) + "\n"
