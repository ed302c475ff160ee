"""The report page: header (what ran, where, how to reproduce), leaderboards, charts, article browser.

One self-contained HTML file: inline CSS, inline SVG charts, a few lines of inline script; nothing is
fetched from the network. Every piece of text from a run is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bench.metrics.base import Column
from bench.render.provenance import command_text, machine_text
from bench.render.table import (
    COST,
    OWN,
    Row,
    Table,
    format_cost,
    format_size,
    format_speed,
    format_value,
    has_cost,
    legend,
    ranked,
)
from bench.run.rundir import Run

__all__ = ["CSS", "page", "header_html", "leaderboard_html", "legend_html"]

CSS = """
:root { --ink: #1b1f24; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; --accent: #0072B2; --bad: #b42318; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 1px solid var(--line);
padding-bottom: 4px; } h3 { font-size: 16px; margin: 20px 0 6px; } h4 { margin: 0 0 6px; font-size: 14px; }
.sub { color: var(--muted); margin: 0 0 16px; }
dl.meta { display: grid; grid-template-columns: 150px 1fr; gap: 2px 16px; margin: 0; font-size: 14px; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft);
       padding: 1px 4px; border-radius: 3px; }
table { border-collapse: collapse; font-size: 14px; }
table.board { width: 100%; margin: 6px 0; }
table.board th, table.board td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; }
table.board th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.best { font-weight: 700; } tr.failed td { color: var(--bad); } tr.baseline td.sys::after { content: " (baseline)";
color: var(--muted); font-weight: 400; }
.ci { color: var(--muted); font-size: 12px; } .sig { color: var(--accent); font-weight: 700; }
.legend { color: var(--muted); font-size: 12.5px; max-width: 1000px; }
.failures { border: 1px solid var(--bad); background: #fff4f2; padding: 8px 14px; border-radius: 6px; }
.failures li { color: var(--bad); }
svg.chart { max-width: 100%; height: auto; display: block; margin: 8px 0 18px; }
svg .grid { stroke: #eaeef2; } svg .axis { stroke: #8c959f; } svg .tick { fill: var(--muted); }
svg .label { fill: var(--ink); font-size: 12px; } svg .note { fill: var(--muted); } svg .series { fill: var(--ink); }
svg .mean { stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 3 2; }
svg .ref { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 5 4; }
svg text { font-family: inherit; }
.filter { margin: 8px 0 12px; color: var(--muted); } .filter input { width: 360px; padding: 5px 8px; font: inherit;
border: 1px solid var(--line); border-radius: 4px; margin-left: 6px; }
details.article { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; }
details.article > summary { cursor: pointer; padding: 7px 12px; background: var(--soft); border-radius: 6px;
font-weight: 600; } .aid { color: var(--muted); font: 12px ui-monospace, Menlo, monospace; margin-right: 8px; }
.targets { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; padding: 12px; }
.reference { background: #eef6fc; border-left: 3px solid var(--accent); padding: 6px 10px; margin: 0 0 8px;
font-weight: 600; } .reference.missing { background: var(--soft); border-color: var(--line); color: var(--muted);
font-weight: 400; } .tag { font: 11px ui-monospace, monospace; color: var(--accent); text-transform: uppercase;
margin-right: 4px; }
table.outputs { width: 100%; } table.outputs th, table.outputs td { padding: 4px 6px; border-bottom: 1px solid
var(--line); vertical-align: top; text-align: left; } table.outputs td.sys { white-space: nowrap; color: var(--muted); }
table.outputs tr.best td { background: #f0faf4; } table.outputs th { white-space: nowrap; }
nav.toc { margin: 16px 0 0; padding: 8px 0; border-top: 1px solid var(--line); }
nav.toc a { margin-right: 14px; color: var(--accent); text-decoration: none; }
@media (max-width: 900px) { .targets { grid-template-columns: 1fr; } }
"""


def header_html(run: Run) -> str:
    """Title and the facts needed to trust and reproduce the numbers."""
    m = run.manifest
    corpus = m.get("corpus") or {}
    git = m.get("git") or {}
    commit = git.get("commit") or "unknown"
    if git.get("dirty"):
        commit += " (with uncommitted changes)"
    packages = ", ".join(f"{k} {v}" for k, v in (m.get("packages") or {}).items() if v)
    facts = [
        ("corpus", f"{corpus.get('source', '?')} — {corpus.get('articles', '?')} articles"),
        ("started", str(m.get("started", "?"))),
        ("finished", str(m.get("finished", "?"))),
        ("machine", machine_text(m)),
        ("git commit", commit),
        ("packages", packages),
        ("seeds", ", ".join(f"{k} {v}" for k, v in (m.get("seeds") or {}).items())),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    rows += f"<dt>command</dt><dd><code>{escape(command_text(m))}</code></dd>"
    for name, signature in run.signatures.items():
        rows += f"<dt>signature ({escape(name)})</dt><dd><code>{escape(signature)}</code></dd>"
    failures = m.get("failures") or []
    fail_html = ""
    if failures:
        items = "".join(
            f"<li><b>{escape(f.get('system', '?'))}</b> on {escape(f.get('target', '?'))}: "
            f"{escape(f.get('error', ''))}</li>"
            for f in failures
        )
        fail_html = f'<div class="failures"><b>{len(failures)} system × target failed</b><ul>{items}</ul></div>'
    return (
        f"<h1>{escape(str(m.get('config') or run.name))}: headline and standfirst benchmark</h1>"
        f'<p class="sub">Run <code>{escape(run.name)}</code></p><dl class="meta">{rows}</dl>{fail_html}'
    )


def _score_cell(row: Row, column: Column, best: float | None) -> str:
    cell = row.cells.get(column.key)
    if cell is None or cell.mean is None:
        return "<td class=num>–</td>"
    cls = "num best" if best is not None and abs(cell.mean - best) < 1e-12 else "num"
    ci = (
        f' <span class="ci">[{format_value(column, cell.low)}–{format_value(column, cell.high)}]</span>'
        if column.ci and cell.low is not None and cell.high is not None
        else ""
    )
    sig = f'<span class="sig" title="p = {cell.p:.4f}">*</span>' if cell.significant and cell.p is not None else ""
    return f'<td class="{cls}">{format_value(column, cell.mean)}{sig}{ci}</td>'


def _best(rows: list[Row], column: Column) -> float | None:
    values = [
        r.cells[column.key].mean
        for r in rows
        if not r.upper_bound and r.cells.get(column.key) and r.cells[column.key].mean is not None
    ]
    if not values or not column.ci:
        return None
    return max(values) if column.higher_is_better else min(values)


def _board_rows(table: Table, rows: list[Row]) -> list[str]:
    best = {c.key: _best([r for r in rows if r.block != OWN], c) for c in table.columns}
    cost = has_cost(table)  # a cost column only when some system has a price (as in every other table)
    width = len(table.columns) + (1 if cost else 0)
    body: list[str] = []
    own_started = False
    for rank, row in ranked(rows):
        if row.block == OWN and not own_started:
            own_started = True
            body.append(
                f'<tr class="own-head"><td colspan="{width + 6}"><i>Each system\'s mean over '
                "all the articles it scored (not ranked: the article sets differ)</i></td></tr>"
            )
        classes = " ".join(
            c
            for c in (
                "failed" if row.status != "ok" else "",
                "baseline" if row.is_baseline else "",
                "upper" if row.upper_bound else "",
            )
            if c
        )
        name = row.label + (" (upper bound)" if row.upper_bound else "")
        lead = (
            f'<tr class="{classes}"><td class=num>{rank}</td><td class=sys>{escape(name)}</td>'
            f"<td>{escape(row.kind)}</td><td class=num>{row.n}</td>"
        )
        if row.status != "ok":
            body.append(lead + f'<td colspan="{width + 2}">FAILED: {escape(row.error or "")}</td></tr>')
            continue
        scores = "".join(_score_cell(row, c, best[c.key] if row.block != OWN else None) for c in table.columns)
        body.append(
            lead
            + scores
            + f"<td class=num>{escape(format_speed(row.articles_per_s))}</td>"
            + (f"<td class=num>{escape(format_cost(row.cost_usd))}</td>" if cost else "")
            + f"<td class=num>{escape(format_size(row.parameters))}</td></tr>"
        )
    return body


def leaderboard_html(table: Table, target: str) -> str:
    """One target's leaderboard: systems by the ranking column, CIs, significance, speed and size (and, when
    the systems scored different article sets, their own means below, unranked)."""
    rows = [r for r in table.rows if r.target == target]
    head = (
        "<tr><th>#</th><th>system</th><th>kind</th><th class=num>n</th>"
        + "".join(f"<th class=num>{escape(c.label)}</th>" for c in table.columns)
        + "<th class=num>articles/s</th>"
        + (f"<th class=num>{escape(COST)}</th>" if has_cost(table) else "")
        + "<th class=num>size</th></tr>"
    )
    return (
        f'<table class="board" id="leaderboard-{escape(target)}"><thead>{head}</thead>'
        f"<tbody>{''.join(_board_rows(table, rows))}</tbody></table>"
    )


def page(title: str, header: str, sections: Sequence[tuple[str, str, str]], script: str = "") -> str:
    """The whole document: ``header`` HTML, a table of contents, then ``sections`` (id, heading, inner HTML)."""
    toc = " ".join(f'<a href="#{escape(i)}">{escape(h)}</a>' for i, h, _ in sections)
    body = "".join(f'<section id="{escape(i)}"><h2>{escape(h)}</h2>{inner}</section>' for i, h, inner in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        f'<header>{header}</header><nav class="toc">{toc}</nav>{body}</main>'
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>\n"
    )


def legend_html(table: Table) -> str:
    return f'<p class="legend">{escape(legend(table))} Bold: best in its column.</p>'
