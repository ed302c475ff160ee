"""The four places the product grows, each extended from inside this module with one registration call and
seen end to end without touching any other module: a corpus format, a system kind, a metric and an output
format. One ``bench run`` reads the toy format, runs the toy system beside a real baseline, scores the toy
metric (its column appears with a CI in summary.json, the table, ``bench compare``, ``bench leaderboard`` and
the report) and writes the toy output format as a summary file.

The toy metric's expected values are worked out by hand from the toy corpus below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.cli import main
from bench.corpus.formats import RawRow, RawTable, register_format, unregister_format
from bench.metrics.base import Column, Metric, register_metric, unregister_metric
from bench.render import register_output, unregister_output
from bench.render.table import Table
from bench.report import build_report
from bench.run.rundir import open_run
from bench.systems.base import System, register, unregister

# id|headline|standfirst|body — headlines are 4 words, standfirsts 8, 9 and 9
TOY = """t1|Council approves river bridge|The city council approved a bridge on Monday.|The council met on Monday. It approved a bridge.
t2|Storm closes coastal schools|A storm closed every school on the coast today.|A storm hit the coast. Schools closed early.
t3|Markets rally after vote|Shares rose across Europe after the vote was counted.|Shares rose after the vote. Traders cheered.
"""


def read_pipe(path, config, problems) -> RawTable:
    table = RawTable(label=str(path), columns=["id", "headline", "standfirst", "body"])
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        table.rows.append(RawRow(f"{path}:{n}", dict(zip(table.columns, line.split("|"))), f"row-{n}"))
    return table


class FirstTwo(System):
    """A toy kind: the body's first two words."""

    @dataclass(frozen=True)
    class Config:
        words: int = 2

    def summarize(self, articles, task):
        return [" ".join(a.body.split()[: self.config.words]) for a in articles]


class LengthRatio(Metric):
    """A toy metric: prediction words / reference words."""

    @dataclass(frozen=True)
    class Config:
        bootstrap: int = 200
        seed: int = 3

    def columns(self):
        return [Column("len_ratio", "len ratio", description="prediction words / reference words", digits=3, show=True)]

    def score(self, items):
        return [{"len_ratio": len(it.prediction.split()) / len(it.references[0].split())} for it in items]

    def signature(self):
        return f"lenratio|boot:{self.config.bootstrap}|seed:{self.config.seed}|version:toy"


def to_pipes(table: Table) -> str:
    """A toy output format: target|system|len ratio mean."""
    return "".join(
        f"{r.target}|{r.label}|{r.cells['len_ratio'].mean:.4f}\n" for r in table.rows if "len_ratio" in r.cells
    )


@pytest.fixture
def toys():
    register_format("pipe4", read_pipe, suffixes=(".pipe4",), description="id|headline|standfirst|body lines")
    register("first-two")(FirstTwo)
    register_metric("lenratio")(LengthRatio)
    register_output("pipes", suffix="pipes", description="target|system|mean", summary=True)(to_pipes)
    yield
    unregister_format("pipe4")
    unregister("first-two")
    unregister_metric("lenratio")
    unregister_output("pipes")


@pytest.fixture
def run_dir(toys, tmp_path) -> Path:
    (tmp_path / "news.pipe4").write_text(TOY, encoding="utf-8")
    (tmp_path / "toy.yaml").write_text(
        "name: toy\ncorpus: {path: news.pipe4}\ntasks: {headline: {max_words: 12}, standfirst: {max_words: 40}}\n"
        "systems:\n  - {name: lead-1, kind: lead, sentences: 1}\n  - {name: two, kind: first-two}\n"
        "metrics: {rouge: {types: [rouge1], bootstrap: 200, seed: 3}, extra: false, lenratio: {}}\n"
    )
    assert (
        main(["run", str(tmp_path / "toy.yaml"), "--output", str(tmp_path / "results"), "-q", "--examples", "0"]) == 0
    )
    [found] = [p for p in (tmp_path / "results").iterdir() if p.name.startswith("toy-")]
    return found


# By hand: `two` writes 2 words against 4-word headlines (0.5 each) and 8/9/9-word standfirsts
# (2/8, 2/9, 2/9). lead-1 writes the first sentence: "The council met on Monday." (5 words), "A storm hit the
# coast." (5), "Shares rose after the vote." (5): 5/4 = 1.25 on headlines; 5/8, 5/9, 5/9 on standfirsts.
EXPECTED = {
    ("two", "headline"): 0.5,
    ("two", "standfirst"): (2 / 8 + 2 / 9 + 2 / 9) / 3,
    ("lead-1", "headline"): 1.25,
    ("lead-1", "standfirst"): (5 / 8 + 5 / 9 + 5 / 9) / 3,
}


def test_the_toy_metric_has_a_column_with_a_ci_in_the_summary(run_dir):
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["signatures"]["lenratio"] == "lenratio|boot:200|seed:3|version:toy"
    assert "len_ratio" in [c["key"] for c in summary["columns"]]
    for row in summary["rows"]:
        stats = row["scores"]["len_ratio"]
        assert stats["mean"] == pytest.approx(EXPECTED[(row["system"], row["target"])]) and stats["n"] == 3
        assert stats["low"] <= stats["mean"] <= stats["high"]
    scores = [json.loads(line) for line in (run_dir / "scores.jsonl").read_text().splitlines()]
    assert {s["article_id"] for s in scores} == {"t1", "t2", "t3"}  # read by the toy format
    assert all("len_ratio" in s and "rouge1_f" in s for s in scores)


def test_the_toy_output_format_is_written_as_a_summary_file(run_dir):
    lines = (run_dir / "summary.pipes").read_text().splitlines()
    assert "headline|two|0.5000" in lines and "headline|lead-1|1.2500" in lines


def test_compare_leaderboard_and_report_show_the_toy_column(run_dir, capsys):
    assert main(["compare", str(run_dir), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "| # | target | system | n | R-1 | len ratio | articles/s | size |"
    assert any("| headline | lead-1" in line and "1.250 [" in line for line in out.splitlines())
    assert main(["compare", str(run_dir), "--format", "pipes"]) == 0
    assert "standfirst|two|0.2315" in capsys.readouterr().out  # (2/8 + 2/9 + 2/9) / 3
    assert main(["leaderboard", str(run_dir)]) == 0
    board = capsys.readouterr().out
    assert "- **Signature (lenratio):** `lenratio|boot:200|seed:3|version:toy`" in board and "len ratio" in board
    html = build_report(open_run(run_dir))
    assert "<th class=num>len ratio</th>" in html and "1.250" in html
