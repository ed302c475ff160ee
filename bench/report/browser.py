"""The report's article browser: each article's real headline and standfirst beside every system's
output for them, with its ROUGE scores. All text is HTML-escaped; works without JavaScript (a small
inline script only adds the filter box)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from bench.metrics.builtin import ROUGE_LABELS as LABELS

__all__ = ["Output", "ArticleView", "collect_articles", "browser_html", "FILTER_SCRIPT"]

FILTER_SCRIPT = """
document.getElementById('article-filter').addEventListener('input', function (event) {
  var q = event.target.value.trim().toLowerCase(), shown = 0;
  document.querySelectorAll('details.article').forEach(function (d) {
    var hit = !q || d.getAttribute('data-q').indexOf(q) !== -1;
    d.hidden = !hit; if (hit) { shown += 1; }
  });
  document.getElementById('article-count').textContent = shown;
});
"""


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


def collect_articles(predictions: pd.DataFrame, scores: pd.DataFrame, types: Sequence[str],
                     systems: Sequence[str]) -> list[ArticleView]:
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


def _target_html(view: ArticleView, target: str, types: Sequence[str]) -> str:
    reference = view.references.get(target)
    outputs = view.outputs.get(target, [])
    real = (f'<p class="reference"><span class="tag">real</span> {escape(reference)}</p>' if reference
            else f'<p class="reference missing">no {escape(target)} in the corpus: not scored</p>')
    best = max((o.f1.get(types[0]) or 0.0 for o in outputs), default=0.0) if types else 0.0
    head = "".join(f"<th>{escape(LABELS.get(t, t))}</th>" for t in types)
    rows = []
    for o in outputs:
        cells = "".join(f"<td class=num>{'–' if o.f1.get(t) is None else f'{100 * o.f1[t]:.1f}'}</td>" for t in types)
        top = ' class="best"' if types and best > 0 and (o.f1.get(types[0]) or 0.0) == best else ""
        rows.append(f"<tr{top}><td class=sys>{escape(o.system)}</td><td>{escape(o.prediction)}</td>{cells}</tr>")
    table = (f'<table class="outputs"><thead><tr><th>system</th><th>output</th>{head}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>') if rows else ""
    return f'<section class="target"><h4>{escape(target.capitalize())}</h4>{real}{table}</section>'


def browser_html(articles: Sequence[ArticleView], targets: Sequence[str], types: Sequence[str]) -> str:
    """The browser section: a filter box and one collapsible block per article (the first one open)."""
    blocks = []
    for i, view in enumerate(articles):
        title = next((view.references.get(t) for t in targets if view.references.get(t)), "") or ""
        search = " ".join([view.article_id] + [r for r in view.references.values() if r]).lower()
        body = "".join(_target_html(view, t, types) for t in targets)
        blocks.append(f'<details class="article" data-q="{escape(search)}"{" open" if i == 0 else ""}>'
                      f'<summary><span class="aid">{escape(view.article_id)}</span> {escape(title)}</summary>'
                      f'<div class="targets">{body}</div></details>')
    return ('<div class="filter"><label>Filter articles <input id="article-filter" type="search" '
            'placeholder="id or words of the real headline / standfirst"></label> '
            f'<span id="article-count">{len(articles)}</span> articles</div>'
            f'<div class="articles">{"".join(blocks)}</div>')
