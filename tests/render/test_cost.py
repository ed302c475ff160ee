"""The cost column: shown by summary.csv, summary.md, the terminal table and ``bench compare`` only when some
system's predictions carry a cost (a priced server system), with the price it was computed at; absent from
a run where none does. The priced system here is a real registered kind that reports per-prediction token
counts priced like a server's, so the cost goes through the runner, the cache and summary.json."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.article import Article
from bench.config import load_config
from bench.render.compare import build_comparison
from bench.render.table import format_cost
from bench.render.terminal import to_text
from bench.report import build_report
from bench.run.execute import execute
from bench.run.rundir import open_run
from bench.systems.base import System, register, unregister
from bench.systems.server.settings import Price
from tests.conftest import ARTICLES

PRICE = {"input": 2.0, "output": 10.0}  # USD per 1M tokens


class PricedWords(System):
    """The body's first words; a 'token' is a whitespace word, priced like a server's usage."""

    @dataclass(frozen=True)
    class Config:
        price: Price = field(default_factory=Price)

    def summarize(self, articles, task):
        out = [" ".join(a.body.split()[: task.max_words]) for a in articles]
        self._extras = [self._usage(a, text) for a, text in zip(articles, out)]
        return out

    def _usage(self, article, text):
        prompt, completion = len(article.body.split()), len(text.split())
        cost = self.config.price.cost(prompt, completion)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "cost_usd": cost}

    def prediction_extras(self):
        return self._extras


@pytest.fixture
def priced_kind():
    register("priced-words")(PricedWords)
    yield
    unregister("priced-words")


def _config(tmp_path: Path, corpus: Path, systems: str, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\ncorpus: {{path: {corpus}}}\ntasks: {{headline: {{max_words: 6}}}}\n"
        f"systems:\n{systems}\nmetrics:\n  rouge: {{bootstrap: 200, seed: 7}}\n"
    )
    return path


def _expected_cost() -> float:
    """What the priced system's headlines cost, from the corpus itself (articles without a headline are skipped)."""
    total = 0.0
    for a in (Article(**row) for row in ARTICLES):
        if a.headline:
            words = len(a.body.split())
            total += (words * PRICE["input"] + min(words, 6) * PRICE["output"]) / 1e6
    return total


@pytest.fixture
def priced_run(tmp_path, small_corpus, priced_kind) -> Path:
    systems = (
        "  - {name: lead-1, kind: lead, sentences: 1}\n"
        f"  - {{name: api, kind: priced-words, price: {{input: {PRICE['input']}, output: {PRICE['output']}}}}}"
    )
    return execute(load_config(_config(tmp_path, small_corpus, systems, "priced")), output_root=tmp_path / "r").run_dir


def test_a_priced_system_gets_a_cost_column_with_its_price(priced_run):
    rows = {r["system"]: r for r in json.loads((priced_run / "summary.json").read_text())["rows"]}
    assert rows["api"]["cost_usd"] == pytest.approx(_expected_cost()) and "cost_usd" not in rows["lead-1"]
    by = {r["system"]: r for r in csv.DictReader(io.StringIO((priced_run / "summary.csv").read_text()))}
    assert (
        float(by["api"]["cost_usd"]) == pytest.approx(_expected_cost())
        and by["api"]["price_usd_per_1m_in_out"] == "$2/$10"
    )
    assert by["lead-1"]["cost_usd"] == "" and by["lead-1"]["price_usd_per_1m_in_out"] == ""
    md = (priced_run / "summary.md").read_text()
    head = md.splitlines()[0]
    assert head.endswith("| articles/s | cost $ | size |")
    line = next(x for x in md.splitlines() if "| api |" in x)
    assert f"| {format_cost(_expected_cost())} |" in line
    assert "| – | – |" in next(x for x in md.splitlines() if "| lead-1 |" in x)  # no speed recorded, no price
    assert "Cost: US dollars" in md and "api $2/$10" in md
    assert "cost $" in to_text(build_comparison([open_run(priced_run)], test=False))


def test_a_run_without_prices_has_no_cost_column_and_compare_adds_it_when_one_run_has_it(tmp_path, priced_run):
    preds = priced_run / "predictions.jsonl"
    systems = f"  - {{name: from-file, kind: predictions, path: {preds}, system: api}}"
    corpus = load_config(priced_run / "config.yaml").corpus.path
    plain = execute(load_config(_config(tmp_path, Path(corpus), systems, "plain")), output_root=tmp_path / "r2").run_dir
    assert "cost_usd" not in (plain / "summary.csv").read_text().splitlines()[0]
    md = (plain / "summary.md").read_text()
    assert md.splitlines()[0].endswith("| articles/s | size |") and "Cost:" not in md
    done = subprocess.run(
        [sys.executable, "-m", "bench", "compare", str(plain), str(priced_run), "--format", "markdown"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "cost $" in lines[0]
    assert f"| {format_cost(_expected_cost())} |" in next(x for x in lines if "| api |" in x)
    assert "| – |" in next(x for x in lines if "| from-file" in x)  # the baseline here: "from-file (baseline)"


def _report_board(run_dir: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The report's headline leaderboard: its header cells and each system's cells (tags stripped)."""
    html = build_report(open_run(run_dir))
    board = re.search(r'<table class="board" id="leaderboard-headline">(.*?)</table>', html, re.S).group(1)
    cells = [
        [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)] for tr in board.split("<tr")
    ]
    head, *rows = [c for c in cells if c]
    return head, {r[1]: r for r in rows}


def test_the_report_leaderboard_has_the_cost_column_only_when_a_system_has_a_price(tmp_path, priced_run):
    head, rows = _report_board(priced_run)
    assert head[-3:] == ["articles/s", "cost $", "size"]
    assert rows["api"][head.index("cost $")] == format_cost(_expected_cost())
    assert rows["lead-1"][head.index("cost $")] == "–" and len(rows["lead-1"]) == len(head)
    assert "Cost: US dollars" in build_report(open_run(priced_run))
    preds = priced_run / "predictions.jsonl"
    systems = f"  - {{name: from-file, kind: predictions, path: {preds}, system: api}}"
    corpus = load_config(priced_run / "config.yaml").corpus.path
    plain = execute(load_config(_config(tmp_path, Path(corpus), systems, "plain")), output_root=tmp_path / "r2").run_dir
    head, rows = _report_board(plain)
    assert "cost $" not in head and head[-2:] == ["articles/s", "size"] and len(rows["from-file"]) == len(head)


def test_cost_format():
    assert format_cost(None) == "–" and format_cost(0.000384) == "0.000384" and format_cost(12.345) == "12.35"
