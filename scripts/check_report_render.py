#!/usr/bin/env python3
"""Render a run's HTML report in headless chromium and check what a reader would see.

    python scripts/check_report_render.py RUN_DIR [--screenshot report.png]

Writes RUN_DIR/report.html (bench report), loads it in chromium with networking off, and checks the
rendered DOM: a leaderboard table per target with one row per system, the inline SVG charts, a block per
article in the browser, the last article opened by its address (#article=ID, built by the page's script from its
data) showing every system's output, and no reference to anything outside the file. Prints what it found; exits 1
on a problem.
"""

from __future__ import annotations

import argparse
import re
import sys
from html import escape
from pathlib import Path

from bench.report import write_report
from bench.report.chromium import dump_dom, render
from bench.run.rundir import Run, open_run

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)|url\(\s*["']?(?:https?:|//)|@import""", re.I)


def check(run_dir: Path, screenshot: Path) -> list[str]:
    """Problems found in the rendered report (empty when it renders as expected)."""
    run = open_run(run_dir)
    html = write_report(run_dir)
    text = html.read_text(encoding="utf-8")
    rendered = render(html, screenshot)
    dom = rendered.dom
    problems = []
    if EXTERNAL.search(text):
        problems.append(f"{html}: refers to something outside the file: {EXTERNAL.search(text).group(0)!r}")
    for target in run.targets:
        table = re.search(rf'<table class="board" id="leaderboard-{target}">(.*?)</table>', dom, re.S)
        rows = len(re.findall(r"<tr", table.group(1))) - 1 if table else 0
        expected = sum(1 for r in run.rows if r["target"] == target)
        print(f"leaderboard {target}: {rows} rows (summary.json has {expected})")
        if rows != expected:
            problems.append(f"leaderboard {target}: {rows} rows rendered, expected {expected}")
    charts = len(re.findall(r'<svg class="chart"', dom))
    articles = len(re.findall(r'<details class="article"', dom))
    distinct = run.predictions["article_hash"].nunique()
    print(f"charts: {charts}; article blocks: {articles} (predictions.jsonl has {distinct} articles)")
    print(
        f"screenshot: {rendered.screenshot} ({rendered.screenshot.stat().st_size} bytes); report: {html} "
        f"({html.stat().st_size} bytes)"
    )
    if charts < 2 * len(run.targets) + 1:
        problems.append(f"only {charts} charts rendered, expected {2 * len(run.targets) + 1}")
    if articles != distinct:
        problems.append(f"{articles} article blocks rendered, expected {distinct}")
    return problems + check_opened(html, run)


def check_opened(html: Path, run: Run) -> list[str]:
    """Open the last article by its address and look for every system's output for it in its block."""
    predictions = run.predictions
    if predictions.empty:
        return []
    last = str(predictions["article_id"].iloc[-1])
    dom = dump_dom(html, fragment=f"article={last}")
    found = re.search(
        rf'<details class="article"[^>]*open[^>]*><summary><span class="aid">{re.escape(escape(last))}'
        r"</span>.*?</details>",
        dom,
        re.S,
    )
    if not found:
        return [f"article {last}: not open after loading {html.name}#article={last}"]
    mine = predictions[predictions["article_id"] == last]
    missing = [
        f"{r.system}/{r.target}"
        for r in mine.itertuples()
        if escape(str(r.prediction), quote=False) not in found.group(0)
    ]
    print(f"article {last} opened from its address: {len(mine) - len(missing)} of {len(mine)} outputs shown")
    return [f"article {last}: outputs of {', '.join(missing)} not shown when opened"] if missing else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--screenshot", type=Path, default=Path("report.png"))
    args = parser.parse_args(argv)
    problems = check(args.run_dir, args.screenshot)
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    print("report renders as expected" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
