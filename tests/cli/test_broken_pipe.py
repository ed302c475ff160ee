"""A reader that goes away (``bench corpus-stats ... | head -3``) ends every command quietly: no
``BrokenPipeError`` traceback, nothing on stderr, exit status 141 (128 + SIGPIPE, as a shell reports for
any Unix filter cut off by its reader)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cli import EXIT_READER_GONE


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 distinct clean articles: loading takes a moment and reports no problem on stderr."""
    path = tmp_path_factory.mktemp("corpus") / "many.jsonl"
    rows = [
        {
            "id": f"a{i:04d}",
            "headline": f"Headline {i} on topic {i % 13}",
            "standfirst": f"Standfirst {i}, two clauses long.",
            "body": f"Article {i} opens with item {i}. It adds {i * 7} facts.\n\nA paragraph on topic {i % 13}.",
        }
        for i in range(2000)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _with_closed_stdout(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bench ARGS`` whose stdout reader has already gone away when it first writes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd
    )
    proc.stdout.close()  # the reader goes away before bench has imported itself, let alone written
    err = proc.stderr.read()
    proc.stderr.close()
    return subprocess.CompletedProcess(proc.args, proc.wait(timeout=300), "", err)


@pytest.mark.parametrize("extra", [[], ["--json"]], ids=["text", "json"])
def test_corpus_stats_into_a_closed_pipe_exits_quietly(many_articles, extra):
    proc = _with_closed_stdout("corpus-stats", str(many_articles), *extra)
    assert proc.stderr == ""
    assert proc.returncode == EXIT_READER_GONE == 141


def test_systems_into_a_closed_pipe_exits_quietly():
    proc = _with_closed_stdout("systems")
    assert proc.stderr == "" and proc.returncode == 141


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"]], ids=["help", "run-help"])
def test_help_into_a_closed_pipe_says_nothing(args):
    proc = _with_closed_stdout(*args)
    assert proc.stderr == ""
    assert proc.returncode in (0, 141)  # argparse ignores a failed write of the help; the final flush may not


def test_run_into_a_closed_pipe_still_writes_its_run_directory(tmp_path, small_config):
    proc = _with_closed_stdout("run", str(small_config), "--output", str(tmp_path / "out"), "-q", "--examples", "0")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    assert proc.returncode == 141
    (run_dir,) = (tmp_path / "out").glob("small-*")
    assert (run_dir / "manifest.json").is_file()  # the table was cut, the run was not


def test_head_3_gets_its_lines_and_bench_says_nothing(many_articles):
    """The pipeline from the issue, through a shell: whether head or bench finishes first varies; both
    ways bench says nothing."""
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{sys.executable} -m bench corpus-stats {many_articles} | head -3"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.stdout.splitlines()[0] == f"corpus: {many_articles}" and len(proc.stdout.splitlines()) == 3
    assert proc.stderr == "" and proc.returncode in (0, 141)  # 141 when head left before bench finished writing
