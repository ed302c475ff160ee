"""The terminal table (rich): failed rows in red, significant cells marked, targets and blocks apart."""

from __future__ import annotations

import io

from bench.render import register_output
from bench.render.table import COST, OWN, Table, header, ranked, row_cells

__all__ = ["to_rich", "to_text"]


def to_rich(table: Table, title: str | None = None, caption: bool = True):  # -> rich.table.Table
    """The rich Table; ``caption`` adds the short legend under it (signatures included)."""
    from rich.table import Table as RichTable
    from rich.text import Text

    out = RichTable(title=title or _title(table), caption=_caption(table) if caption else None, caption_justify="left")
    numeric = {"#", "n", "articles/s", COST, "size"} | {c.label for c in table.columns}
    for h in header(table, rank=True):
        out.add_column(h, justify="right" if h in numeric else "left", style="bold" if h == "system" else None)
    for target in table.targets:
        out.add_section()
        for block in dict.fromkeys(r.block for r in table.rows if r.target == target):
            rows = table.block_rows(target, block)
            if block == OWN:
                out.add_section()
                out.add_row("", target, Text("own articles, not ranked:", style="italic"))
            for rank, row in ranked(rows):
                out.add_row(
                    *(Text(c) for c in row_cells(table, row, short=True, rank=rank)),
                    style="red" if row.status != "ok" else None,
                )
    return out


def _title(table: Table) -> str:
    scaled = [c.label for c in table.columns if c.ci and c.scale == 100.0]
    return "Means ± half the width of the 95% bootstrap CI" + (f" ({', '.join(scaled)} ×100)" if scaled else "")


def _caption(table: Table) -> str:
    from bench.render.table import legend

    return legend(table, short=True)


@register_output(
    "terminal", suffix="txt", description="the table as the terminal shows it (plain text when written to a file)"
)
def to_text(table: Table) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=240, color_system=None)
    console.print(to_rich(table))
    return console.file.getvalue()  # type: ignore[attr-defined]
