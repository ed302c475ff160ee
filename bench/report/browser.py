"""The report's article browser: each article's real headline and standfirst beside every system's output for
them, with its ROUGE scores.

Every article stays in the page, but each distinct text (reference or prediction) is stored once, in one JSON
block (``<script type="application/json" id="article-data">``, ``<`` written as ``\\u003c`` so no text can
close it); the first ``STATIC_ARTICLES`` articles are also rendered as HTML so the page reads without
JavaScript, and the inline script (``browser_script``) builds the others' blocks when they are opened. The data:

``texts``: every distinct string; ``systems``: names; ``targets``: [name, heading] pairs; ``types``: score
column headings; ``articles``: one ``[id, refs, outputs]`` per article, ``refs`` a text index per target (-1:
none), ``outputs`` per target a flat list of ``system index, text index`` then one score per type (F1 ×1000,
i.e. tenths of the ×100 score shown; null: no score), systems in run order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd

from bench.metrics.rouge_columns import ROUGE_LABELS as LABELS
from bench.report.browser_script import BROWSER_SCRIPT

__all__ = [
    "FILTER_SCRIPT",
    "STATIC_ARTICLES",
    "ArticleView",
    "Output",
    "browser_data",
    "browser_html",
    "collect_articles",
    "json_script",
]

#: articles rendered as HTML in the page (the rest are built from the JSON data when opened)
STATIC_ARTICLES = 20

#: the browser's inline script (kept under this name: ``bench.report`` passes it to the page)
FILTER_SCRIPT = BROWSER_SCRIPT


@dataclass
class Output:
    system: str
    prediction: str
    f1: dict[str, float | None]


@dataclass
class ArticleView:
    """One article: its real references per target and each system's outputs per target."""

    article_id: str
    references: dict[str, str | None] = field(default_factory=dict)
    outputs: dict[str, list[Output]] = field(default_factory=dict)


def collect_articles(
    predictions: pd.DataFrame, scores: pd.DataFrame, types: Sequence[str], systems: Sequence[str]
) -> list[ArticleView]:
    """Join predictions with their per-article F1 scores; articles in corpus order, systems in ``systems``
    order."""
    if predictions.empty:
        return []
    columns = [f"{t}_f" for t in types if scores is not None and f"{t}_f" in scores.columns]
    keys = ["system", "target", "article_hash"]
    merged = predictions
    if columns:
        merged = predictions.merge(scores[keys + columns], on=keys, how="left")
    order = {s: i for i, s in enumerate(systems)}
    views: dict[str, ArticleView] = {}
    for row in merged.itertuples(index=False):
        rec = row._asdict()
        view = views.setdefault(str(rec["article_hash"]), ArticleView(str(rec["article_id"])))
        target = str(rec["target"])
        reference = rec.get("reference")
        view.references[target] = None if reference is None or pd.isna(reference) else str(reference)
        f1 = {t: _number(rec.get(f"{t}_f")) for t in types}
        view.outputs.setdefault(target, []).append(Output(str(rec["system"]), str(rec["prediction"]), f1))
    for view in views.values():
        for outputs in view.outputs.values():
            outputs.sort(key=lambda o: order.get(o.system, len(order)))
    return list(views.values())


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def tenths(f1: float | None) -> int | None:
    """F1 as the integer tenths of the ×100 score shown (0.1234 -> 123), rounded exactly as ``{:.1f}`` shows it."""
    if f1 is None or not math.isfinite(f1):
        return None
    return int(f"{100 * f1:.1f}".replace(".", ""))


def _score_text(value: int | None) -> str:
    return "–" if value is None else f"{value / 10:.1f}"


def _target_html(view: ArticleView, target: str, types: Sequence[str]) -> str:
    reference = view.references.get(target)
    outputs = view.outputs.get(target, [])
    real = (
        f'<p class="reference"><span class="tag">real</span> {escape(reference)}</p>'
        if reference
        else f'<p class="reference missing">no {escape(target)} in the corpus: not scored</p>'
    )
    shown = [[tenths(o.f1.get(t)) for t in types] for o in outputs]
    best = max((s[0] or 0 for s in shown), default=0) if types else 0
    head = "".join(f"<th>{escape(LABELS.get(t, t))}</th>" for t in types)
    rows = []
    for o, scores in zip(outputs, shown):
        cells = "".join(f"<td class=num>{_score_text(v)}</td>" for v in scores)
        top = ' class="best"' if types and best > 0 and (scores[0] or 0) == best else ""
        rows.append(f"<tr{top}><td class=sys>{escape(o.system)}</td><td>{escape(o.prediction)}</td>{cells}</tr>")
    table = (
        (
            f'<table class="outputs"><thead><tr><th>system</th><th>output</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        if rows
        else ""
    )
    return f'<section class="target"><h4>{escape(target.capitalize())}</h4>{real}{table}</section>'


def _title(view: ArticleView, targets: Sequence[str]) -> str:
    return next((view.references.get(t) for t in targets if view.references.get(t)), "") or ""


def _block_html(i: int, view: ArticleView, targets: Sequence[str], types: Sequence[str]) -> str:
    body = "".join(_target_html(view, t, types) for t in targets)
    return (
        f'<details class="article" data-i="{i}" data-ready{" open" if i == 0 else ""}>'
        f'<summary><span class="aid">{escape(view.article_id)}</span> {escape(_title(view, targets))}</summary>'
        f'<div class="targets">{body}</div></details>'
    )


def browser_data(articles: Sequence[ArticleView], targets: Sequence[str], types: Sequence[str]) -> dict[str, Any]:
    """The browser's JSON data (layout in the module docstring): every distinct text once."""
    texts: dict[str, int] = {}
    systems: dict[str, int] = {}

    def index(value: str) -> int:
        return texts.setdefault(value, len(texts))

    rows = []
    for view in articles:
        outputs = []
        for target in targets:
            flat: list[int | None] = []
            for o in view.outputs.get(target, []):
                flat += [systems.setdefault(o.system, len(systems)), index(o.prediction)]
                flat += [tenths(o.f1.get(t)) for t in types]
            outputs.append(flat)
        refs = [view.references.get(t) for t in targets]
        rows.append([view.article_id, [index(r) if r else -1 for r in refs], outputs])
    return {
        "texts": list(texts),
        "systems": list(systems),
        "targets": [[t, t.capitalize()] for t in targets],
        "types": [LABELS.get(t, t) for t in types],
        "articles": rows,
    }


def json_script(element_id: str, data: Any) -> str:
    """``data`` as a JSON ``<script>`` block that no string inside it can end early (``<``, ``>``, ``&`` escaped)."""
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    blob = blob.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{escape(element_id)}">{blob}</script>'


def browser_html(
    articles: Sequence[ArticleView], targets: Sequence[str], types: Sequence[str], static: int = STATIC_ARTICLES
) -> str:
    """The browser section: a filter box, the first ``static`` articles as HTML (the first one open), and every
    article in the JSON data the script builds the other blocks from."""
    blocks = "".join(_block_html(i, view, targets, types) for i, view in enumerate(articles[:static]))
    hidden = len(articles) - min(static, len(articles))
    note = (
        (
            f'<noscript><p class="legend">Showing the first {static:,} of {len(articles):,} articles; the other '
            f"{hidden:,} are stored in this file and open with JavaScript.</p></noscript>"
        )
        if hidden
        else ""
    )
    return (
        '<div class="filter"><label>Filter articles <input id="article-filter" type="search" '
        'placeholder="id or words of the real headline / standfirst"></label> '
        f'<span id="article-count">{len(articles)}</span> articles</div>{note}'
        f'<div class="articles" id="article-list">{blocks}</div>'
        + json_script("article-data", browser_data(articles, targets, types))
    )
