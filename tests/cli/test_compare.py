"""``bench compare`` on real runs: the three formats, the baseline option, and one-line errors."""

import csv
import io
import json

import pytest

from bench.cli import main
from bench.config import load_config
from bench.run.execute import execute


@pytest.fixture
def two_runs(tmp_path, small_config):
    cfg = load_config(small_config)
    first = execute(cfg, output_root=tmp_path / "results").run_dir
    second = execute(cfg, output_root=tmp_path / "results").run_dir  # all reused from the cache
    return first, second


def test_markdown_of_two_runs(two_runs, capsys):
    first, second = two_runs
    assert main(["compare", str(first), str(second), "--format", "markdown", "--baseline", "lead-words",
                 "--target", "headline"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("| headline")]
    assert len(lines) == 4  # 2 systems × 2 runs, headline only
    assert any(line.startswith("| headline | lead-words (baseline) | #1 |") for line in lines)
    assert f"Runs: #1 {first.name}; #2 {second.name}" in out
    summary = json.loads((first / "summary.json").read_text())
    assert summary["signature"] in out


def test_csv_to_a_file(two_runs, tmp_path, capsys):
    first, _ = two_runs
    out_file = tmp_path / "cmp.csv"
    assert main(["compare", str(first), "--format", "csv", "-o", str(out_file), "--metric", "rouge1"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out_file}"
    rows = list(csv.DictReader(io.StringIO(out_file.read_text())))
    assert len(rows) == 4 and {r["system"] for r in rows} == {"lead-1", "lead-words"}
    summary = {(r["system"], r["target"]): r for r in json.loads((first / "summary.json").read_text())["rows"]}
    for r in rows:
        assert float(r["rouge1_f1"]) == summary[(r["system"], r["target"])]["rouge1"]["f1"]
        assert r["fingerprint"] == summary[(r["system"], r["target"])]["fingerprint"]
    assert "rouge2_f1" not in rows[0]


def test_terminal_table(two_runs, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich fits the table to the terminal width
    first, _ = two_runs
    assert main(["compare", str(first)]) == 0
    out = capsys.readouterr().out
    assert "Comparison: ROUGE F1" in out and "lead-1 (baseline)" in out


@pytest.mark.parametrize("args, message", [
    (["{tmp}/nope"], "nope: no such run directory"),
    (["{tmp}/results"], "is a results folder holding 2 run directories"),
    (["{first}", "--baseline", "lead-2"], "--baseline 'lead-2': no such system"),
    (["{first}", "--alpha", "5"], "--alpha: a significance level between 0 and 1"),
])
def test_errors_are_one_line_exit_2(two_runs, tmp_path, capsys, args, message):
    first, _ = two_runs
    argv = ["compare"] + [a.format(tmp=tmp_path, first=first) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bench compare: error: ") and message in err and "\n" not in err


def test_different_signatures_are_refused(two_runs, capsys):
    first, second = two_runs
    path = second / "summary.json"
    summary = json.loads(path.read_text())
    summary["signature"] = summary["signature"].replace("stem:porter", "stem:none")
    path.write_text(json.dumps(summary))
    assert main(["compare", str(first), str(second)]) == 2
    err = capsys.readouterr().err
    assert "different ROUGE signature" in err and "stem: porter ≠ none" in err
