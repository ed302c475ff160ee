"""Progress when stderr is not a terminal: one plain, complete line per finished system × target, instead
of rich bars that are drawn only at the end and cut to the console width."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys

from bench.cli.progress import PlainProgress, RichProgress, make_progress
from bench.run.generate import NullProgress


def test_make_progress_picks_by_where_it_writes():
    assert isinstance(make_progress(quiet=True), NullProgress)
    assert isinstance(make_progress(quiet=False, stream=io.StringIO()), PlainProgress)


def test_make_progress_draws_bars_on_a_terminal():
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w", closefd=False) as tty:
            assert isinstance(make_progress(quiet=False, stream=tty), RichProgress)
    finally:
        os.close(leader)
        os.close(follower)


def test_plain_lines_say_system_target_count_and_speed():
    out = io.StringIO()
    progress = PlainProgress(out)
    progress.start("lead-1 · headline", total=40, done=12)
    progress.advance(20)
    progress.advance(8)
    assert progress.line(2.0) == "lead-1 · headline: 40/40 articles (12 cached; 28 generated in 2.00 s, 14.0 art/s)"
    progress.finish()
    progress.start("lead-1 · standfirst", total=40, done=40)
    progress.finish()
    progress.start("big · headline", total=10)
    progress.advance(3)  # then the system failed
    assert progress.line(12.0) == "big · headline: 3/10 articles (0 cached; 3 generated in 12.00 s, 0.25 art/s)"
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("lead-1 · headline: 40/40 articles (12 cached; 28 generated in ")
    assert lines[1] == "lead-1 · standfirst: 40/40 articles (all cached)"


def test_bench_run_with_stderr_to_a_pipe_prints_one_line_per_unit(tmp_path, small_config):
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "run", str(small_config), "--output", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stderr and "\r" not in proc.stderr and "━" not in proc.stderr  # no bar remnants
    unit = re.compile(
        r"^(lead-1|lead-words) · (headline|standfirst): (\d)/(\d) articles \(0 cached; "
        r"(\d) generated in \d+\.\d\d s, [\d.]+ art/s\)$"
    )
    found = [unit.match(line) for line in proc.stderr.splitlines() if " · " in line]
    assert all(found) and len(found) == 4, proc.stderr
    # small corpus: 2 articles have a headline, 3 a standfirst; each generated, none cached
    expected = {"headline": "2", "standfirst": "3"}
    assert [(m[1], m[2]) for m in found] == [
        ("lead-1", "headline"),
        ("lead-1", "standfirst"),
        ("lead-words", "headline"),
        ("lead-words", "standfirst"),
    ]
    assert all(m[3] == m[4] == m[5] == expected[m[2]] for m in found)
