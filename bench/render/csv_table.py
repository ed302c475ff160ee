"""CSV for pandas: one row per system × target × block; per column its mean, CI bounds, p-value and mark
(values as stored, not ×100), then the test settings and every signature."""

from __future__ import annotations

import csv
import io
from typing import Any

from bench.render import register_output
from bench.render.table import Cell, Table, has_cost

__all__ = ["to_csv"]


@register_output(
    "csv",
    suffix="csv",
    description="flat CSV for pandas: every column's mean, CI and p-value",
    summary=True,
    all_columns=True,
)
def to_csv(table: Table) -> str:
    head = [
        "target",
        "system",
        "run",
        "block",
        "kind",
        "fingerprint",
        "status",
        "n",
        "articles_per_s",
        "parameters",
        "upper_bound",
        "baseline",
    ]
    cost = has_cost(table)  # cost_usd and the price it was computed at, only when some system has a price
    if cost:
        head += ["cost_usd", "price_usd_per_1m_in_out"]
    for c in table.columns:
        head += [c.key, f"{c.key}_low", f"{c.key}_high", f"{c.key}_p", f"{c.key}_significant"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    names = list(table.signatures)
    writer.writerow(head + ["error", "test", "resamples", "seed"] + [f"signature_{n}" for n in names])
    for row in table.rows:
        values: list[Any] = [
            row.target,
            row.label,
            row.run,
            row.block,
            row.kind,
            row.fingerprint,
            row.status,
            row.n,
            row.articles_per_s,
            row.parameters,
            row.upper_bound,
            row.is_baseline,
        ] + ([row.cost_usd, row.price] if cost else [])
        for c in table.columns:
            cell = row.cells.get(c.key, Cell(None))
            values += [cell.mean, cell.low, cell.high, cell.p, cell.significant if table.tested else None]
        writer.writerow(
            values
            + [row.error or "", table.method if table.tested else "", table.resamples, table.seed]
            + [table.signatures[n] for n in names]
        )
    return buf.getvalue()
