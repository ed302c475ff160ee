"""``bench compare`` on real runs: the three formats, the baseline option, and one-line errors."""

import csv
import io
import json
from pathlib import Path

import pytest

import bench
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
    assert (
        main(
            [
                "compare",
                str(first),
                str(second),
                "--format",
                "markdown",
                "--baseline",
                "lead-words",
                "--target",
                "headline",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "| headline |" in line]
    assert len(lines) == 4  # 2 systems × 2 runs, headline only
    assert any("| headline | lead-words (baseline) | #1 |" in line for line in lines)
    assert f"Runs: #1 {first.name}; #2 {second.name}" in out
    summary = json.loads((first / "summary.json").read_text())
    assert summary["signature"] in out


def test_csv_to_a_file(two_runs, tmp_path, capsys):
    first, _ = two_runs
    out_file = tmp_path / "cmp.csv"
    assert main(["compare", str(first), "--format", "csv", "-o", str(out_file), "--columns", "rouge1_f"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out_file}"
    rows = list(csv.DictReader(io.StringIO(out_file.read_text())))
    assert len(rows) == 4 and {r["system"] for r in rows} == {"lead-1", "lead-words"}
    summary = {(r["system"], r["target"]): r for r in json.loads((first / "summary.json").read_text())["rows"]}
    for r in rows:
        assert float(r["rouge1_f"]) == summary[(r["system"], r["target"])]["scores"]["rouge1_f"]["mean"]
        assert r["fingerprint"] == summary[(r["system"], r["target"])]["fingerprint"]
    assert "rouge2_f" not in rows[0]


def test_terminal_table_piped_uses_the_full_width(two_runs, tmp_path):
    import subprocess
    import sys

    first, _ = two_runs
    done = subprocess.run(
        [sys.executable, "-m", "bench", "compare", str(first)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "80", "PYTHONPATH": str(Path(bench.__file__).resolve().parents[1])},
    )
    assert done.returncode == 0, done.stderr
    assert "lead-1 (baseline)" in done.stdout and "R-Lsum" in done.stdout
    table_lines = [line for line in done.stdout.splitlines() if "lead-1 (baseline)" in line]
    assert len(table_lines) == 2 and all(len(line) > 80 for line in table_lines)  # not squeezed to 80 columns


@pytest.mark.parametrize(
    "args, message",
    [
        (["{tmp}/nope"], "nope: no such run directory"),
        (["{tmp}/results"], "is a results folder holding 2 run directories"),
        (["{first}", "--baseline", "lead-2"], "--baseline 'lead-2': no such system"),
        (["{first}", "--alpha", "5"], "--alpha: a significance level between 0 and 1"),
    ],
)
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
    summary["signatures"]["rouge"] = summary["signatures"]["rouge"].replace("stem:porter", "stem:none")
    path.write_text(json.dumps(summary))
    assert main(["compare", str(first), str(second)]) == 2
    err = capsys.readouterr().err
    assert "different rouge signature" in err and "stem: porter ≠ none" in err
