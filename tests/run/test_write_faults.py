"""Real disk faults under ``--output``: a full disk (a small tmpfs), a read-only file system (a read-only
tmpfs), a file-size limit (``RLIMIT_FSIZE`` in a subprocess, SIGXFSZ ignored so write() fails with EFBIG)
and ``--output`` naming a file. Each ends ``bench run`` with one line naming the path and the reason,
leaves no temp file and no torn cache line, and a rerun on a healthy disk reuses what was cached.

The tmpfs tests mount a file system, which needs root (or CAP_SYS_ADMIN); they skip with that reason
elsewhere, and the RLIMIT_FSIZE tests exercise the same writers without privileges.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.config import load_config
from bench.errors import RunError
from bench.files import write_text_atomic
from bench.run.cache import PredictionCache, note_kept_on_failure
from bench.run.execute import execute
from bench.run.rundir import create_run_dir
from tests.run.slow_system import write_corpus

PAGE = 4096
TASK = "headline:w12"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """``tmpfs(kib, ro=False)`` mounts a fresh tmpfs of that size and returns its path."""
    mounted: list[Path] = []

    def mount(kib: int, ro: bool = False) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        options = f"size={kib}k" + (",ro" if ro else "")
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {proc.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=True)


def _fill(disk: Path, leave_pages: int = 0) -> Path:
    """Fill ``disk`` page by page until it is full, then give back ``leave_pages`` pages."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * PAGE)
        except OSError:
            pass
    size = filler.stat().st_size // PAGE * PAGE
    os.truncate(filler, max(size - leave_pages * PAGE, 0))
    return filler


def _bench(*args: str, fsize: int | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m bench ARGS`` with its stdout and stderr; ``fsize`` caps every file it writes (bytes)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        preexec_fn=limit if fsize is not None else None,
        timeout=300,
        check=False,
    )


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("bench run: error: ")
    return lines[0]


def _no_temp_files(root: Path) -> None:
    assert [p for p in root.rglob("*") if p.name.endswith(".tmp")] == []


def _cache_lines(out: Path) -> list[dict]:
    lines = []
    for path in sorted((out / ".cache").glob("*.jsonl")):
        data = path.read_text(encoding="utf-8")
        assert data == "" or data.endswith("\n"), f"{path}: torn last line"
        lines += [json.loads(line) for line in data.splitlines()]
    return lines


def _corpus_config(folder: Path, articles: int) -> Path:
    write_corpus(folder / "corpus.jsonl", articles)
    path = folder / "many.yaml"
    path.write_text(
        textwrap.dedent("""
        name: many
        corpus: {path: corpus.jsonl}
        tasks: {headline: {max_words: 8}}
        systems:
          - {name: lead-1, kind: lead, sentences: 1}
        metrics: {rouge: {types: [rouge1], bootstrap: 50, seed: 1}}
    """)
    )
    return path


# --- the writers, on a real full disk ------------------------------------------------------------------


def test_atomic_write_on_a_full_disk_keeps_the_old_file_and_no_temp(tmpfs):
    disk = tmpfs(64)
    target = disk / "summary.json"
    target.write_text("the old, complete file\n")
    _fill(disk)
    with pytest.raises(RunError) as caught:
        write_text_atomic(target, "x" * 3 * PAGE)
    message = str(caught.value)
    assert message.startswith(f"{target}: cannot write (disk full); free space on that disk")
    assert "\n" not in message
    assert target.read_text() == "the old, complete file\n"
    _no_temp_files(disk)


def test_cache_append_on_a_full_disk_is_cut_back_to_the_last_complete_line(tmpfs, caplog):
    disk = tmpfs(64)
    with PredictionCache(disk, "fp") as cache:
        cache.put_many(TASK, [("h1", "a1", "Kept from before")])
        before = cache.path.read_bytes()
        _fill(disk)  # the cache file's one page still has room for a few lines, not for 3 pages more
        with pytest.raises(RunError, match=r"fp\.jsonl: cannot append to the prediction cache \(disk full\)"):
            cache.put_many(TASK, [(f"h{i}", f"a{i}", "a long prediction " * 40) for i in range(2, 30)])
        assert cache.get(TASK, "h2") is None  # not claimed as cached
    assert cache.path.read_bytes() == before  # no torn line for the next run to trip over
    with PredictionCache(disk, "fp") as again:
        assert not again.recovered_torn_line and again.get(TASK, "h1") == "Kept from before"


def test_create_run_dir_on_a_read_only_disk_is_one_line(tmpfs):
    disk = tmpfs(64, ro=True)
    with pytest.raises(
        RunError,
        match=r"/results: cannot create the run directory \(read-only file system\); "
        r"pass --output DIR naming a folder on a writable disk",
    ):
        create_run_dir(disk / "results", "small")


# --- bench run end to end ------------------------------------------------------------------------------


def test_run_on_a_full_disk_says_which_file_and_keeps_the_cache(tmpfs, small_config):
    out = tmpfs(1024) / "results"
    first = _bench("run", str(small_config), "--output", str(out), "-q")
    assert first.returncode == 0, first.stderr
    cached = _cache_lines(out)
    # one page left: config.yaml fits, predictions.jsonl does not
    filler = _fill(out.parent, leave_pages=1)
    line = _one_error_line(_bench("run", str(small_config), "--output", str(out), "-q"))
    assert "/predictions.jsonl: cannot write (disk full); free space on that disk" in line
    assert _cache_lines(out) == cached
    _no_temp_files(out)

    filler.unlink()  # space again: the same command finishes, generating nothing
    again = _bench("run", str(small_config), "--output", str(out), "-q")
    assert again.returncode == 0, again.stderr
    assert f"reused {len(cached)} cached predictions" in again.stderr
    assert _cache_lines(out) == cached


def test_run_on_a_disk_that_went_read_only_is_one_line_and_the_cache_is_untouched(tmpfs, small_config):
    disk = tmpfs(1024)
    out = disk / "results"
    assert _bench("run", str(small_config), "--output", str(out), "-q").returncode == 0
    cache = {p.name: p.read_bytes() for p in (out / ".cache").iterdir()}
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    line = _one_error_line(_bench("run", str(small_config), "--output", str(out), "-q"))
    assert f"{out}/small-" in line and "cannot create the run directory (read-only file system)" in line
    assert "pass --output DIR naming a folder on a writable disk" in line
    assert {p.name: p.read_bytes() for p in (out / ".cache").iterdir()} == cache


def test_run_under_a_file_size_limit_names_the_file_that_did_not_fit(tmp_path, small_config):
    out = tmp_path / "results"
    # 2 KiB: config.yaml (~1.1 KB) and each cache file (< 1 KB) fit; rows stream unit by unit, and
    # scores.jsonl (~4 KB, its rows the longer) passes 2 KiB first, with lead-1's standfirst rows
    line = _one_error_line(_bench("run", str(small_config), "--output", str(out), "-q", fsize=2048))
    assert f"{out}/small-" in line and "/scores.jsonl: cannot write (file too large" in line
    assert "ulimit -f" in line
    # the run stopped at the first unit that could not be written: lead-1's 2 headlines + 3 standfirsts,
    # complete in the cache; lead-words was never generated (hours of work would have gone nowhere)
    assert len(_cache_lines(out)) == 5
    _no_temp_files(out)
    (run_dir,) = out.glob("small-*")
    assert sorted(p.name for p in run_dir.iterdir()) == ["config.yaml"]


def test_cache_append_over_the_file_size_limit_leaves_no_torn_line(tmp_path):
    config = _corpus_config(tmp_path, articles=40)
    out = tmp_path / "results"
    # 2 KiB: config.yaml fits; the first chunk's cache append (40 lines, ~6 KB) stops part-way
    line = _one_error_line(_bench("run", str(config), "--output", str(out), "-q", fsize=2048, cwd=tmp_path))
    (cache_file,) = (out / ".cache").glob("*.jsonl")
    assert f"{cache_file}: cannot append to the prediction cache (file too large" in line
    assert cache_file.read_bytes() == b""  # cut back to its last complete line: here, empty

    again = _bench("run", str(config), "--output", str(out), "-q", cwd=tmp_path)
    assert again.returncode == 0 and "torn" not in again.stderr, again.stderr
    assert len(_cache_lines(out)) == 40


def test_output_naming_a_file_is_one_line(tmp_path, small_config):
    taken = tmp_path / "results.txt"
    taken.write_text("not a folder\n")
    line = _one_error_line(_bench("run", str(small_config), "--output", str(taken), "-q"))
    assert line == f"bench run: error: {taken}: is a file, not a folder; pass --output DIR naming a folder"
    assert taken.read_text() == "not a folder\n"
    below = taken / "sub"  # a file in the middle of the path
    line = _one_error_line(_bench("run", str(small_config), "--output", str(below), "-q"))
    assert f"{below}: cannot create the run directory (a part of the path is a file, not a folder)" in line


def test_note_kept_on_failure_says_what_a_run_on_a_full_disk_kept(tmpfs, small_config):
    """What execute should wrap its writes in (``with note_kept_on_failure(output_root / ".cache"):``)."""
    out = tmpfs(1024) / "results"
    execute(load_config(small_config), output_root=out)
    _fill(out.parent, leave_pages=1)
    cache = out / ".cache"
    with pytest.raises(RunError) as caught, note_kept_on_failure(cache):
        execute(load_config(small_config), output_root=out)
    message = str(caught.value)
    assert "/predictions.jsonl: cannot write (disk full)" in message and "\n" not in message
    assert f" — 10 prediction(s) are kept in the cache at {cache}; free space and rerun the same command" in message
    with pytest.raises(RunError) as caught, note_kept_on_failure(out.parent / "elsewhere"):
        create_run_dir(out.parent / "filler", "small")  # nothing cached there: the error alone
    assert str(caught.value) == f"{out.parent / 'filler'}: is a file, not a folder; pass --output DIR naming a folder"
