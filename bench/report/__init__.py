"""``bench report``: one self-contained HTML file per run directory.

Leaderboard per target, per-article score distributions, length vs ROUGE, quality vs speed, and an
article browser with each article's real headline and standfirst beside every system's output. No
network: CSS, charts (SVG) and the filter script are inline.
"""

from __future__ import annotations

import statistics
from html import escape
from pathlib import Path

import pandas as pd

from bench.errors import RunError
from bench.files import write_text_atomic
from bench.render.compare import build_comparison
from bench.render.table import RANKED, Table
from bench.report.browser import FILTER_SCRIPT, browser_html, collect_articles
from bench.report.html import header_html, leaderboard_html, legend_html, page
from bench.report.plots import SpeedPoint, distribution_chart, length_chart, speed_chart
from bench.report.svg import colour_map
from bench.run.rundir import REPORT_FILE, Run, open_run

__all__ = ["build_report", "write_report", "browser_types"]


def _charts(run: Run, table: Table) -> str:
    """Distribution and length charts per target, then one quality-vs-speed chart."""
    primary = next((c for c in table.columns if c.rank), table.columns[0])
    metric, column = primary.label, primary.key
    colours = colour_map(run.systems)
    scores, preds = run.scores, run.predictions
    parts = []
    for target in table.targets:
        ok = [r for r in table.rows if r.target == target and r.status == "ok" and r.block == RANKED]
        part = scores[scores["target"] == target] if not scores.empty else scores
        values = {r.system: part.loc[part["system"] == r.system, column].astype(float).tolist() for r in ok}
        parts.append(f"<h3>{escape(target.capitalize())}</h3>")
        parts.append(distribution_chart(values, metric, target, colours))
        points, median = _length_points(preds, part, target, column, [r.system for r in ok])
        parts.append(length_chart(points, metric, target, reference_median=median, colours=colours))
    points = [
        SpeedPoint(r.system, r.target, r.articles_per_s, r.cells[column].mean)
        for r in table.rows
        if r.status == "ok" and r.block == RANKED and r.cells[column].mean is not None
    ]
    parts.append("<h3>Quality vs speed</h3>" + speed_chart(points, metric, colours))
    return "".join(parts)


def _length_points(
    preds: pd.DataFrame, scores: pd.DataFrame, target: str, column: str, systems: list[str]
) -> tuple[dict[str, list[tuple[int, float]]], float | None]:
    """({system: [(prediction words, F1)]}, median words of the real references) for one target."""
    part = preds[preds["target"] == target] if not preds.empty else preds
    if part.empty or scores.empty:
        return {}, None
    merged = part.merge(
        scores[["system", "target", "article_hash", column]], on=["system", "target", "article_hash"], how="inner"
    )
    merged = merged.assign(words=merged["prediction"].fillna("").astype(str).str.split().str.len())
    points = {
        s: list(zip(g["words"].astype(int), g[column].astype(float)))
        for s, g in merged.groupby("system", sort=False)
        if s in systems
    }
    points = {s: points[s] for s in systems if s in points}
    refs = part.drop_duplicates("article_hash")["reference"].dropna().astype(str)
    median = statistics.median(len(r.split()) for r in refs) if len(refs) else None
    return points, median


def browser_types(table: Table) -> list[str]:
    """The ROUGE types whose F1 the article browser shows beside each output."""
    return [c.key[:-2] for c in table.columns if c.metric == "rouge" and c.key.endswith("_f")]


def build_report(run: Run, *, baseline: str | None = None) -> str:
    """The report's HTML text for ``run``."""
    table = build_comparison([run], baseline=baseline)
    boards = "".join(f"<h3>{escape(t.capitalize())}</h3>{leaderboard_html(table, t)}" for t in table.targets)
    types = browser_types(table)
    articles = collect_articles(run.predictions, run.scores, types, run.systems)
    sections = [
        ("leaderboard", "Leaderboard", boards + legend_html(table)),
        ("charts", "Scores, length and speed", _charts(run, table)),
        ("articles", "Article browser", browser_html(articles, table.targets, types)),
    ]
    title = f"{run.manifest.get('config') or run.name} — headline-bench report"
    return page(title, header_html(run), sections, script=FILTER_SCRIPT)


def write_report(run_dir: str | Path, output: str | Path | None = None, *, baseline: str | None = None) -> Path:
    """Write the report of the run at ``run_dir`` to ``output`` (default ``<run_dir>/report.html``)."""
    run = open_run(run_dir)
    target = Path(output) if output is not None else run.path / REPORT_FILE
    html = build_report(run, baseline=baseline)
    if target.is_dir():
        target = target / REPORT_FILE
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, html)
    except OSError as exc:
        raise RunError(
            f"{target}: cannot write the report ({exc.strerror}); pass --output with a writable path"
        ) from None
    return target
