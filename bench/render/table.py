"""The table every output format renders: systems × targets × metric columns, with CIs and significance.

Built by :func:`bench.render.compare.build_comparison` from one run (``bench run``, ``bench leaderboard``,
the report) or several (``bench compare``); rendered by the formats of :mod:`bench.render`. Metric-agnostic:
its columns are the :class:`~bench.metrics.base.Column` entries the runs' metrics declared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.metrics.base import Column

__all__ = [
    "Cell",
    "Row",
    "Table",
    "ranked",
    "format_cell",
    "format_value",
    "format_size",
    "format_speed",
    "format_cost",
    "has_cost",
    "legend",
    "header",
    "row_cells",
    "RANKED",
    "OWN",
    "COST",
]

RANKED = "ranked"  # the block of rows ranked on the articles every system scored
OWN = "own"  # the block of each system's means over all the articles it scored (when those sets differ)


@dataclass(frozen=True)
class Cell:
    """One column's mean with its 95% CI, and its p-value against the baseline (None: no test)."""

    mean: float | None
    low: float | None = None
    high: float | None = None
    p: float | None = None
    significant: bool = False


@dataclass
class Row:
    """One system on one target in one run (in one block)."""

    label: str  # unique across the compared runs: the system name, or 'name (run #i)' when names repeat
    system: str
    run: str
    target: str
    kind: str
    status: str
    error: str | None
    n: int
    articles_per_s: float | None
    parameters: int | None
    fingerprint: str | None = None  # the system's settings hash: equal fingerprints, identical outputs
    cost_usd: float | None = None  # what the row's predictions cost (priced server systems only)
    price: str | None = None  # the price it was computed at: '$0.1/$0.4' per 1M input/output tokens
    cells: dict[str, Cell] = field(default_factory=dict)
    is_baseline: bool = False
    upper_bound: bool = False  # the system reads the reference (an oracle): shown, never ranked
    block: str = RANKED

    @property
    def display_name(self) -> str:
        """The label with its role: '(baseline)', '(upper bound)'."""
        return self.label + (" (baseline)" if self.is_baseline else "") + (" (upper bound)" if self.upper_bound else "")


@dataclass
class Table:
    """Rows (targets one after the other, ranked block first) and what they were computed with."""

    rows: list[Row]
    columns: list[Column]
    targets: list[str]
    signatures: dict[str, str]
    baseline: str | None
    method: str
    resamples: int
    seed: int
    alpha: float
    runs: list[str]  # run directory names, in the order given (run #1, #2, ...)
    baseline_chosen: bool = False  # True when the caller named the baseline
    tested: bool = True  # significance marks computed
    notes: list[str] = field(default_factory=list)  # caveats printed with the legend
    common_n: dict[str, int] = field(default_factory=dict)  # target -> articles every system scored, when sets differ
    manifest: dict = field(default_factory=dict)  # the first run's manifest (provenance for documents)

    @property
    def signature(self) -> str:
        """The first metric's signature (the ranking metric's, ROUGE by default)."""
        return next(iter(self.signatures.values()), "")

    def block_rows(self, target: str, block: str) -> list[Row]:
        return [r for r in self.rows if r.target == target and r.block == block]


def ranked(rows: Sequence[Row]) -> list[tuple[str, Row]]:
    """(rank, row) in table order; upper bounds and rows outside the ranked block get '–'."""
    out, rank = [], 0
    for row in rows:
        if row.upper_bound or row.block != RANKED or row.status != "ok":
            out.append(("–", row))
        else:
            rank += 1
            out.append((str(rank), row))
    return out


def format_value(column: Column, value: float | None) -> str:
    """A mean as tables show it: × the column's scale, its digits; '–' when undefined."""
    if value is None or value != value:
        return "–"
    return f"{column.scale * value:.{column.digits}f}"


def format_cell(column: Column, cell: Cell, short: bool = False) -> str:
    """'41.23 [40.10–42.35]*' (mean, 95% CI, significance mark), or with ``short`` '41.23 ±1.12*'
    (± half the CI's width, for terminals); '–' without a value."""
    if cell.mean is None or cell.mean != cell.mean:
        return "–"
    text = format_value(column, cell.mean)
    if column.ci and cell.low is not None and cell.high is not None:
        s, d = column.scale, column.digits
        text += (
            f" ±{s * (cell.high - cell.low) / 2:.{d}f}" if short else f" [{s * cell.low:.{d}f}–{s * cell.high:.{d}f}]"
        )
    return text + ("*" if cell.significant else "")


def format_size(parameters: int | None) -> str:
    """270000000 → '270M'; None → '–'."""
    if not parameters:
        return "–"
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if parameters >= scale:
            return f"{parameters / scale:.3g}{unit}"
    return str(parameters)


def format_speed(speed: float | None) -> str:
    """Articles per second, 3 significant figures; '–' when not measured (every prediction cached)."""
    if not speed:
        return "–"
    return f"{speed:,.0f}" if speed >= 100 else f"{speed:.3g}"


def format_cost(cost: float | None) -> str:
    """US dollars, to the cent from $1 up and 3 significant figures below; '–' when the system has no price."""
    if cost is None:
        return "–"
    return f"{cost:,.2f}" if cost >= 1 else f"{cost:.3g}"


def has_cost(table: Table) -> bool:
    """Some row carries a cost: the tables then show a cost column (priced server systems only)."""
    return any(r.cost_usd is not None for r in table.rows)


COST = "cost $"  # the cost column's heading


def header(table: Table, rank: bool = False) -> list[str]:
    multi = len(table.runs) > 1
    return (
        (["#"] if rank else [])
        + ["target", "system"]
        + (["run"] if multi else [])
        + ["n"]
        + [c.label for c in table.columns]
        + ["articles/s"]
        + ([COST] if has_cost(table) else [])
        + ["size"]
    )


def row_cells(table: Table, row: Row, short: bool = False, rank: str | None = None) -> list[str]:
    """The text cells of ``row`` in :func:`header` order."""
    multi = len(table.runs) > 1
    name = (
        (row.system if multi else row.label)
        + (" (baseline)" if row.is_baseline else "")
        + (" (upper bound)" if row.upper_bound else "")
    )
    lead = (
        ([rank] if rank is not None else [])
        + [row.target, name]
        + ([f"#{table.runs.index(row.run) + 1}"] if multi else [])
        + [str(row.n)]
    )
    cost = [format_cost(row.cost_usd)] if has_cost(table) else []
    if row.status != "ok":
        return lead + [f"FAILED: {row.error or 'unknown error'}"] + [""] * (len(table.columns) + len(cost) + 1)
    return (
        lead
        + [format_cell(c, row.cells.get(c.key, Cell(None)), short) for c in table.columns]
        + [format_speed(row.articles_per_s)]
        + cost
        + [format_size(row.parameters)]
    )


def _cost_legend(table: Table) -> str:
    """What the cost column means, with every price it was computed at."""
    prices = dict.fromkeys(f"{r.label} {r.price}" for r in table.rows if r.price)
    at = f" at each system's price in USD per 1M input/output tokens ({'; '.join(prices)})" if prices else ""
    return (
        f"Cost: US dollars that system's predictions on the target cost{at}, from the token counts its "
        "server reported (– without a price)."
    )


def _what(table: Table, short: bool) -> str:
    ci = "± half the width of the 95% bootstrap CI" if short else "with 95% bootstrap CI"
    named = [
        f"{c.label} = {c.description or c.key}{' ×100' if c.scale == 100.0 else ''}" for c in table.columns if c.ci
    ]
    text = f"{'; '.join(named)}: means {ci}." if named else ""
    plain = [f"{c.label} = {c.description or c.key} (mean)" for c in table.columns if not c.ci]
    return " ".join(p for p in (text, "; ".join(plain) + "." if plain else "") if p)


def legend(table: Table, short: bool = False) -> str:
    """What the marks and numbers mean, with the test, its resamples and seed, and every signature."""
    parts = [_what(table, short)]
    if table.tested:
        test = "paired bootstrap" if table.method == "paired-bootstrap" else "approximate randomization"
        how = "" if table.baseline_chosen else " The baseline is the first system that ran; choose one with --baseline."
        parts.append(
            f"* = differs from the baseline {table.baseline} at p < {table.alpha:g}, two-sided {test} on "
            f"per-article values paired by article (n={table.resamples} resamples, seed={table.seed}).{how}"
        )
    parts.append(
        "An upper bound (an oracle that reads the reference) is shown, not ranked. Speed: articles generated "
        "per second (– when not recorded). Size: model parameters (– when unknown)."
    )
    if has_cost(table):
        parts.append(_cost_legend(table))
    for target, n in table.common_n.items():
        parts.append(
            f"On {target} the systems scored different article sets: ranked on the {n} articles all of them "
            "scored (means and CIs recomputed from per-article values); each system's mean over all the "
            "articles it scored is listed below the ranking, unranked."
        )
    parts.append("Signature: " + " ; ".join(table.signatures.values()))
    if len(table.runs) > 1:
        parts.append("Runs: " + "; ".join(f"#{i} {name}" for i, name in enumerate(table.runs, start=1)) + ".")
    return " ".join(parts + table.notes)
