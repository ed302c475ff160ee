"""``bench report`` on a real run: writes one HTML file; user mistakes are one line, exit 2."""

import pytest

from bench.cli import main
from bench.config import load_config
from bench.run.execute import execute


@pytest.fixture
def run_dir(tmp_path, small_config):
    return execute(load_config(small_config), output_root=tmp_path / "results").run_dir


def test_report_default_and_output(run_dir, tmp_path, capsys):
    assert main(["report", str(run_dir)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {run_dir / 'report.html'}"
    target = tmp_path / "out" / "r.html"
    assert main(["report", str(run_dir), "--output", str(target), "--baseline", "lead-words"]) == 0
    html = target.read_text()
    assert html.startswith("<!DOCTYPE html>") and 'id="leaderboard-headline"' in html
    assert "baseline lead-words at p" in html


def test_missing_run_dir(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope")]) == 2
    assert "bench report: error: " in capsys.readouterr().err


def test_unwritable_output(run_dir, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["report", str(run_dir), "-o", str(blocker / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "cannot write the report" in err and "--output" in err


def test_incomplete_run_is_named(run_dir, capsys):
    (run_dir / "summary.json").unlink()
    assert main(["report", str(run_dir)]) == 2
    assert "incomplete run directory, missing summary.json" in capsys.readouterr().err
