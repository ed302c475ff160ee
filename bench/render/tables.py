"""Summary tables: CSV (pandas-ready), markdown, and the terminal table — each with its signature.

Scores are shown ×100 (as papers print ROUGE); the saved JSON/CSV keep values in [0, 1].
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

__all__ = ["to_csv", "to_markdown", "to_rich", "LABELS", "cell", "f1_text"]

LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum", "rougeSU4": "R-SU4"}


def f1_text(f1: float | None, low: float | None = None, high: float | None = None, short: bool = False) -> str:
    """'41.23 [40.10–42.35]' (F1 ×100 with its 95% CI), or with ``short`` '41.23 ±1.12' (± half the CI's
    width, for terminals); '–' without a score. Every table of the project formats F1 here."""
    if f1 is None:
        return "–"
    text = f"{100 * f1:.2f}"
    if low is not None and high is not None:
        text += f" ±{50 * (high - low):.2f}" if short else f" [{100 * low:.2f}–{100 * high:.2f}]"
    return text


def cell(stats: dict[str, Any] | None, short: bool = False) -> str:
    """The F1 cell of a summary row's ROUGE type (see :func:`f1_text`)."""
    stats = stats or {}
    low, high = stats.get("f1_ci") or (None, None)
    return f1_text(stats.get("f1"), low, high, short)


def _words(row: dict[str, Any]) -> str:
    """Mean prediction length in words (from the extra metrics), or '–'."""
    words = (row.get("extra") or {}).get("pred_words")
    return f"{words:.1f}" if isinstance(words, (int, float)) and words == words else "–"


def system_label(row: dict[str, Any]) -> str:
    """The system's name, marked when its scores are an upper bound (it reads the reference)."""
    return f"{row['system']} (upper bound)" if row.get("upper_bound") else row["system"]


def to_csv(rows: Sequence[dict[str, Any]], types: Sequence[str], signature: str) -> str:
    """Flat CSV: one row per system × target; P/R/F and their CI bounds per ROUGE type, in [0, 1]."""
    head = ["system", "kind", "target", "status", "n", "skipped_no_reference", "generated", "reused",
            "articles_per_s", "parameters", "upper_bound"]
    metric_cols = []
    for t in types:
        for attr in ("precision", "recall", "f1"):
            metric_cols += [f"{t}_{attr}", f"{t}_{attr}_low", f"{t}_{attr}_high"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(head + metric_cols + ["error", "signature"])
    for row in rows:
        values = [row.get(h) for h in head]
        for t in types:
            stats = row.get(t) or {}
            for attr in ("precision", "recall", "f1"):
                ci = stats.get(f"{attr}_ci") or [None, None]
                values += [stats.get(attr), ci[0], ci[1]]
        writer.writerow(values + [row.get("error") or "", signature])
    return buf.getvalue()


def to_markdown(rows: Sequence[dict[str, Any]], types: Sequence[str], signature: str,
                title: str | None = None) -> str:
    """A markdown table of F1 ×100 with 95% bootstrap CIs, the signature under it."""
    head = ["system", "target", "n"] + [f"{LABELS.get(t, t)} F1" for t in types] + ["words"]
    lines = [f"### {title}", ""] if title else []
    lines += ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
    for row in rows:
        if row.get("status") != "ok":
            cells = [row["system"], row["target"], str(row.get("n", 0))] + \
                    [f"FAILED: {row.get('error') or ''}"] + [""] * len(types)
        else:
            cells = [system_label(row), row["target"], str(row["n"])] + [cell(row.get(t)) for t in types] + [_words(row)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", f"F1 ×100 with 95% bootstrap CI; words: mean prediction length. Signature: `{signature}`", ""]
    return "\n".join(lines)


def to_rich(rows: Sequence[dict[str, Any]], types: Sequence[str]):  # -> rich.table.Table
    """The terminal table (rich), failed units in red with their error; print the signature under it."""
    from rich.table import Table

    table = Table(title="ROUGE F1 ×100 ± half-width of the 95% bootstrap CI")
    table.add_column("system", style="bold")
    table.add_column("target")
    table.add_column("n", justify="right")
    for t in types:
        table.add_column(LABELS.get(t, t), justify="right")
    table.add_column("words", justify="right")
    for row in rows:
        if row.get("status") != "ok":
            table.add_row(row["system"], row["target"], str(row.get("n", 0)),
                          f"[red]FAILED: {row.get('error') or ''}[/red]", *[""] * len(types))
        else:
            table.add_row(system_label(row), row["target"], str(row["n"]), *[cell(row.get(t), short=True) for t in types],
                          _words(row))
    return table
