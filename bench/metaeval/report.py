"""``bench meta-eval --report FILE``: the meta-evaluation as one self-contained HTML page.

One table per (group, aspect, level): each metric column's Kendall τ-b, Spearman and Pearson with its 95%
bootstrap interval (over systems and documents), the best value per coefficient in bold; then the paired
permutation tests that were run (``--test A B`` or the config's ``tests:``) with Δ, p and whether the two
metrics' correlations differ significantly; then the signatures and notes. The page reuses the run
report's shell and style (:func:`bench.report.html.page`); nothing is fetched from the network.
"""

from __future__ import annotations

import math
from html import escape

from bench.metaeval.correlations import COEFFICIENTS
from bench.metaeval.evaluate import MetaEval, PairTest, Row
from bench.metaeval.render import sections, title
from bench.report.html import page

__all__ = ["ALPHA", "report_html", "section_id"]

ALPHA = 0.05  # a paired test with p below this says the two metrics differ significantly
_NAMES = {"kendall": "Kendall τ-b", "spearman": "Spearman", "pearson": "Pearson"}


def section_id(group: str | None, aspect: str, level: str) -> str:
    """The HTML id of one table: ``corr-<group>-<aspect>-<level>`` (characters outside [A-Za-z0-9_-] dropped)."""
    parts = [p for p in (group, aspect, level) if p]
    return "corr-" + "-".join("".join(ch for ch in p if ch.isalnum() or ch in "_-") for p in parts)


def _cell(r: Row, c: str, best: float | None) -> str:
    v, (lo, hi) = r.values[c], r.ci[c]
    if math.isnan(v):
        return '<td class="num">n/a</td>'
    ci = "" if math.isnan(lo) else f' <span class="ci">[{lo:+.2f}, {hi:+.2f}]</span>'
    cls = "num best" if best is not None and abs(v - best) < 1e-12 else "num"
    return f'<td class="{cls}" data-coefficient="{c}">{v:+.3f}{ci}</td>'


def _table(key: tuple[str | None, str, str], rows: list[Row]) -> str:
    best = {}
    for c in COEFFICIENTS:
        defined = [r.values[c] for r in rows if not math.isnan(r.values[c])]
        best[c] = max(defined) if defined else None
    head = "<tr><th>metric</th>" + "".join(f'<th class="num">{_NAMES[c]} [95% CI]</th>' for c in COEFFICIENTS)
    body = "".join(
        f'<tr data-metric="{escape(r.metric)}"><td class="sys">{escape(r.metric)}</td>'
        + "".join(_cell(r, c, best[c]) for c in COEFFICIENTS)
        + "</tr>"
        for r in rows
    )
    return (
        f"<h3>{escape(title(key, rows))}</h3>"
        f'<table class="board" id="{escape(section_id(*key))}"><thead>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def _verdict(t: PairTest) -> str:
    if math.isnan(t.p_value):
        return "undefined (a correlation is undefined)"
    if t.p_value < ALPHA:
        better = t.metric_a if t.delta > 0 else t.metric_b
        return f'<span class="sig">differ significantly</span> ({escape(better)} agrees more)'
    return "no significant difference"


def _tests_html(result: MetaEval) -> str:
    if not result.tests:
        return (
            '<p class="legend">No paired tests were run. Ask for one with <code>--test METRIC_A METRIC_B</code> '
            "(or <code>tests:</code> in the meta-eval config), e.g. <code>--test rouge2.recall bertscore.f1</code>."
            "</p>"
        )
    head = "<tr><th>metric A</th><th>metric B</th><th>group</th><th>aspect</th><th>level</th><th>coefficient</th>"
    head += '<th class="num">Δ (A − B)</th><th class="num">p</th><th>at α = 0.05</th></tr>'
    rows = []
    for t in result.tests:
        delta = "n/a" if math.isnan(t.delta) else f"{t.delta:+.3f}"
        p = "n/a" if math.isnan(t.p_value) else f"{t.p_value:.4f}"
        significant = "yes" if not math.isnan(t.p_value) and t.p_value < ALPHA else "no"
        rows.append(
            f'<tr data-significant="{significant}"><td>{escape(t.metric_a)}</td><td>{escape(t.metric_b)}</td>'
            f"<td>{escape(t.group or '–')}</td><td>{escape(t.aspect)}</td><td>{escape(t.level)}</td>"
            f'<td>{escape(t.coefficient)}</td><td class="num">{delta}</td><td class="num">{p}</td>'
            f"<td>{_verdict(t)}</td></tr>"
        )
    legend = (
        '<p class="legend">Paired permutation tests (Deutsch, Dror &amp; Roth 2021, PERM-BOTH; two-sided): each '
        "summary's two metric scores (z-scored) are swapped at random; p is the share of swaps whose difference "
        "in correlation is at least the observed one. Systems are held fixed: with few systems read the "
        "system-level intervals too.</p>"
    )
    return f'<table class="board" id="paired-tests"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>{legend}'


def _header(result: MetaEval, source: str) -> str:
    facts = [("judgments", source), ("judged summaries", str(result.n_summaries))]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    rows += "".join(
        f"<dt>signature ({escape(k)})</dt><dd><code>{escape(v)}</code></dd>" for k, v in result.signature.items()
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in dict.fromkeys(result.notes))
    return (
        "<h1>Meta-evaluation: how far each metric agrees with people</h1>"
        '<p class="sub">Kendall τ-b, Spearman and Pearson between each metric and the human scores, at system '
        "level (per-system means), summary level (across systems per document, averaged) and global level "
        "(all summaries pooled); 95% intervals by bootstrap over systems and documents.</p>"
        f'<dl class="meta">{rows}</dl>' + (f'<ul class="legend">{notes}</ul>' if notes else "")
    )


def report_html(result: MetaEval, source: str) -> str:
    """The whole page for ``result``; ``source`` names the judgments file in the header."""
    tables = "".join(_table(key, rows) for key, rows in sections(result.rows).items())
    if not tables:
        tables = '<p class="legend">No correlations: every metric column was undefined or constant.</p>'
    legend = '<p class="legend">Bold: the highest value of its coefficient in the table.</p>'
    parts = [
        ("correlations", "Correlations with human judgments", tables + legend),
        ("tests", "Do two metrics differ?", _tests_html(result)),
    ]
    return page("headline-bench meta-evaluation", _header(result, source), parts)
