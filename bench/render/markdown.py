"""Markdown: one table (targets one after the other, unranked blocks labelled), the legend under it."""

from __future__ import annotations

from bench.render import register_output
from bench.render.table import COST, OWN, Table, header, legend, ranked, row_cells

__all__ = ["to_markdown", "markdown_rows"]


def markdown_rows(table: Table, rows_of: list, head: list[str]) -> list[str]:
    """Lines of a markdown table with ``head`` from (rank, row) pairs."""
    numeric = {"#", "n", "articles/s", COST, "size"} | {c.label for c in table.columns}
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if h in numeric else "---" for h in head) + "|"]
    for rank, row in rows_of:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row_cells(table, row, rank=rank)) + " |")
    return lines


@register_output("markdown", suffix="md", description="a markdown table with 95% CIs and the legend", summary=True)
def to_markdown(table: Table) -> str:
    head = header(table, rank=True)
    pairs = []
    for target in table.targets:
        for block in dict.fromkeys(r.block for r in table.rows if r.target == target):
            pairs += ranked(table.block_rows(target, block))
    lines = markdown_rows(table, pairs, head)
    if any(r.block == OWN for r in table.rows):
        lines.append("")
        lines.append(
            "Rows ranked '–' after a target's ranking are each system's mean over all the articles it "
            "scored (not ranked)."
        )
    return "\n".join(lines + ["", legend(table), ""])
