"""Crash safety, proven on real processes: ``kill -9`` mid-generation, then the same command, finishes
the run with every prediction generated exactly once; a config edit regenerates only the edited system.

The kill tests run ``bench run`` in a subprocess with a test-only system kind (tests/run/slow_system.py)
that logs every prediction it produces and, on a chosen call, signals and hangs until it is killed; the
second kill lands just before the summary's atomic rename.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from bench.config import load_config
from bench.errors import RunError
from bench.run.execute import execute
from bench.run.rundir import open_run
from tests.run.slow_system import install, subprocess_env, write_corpus

N_ARTICLES, CHUNK, HANG_AT = 40, 4, 7  # the 7th summarize() call hangs: 6 chunks (24 predictions) are cached
SYSTEMS, TARGETS = ("slow-a", "slow-b"), ("headline", "standfirst")


@pytest.fixture
def workspace(tmp_path):
    write_corpus(tmp_path / "corpus.jsonl", N_ARTICLES)
    install(tmp_path)
    (tmp_path / "slow.yaml").write_text(
        textwrap.dedent(f"""
        name: slow
        corpus: {{path: corpus.jsonl}}
        tasks: {{headline: {{max_words: 8}}, standfirst: {{max_words: 20}}}}
        systems:
          - {{name: slow-a, kind: slow-test, words: 3}}
          - {{name: slow-b, kind: slow-test, words: 5}}
        metrics: {{rouge: {{types: [rouge1], bootstrap: 100, seed: 3}}}}
        run: {{chunk_size: {CHUNK}}}
    """)
    )
    return tmp_path


_STARTED: list[subprocess.Popen] = []  # killed at teardown if a failing test left one hanging


@pytest.fixture(autouse=True)
def _no_leftover_processes():
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def _start(ws: Path, env_extra: dict[str, str]) -> subprocess.Popen:
    env = subprocess_env(SLOW_LOG=str(ws / "generated.log"), SLOW_READY=str(ws / "ready"), **env_extra)
    cmd = [
        sys.executable,
        str(ws / "run_bench.py"),
        str(ws),
        "run",
        str(ws / "slow.yaml"),
        "-q",
        "--output",
        str(ws / "results"),
    ]
    proc = subprocess.Popen(cmd, cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _STARTED.append(proc)
    return proc


def _cache_lines(ws: Path) -> list[dict]:
    lines = []
    for path in sorted((ws / "results" / ".cache").glob("*.jsonl")):
        data = path.read_text(encoding="utf-8")
        assert data == "" or data.endswith("\n"), f"{path}: torn last line left behind"
        lines += [dict(json.loads(line), file=path.stem) for line in data.splitlines()]  # each parses: none torn
    return lines


def _kill_when_ready(ws: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not (ws / "ready").exists():
        assert proc.poll() is None, f"run ended before the kill point: {proc.communicate()}"
        assert time.monotonic() < deadline, "the run never reached the kill point"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    (ws / "ready").unlink()


@pytest.mark.slow
def test_kill_9_mid_generation_then_same_command_completes_exactly_once(workspace):
    ws = workspace
    first = _start(ws, {"SLOW_HANG_AT": str(HANG_AT)})
    _kill_when_ready(ws, first)
    assert first.returncode == -signal.SIGKILL

    done_before = (HANG_AT - 1) * CHUNK
    assert len(_cache_lines(ws)) == done_before  # every finished chunk was on disk before the kill
    (killed_dir,) = (ws / "results").glob("slow-*")
    # summary files are complete or absent: the killed run wrote none of its outputs
    assert sorted(p.name for p in killed_dir.iterdir()) == ["config.yaml"]
    with pytest.raises(RunError, match="incomplete run directory"):
        open_run(killed_dir)
    # a kill can also land inside a cache append: simulate the torn line it would leave
    (cache_file,) = (ws / "results" / ".cache").glob("*.jsonl")
    with open(cache_file, "a") as fh:
        fh.write('{"key": "headline:w8|0123456789abcdef", "article_id": "n0')

    second = _start(ws, {})
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert f"reused {done_before} cached predictions" in err
    assert "dropped a torn last line" in err  # the recovery is said, not silent

    total = len(SYSTEMS) * len(TARGETS) * N_ARTICLES
    lines = _cache_lines(ws)
    assert len(lines) == total and len({(line["file"], line["key"]) for line in lines}) == total  # no duplicate
    generated = Counter(tuple(line.split("\t")) for line in (ws / "generated.log").read_text().splitlines())
    assert len(generated) == total and set(generated.values()) == {1}  # each produced exactly once overall

    run_dir = next(p for p in (ws / "results").glob("slow-*") if p != killed_dir)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["cache"] == {"enabled": True, "reused": done_before, "generated": total - done_before}
    preds = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()]
    keys = Counter((p["system"], p["target"], p["article_id"]) for p in preds)
    assert len(keys) == total and set(keys.values()) == {1}
    assert {s for s, _, _ in keys} == set(SYSTEMS) and {t for _, t, _ in keys} == set(TARGETS)
    assert sum(p["cached"] for p in preds) == done_before
    by_key = {(p["system"], p["target"], p["article_id"]): p["prediction"] for p in preds}
    assert by_key[("slow-a", "headline", "n000")] == "Story 0 begins"  # first 3 words of the body
    assert by_key[("slow-b", "standfirst", "n039")] == "Story 39 begins with news"
    assert len(open_run(run_dir).scores) == total


@pytest.mark.slow
def test_kill_9_while_writing_the_summary_leaves_complete_files_or_none(workspace):
    ws = workspace
    _kill_when_ready(ws, _start(ws, {"SLOW_HANG_FILE": "summary.csv"}))
    (killed_dir,) = (ws / "results").glob("slow-*")
    written = sorted(p.name for p in killed_dir.iterdir() if not p.name.startswith("."))
    assert written == ["config.yaml", "predictions.jsonl", "scores.jsonl", "summary.json"]  # csv, md, manifest absent
    summary = json.loads((killed_dir / "summary.json").read_text())  # complete: it parses
    assert len(summary["rows"]) == len(SYSTEMS) * len(TARGETS)
    with pytest.raises(RunError, match=r"missing manifest\.json"):
        open_run(killed_dir)

    second = _start(ws, {})
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    run_dir = next(p for p in (ws / "results").glob("slow-*") if p != killed_dir)
    total = len(SYSTEMS) * len(TARGETS) * N_ARTICLES
    assert json.loads((run_dir / "manifest.json").read_text())["cache"]["reused"] == total
    assert len((ws / "generated.log").read_text().splitlines()) == total  # nothing generated twice


def test_config_edit_regenerates_only_the_edited_system(tmp_path, small_corpus):
    def config(lead_sentences: int) -> Path:
        path = tmp_path / "edit.yaml"
        path.write_text(
            textwrap.dedent(f"""
            name: edit
            corpus: {{path: {small_corpus.name}}}
            tasks: {{headline: {{max_words: 6}}, standfirst: {{max_words: 15}}}}
            systems:
              - {{name: lead, kind: lead, sentences: {lead_sentences}}}
              - {{name: lead-words, kind: lead, words: task}}
            metrics: {{rouge: {{types: [rouge1], bootstrap: 50, seed: 1}}}}
        """)
        )
        return path

    out = tmp_path / "results"
    first = execute(load_config(config(1)), output_root=out)
    second = execute(load_config(config(2)), output_root=out)  # only 'lead' changed
    per_system = {}
    for row in json.loads((second.run_dir / "summary.json").read_text())["rows"]:
        counts = per_system.setdefault(row["system"], [0, 0])
        counts[0] += row["generated"]
        counts[1] += row["reused"]
    # small corpus: 2 headlines + 3 standfirsts per system
    assert per_system == {"lead": [5, 0], "lead-words": [0, 5]}
    manifest = json.loads((second.run_dir / "manifest.json").read_text())
    assert manifest["cache"] == {"enabled": True, "reused": 5, "generated": 5}
    first_manifest = json.loads((first.run_dir / "manifest.json").read_text())
    assert first_manifest["cache"]["generated"] == 10
    files = {p.stem: len(p.read_text().splitlines()) for p in (out / ".cache").glob("*.jsonl")}
    assert sorted(files.values()) == [5, 5, 5]  # old lead, new lead, lead-words: nothing appended twice


def test_cache_line_with_a_non_text_prediction_is_regenerated_once_and_scored(tmp_path, small_config, caplog):
    out = tmp_path / "results"
    first = execute(load_config(small_config), output_root=out)
    cache_file = next(p for p in sorted((out / ".cache").glob("*.jsonl")) if p.stem == first.units[0].fingerprint)
    lines = cache_file.read_text().splitlines()
    damaged = json.loads(lines[0])
    damaged["prediction"] = 123  # well-formed JSON, wrong type: scoring used to raise TypeError
    cache_file.write_text("\n".join([json.dumps(damaged), *lines[1:]]) + "\n")

    with caplog.at_level("WARNING", logger="bench.run.cache"):
        second = execute(load_config(small_config), output_root=out)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "dropped 1 invalid cache line(s) (first: line 1, 'prediction' is int 123" in warnings[0]
    assert sum(u.generated for u in second.units) == 1  # just the dropped one
    assert _scores(second.summary) == _scores(first.summary)  # the same numbers as the clean run
    assert (second.run_dir / "scores.jsonl").read_text() == (first.run_dir / "scores.jsonl").read_text()
    repaired = [json.loads(line) for line in cache_file.read_text().splitlines()]
    assert sorted((r["key"], r["prediction"]) for r in repaired) == sorted(
        (r["key"], r["prediction"]) for r in map(json.loads, lines)
    )  # each key once, all text again

    caplog.clear()
    with caplog.at_level("WARNING", logger="bench.run.cache"):
        third = execute(load_config(small_config), output_root=out)
    assert caplog.records == [] and sum(u.generated for u in third.units) == 0  # the warning came once


def _scores(rows: list[dict]) -> dict[tuple[str, str], dict]:
    """Each summary row's metric values (the dict-valued fields), without counts and timings."""
    return {(r["system"], r["target"]): {k: v for k, v in r.items() if isinstance(v, dict)} for r in rows}
