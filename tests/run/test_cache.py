"""The prediction cache: appends survive, torn last lines are recovered, keys separate tasks, invalid lines
are dropped once, and a second process waits for the lock instead of writing beside the first."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time

import pytest

from bench.run.cache import PredictionCache, kept_note

TASK = "headline:w12"


def test_round_trip_across_instances(tmp_path):
    with PredictionCache(tmp_path, "fp1") as cache:
        cache.put_many(TASK, [("h1", "a1", "First"), ("h2", "a2", "Second")])
    with PredictionCache(tmp_path, "fp1") as again:
        assert again.get(TASK, "h1") == "First"
        assert again.get(TASK, "h2") == "Second"
        assert again.get("standfirst:w40", "h1") is None
    with PredictionCache(tmp_path, "fp2") as other:
        assert other.get(TASK, "h1") is None


def test_torn_last_line_is_dropped_and_file_repaired(tmp_path):
    with PredictionCache(tmp_path, "fp") as cache:
        cache.put_many(TASK, [("h1", "a1", "Kept")])
    with open(cache.path, "ab") as fh:
        fh.write(b'{"key": "headline:w12|h2", "article_id": "a2", "predic')  # killed mid-write
    with PredictionCache(tmp_path, "fp") as recovered:
        assert recovered.recovered_torn_line
        assert len(recovered) == 1 and recovered.get(TASK, "h1") == "Kept"
        recovered.put_many(TASK, [("h2", "a2", "New")])
    lines = cache.path.read_text().splitlines()
    assert len(lines) == 2 and all(line.startswith("{") and line.endswith("}") for line in lines)


def test_no_reuse_ignores_old_entries_and_new_ones_win(tmp_path):
    with PredictionCache(tmp_path, "fp") as cache:
        cache.put_many(TASK, [("h1", "a1", "old")])
    with PredictionCache(tmp_path, "fp", reuse=False) as fresh:
        assert fresh.get(TASK, "h1") is None
        fresh.put_many(TASK, [("h1", "a1", "new")])
    with PredictionCache(tmp_path, "fp") as again:
        assert again.get(TASK, "h1") == "new"


@pytest.mark.parametrize(
    "bad, reason",
    [
        ({"key": f"{TASK}|h2", "article_id": "a2", "prediction": 123}, "'prediction' is int 123, not text"),
        ({"key": f"{TASK}|h2", "article_id": "a2", "prediction": None}, "'prediction' is null, not text"),
        ({"key": f"{TASK}|h2", "article_id": "a2", "prediction": ["a", "b"]}, "'prediction' is list"),
        ({"key": 7, "prediction": "x"}, "'key' is int 7, not text"),
        ({"article_id": "a2", "prediction": "x"}, "no 'key'"),
        ({"key": f"{TASK}|h2", "prediction": "x", "seconds": "fast"}, "'seconds' is 'fast', not a time"),
        (["not", "an", "object"], "a JSON list, not an object"),
    ],
)
def test_invalid_line_is_dropped_once_with_one_warning(tmp_path, caplog, bad, reason):
    with PredictionCache(tmp_path, "fp") as cache:
        cache.put_many(TASK, [("h1", "a1", "Good one")])
    good = cache.path.read_text()
    with open(cache.path, "a") as fh:  # well-formed JSON, wrong content (a hand edit, another tool's file)
        fh.write(json.dumps(bad) + "\n")
    with caplog.at_level(logging.WARNING, logger="bench.run.cache"):
        with PredictionCache(tmp_path, "fp") as loaded:
            assert loaded.get(TASK, "h1") == "Good one" and loaded.get(TASK, "h2") is None  # generated again
            assert loaded.dropped_lines == 1
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "dropped 1 invalid cache line(s) (first: line 2, " in warnings[0]
    assert reason in warnings[0] and "generated again" in warnings[0]
    assert cache.path.read_text() == good  # the bad line is gone from the file, the good one kept as is
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bench.run.cache"):
        PredictionCache(tmp_path, "fp").close()
    assert caplog.records == []  # once, not on every run


def test_not_json_line_in_the_middle_is_dropped_and_the_rest_kept(tmp_path, caplog):
    with PredictionCache(tmp_path, "fp") as cache:
        cache.put_many(TASK, [("h1", "a1", "One")])
    with open(cache.path, "a") as fh:
        fh.write("<<<<<<< merge conflict\n")
    with PredictionCache(tmp_path, "fp") as cache:
        cache.put_many(TASK, [("h3", "a3", "Three")])
    with PredictionCache(tmp_path, "fp") as loaded:
        assert (loaded.get(TASK, "h1"), loaded.get(TASK, "h3")) == ("One", "Three")
    assert all(json.loads(line) for line in cache.path.read_text().splitlines())
    assert sum("not valid JSON" in r.getMessage() for r in caplog.records) == 1


def test_second_process_waits_for_the_lock_then_reads_what_the_first_wrote(tmp_path):
    script = f"""
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.WARNING, format="%(message)s")
from bench.run.cache import PredictionCache
with PredictionCache(Path({str(tmp_path)!r}), "fp") as cache:
    print(cache.get({TASK!r}, "h1"), flush=True)
"""
    with PredictionCache(tmp_path, "fp") as first:
        proc = subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        line = proc.stderr.readline()  # said before it blocks: deterministic, no sleep
        assert "another run (pid " in line and "waiting for it to finish" in line, line
        assert str(proc.pid) not in line.split("another run")[0]
        time.sleep(0.2)
        assert proc.poll() is None  # still waiting while the first holds the lock
        first.put_many(TASK, [("h1", "a1", "Written by the first")])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip() == "Written by the first"


def test_same_process_reopen_is_a_clear_error_not_a_deadlock(tmp_path):
    with PredictionCache(tmp_path, "fp"):
        with pytest.raises(RuntimeError, match="this process already holds this cache open"):
            PredictionCache(tmp_path, "fp")


def test_kept_note_counts_the_cached_predictions(tmp_path):
    assert kept_note(tmp_path / "none") is None
    with PredictionCache(tmp_path, "a") as a, PredictionCache(tmp_path, "b") as b:
        a.put_many(TASK, [("h1", "a1", "x"), ("h2", "a2", "y")])
        b.put_many(TASK, [("h1", "a1", "z")])
    note = kept_note(tmp_path)
    assert note.startswith(f"3 prediction(s) are kept in the cache at {tmp_path}; ")
    assert "rerun the same command" in note and "\n" not in note


def test_extras_beside_a_prediction_survive_a_reload(tmp_path):
    usage = {"prompt_tokens": 100, "completion_tokens": 8, "cost_usd": 6.2e-05}
    with PredictionCache(tmp_path, "fp") as cache:
        cache.put_many("headline:w12", [("h1", "a1", "one"), ("h2", "a2", "two")], extras=[usage, None])
        assert cache.extras("headline:w12", "h1") == usage
    with PredictionCache(tmp_path, "fp") as again:  # what a rerun that reuses the predictions sees
        assert again.get("headline:w12", "h1") == "one" and again.extras("headline:w12", "h1") == usage
        assert again.extras("headline:w12", "h2") is None
    lines = [json.loads(line) for line in (tmp_path / "fp.jsonl").read_text().splitlines()]
    assert lines[0]["extras"] == usage and "extras" not in lines[1]


def test_what_this_instance_wrote_is_found_without_being_held_in_memory(tmp_path):
    import tracemalloc

    # holding a written line's key, time and extras costs ~400 bytes (measured before this change), holding
    # where the line starts ~80: the bound tells them apart with room either way
    n, text = 3000, "word " * 200
    hashes = [f"{i:016x}" for i in range(n)]  # the caller's strings (an Article's content_hash)
    predictions = [f"{text}{i}" for i in range(n)]
    with PredictionCache(tmp_path, "fp") as cache:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for start in range(0, n, 100):
            items = [(hashes[i], f"a{i}", predictions[i]) for i in range(start, start + 100)]
            cache.put_many(TASK, items, seconds=2.0, extras=[{"tokens": i} for i in range(start, start + 100)])
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        assert held < 150 * n, f"{held / n:.0f} bytes kept per written prediction"
        # ... yet every one is found, with its time share and extras, as a later lookup in this run needs
        assert len(cache) == n
        assert cache.get(TASK, hashes[1234]) == predictions[1234]
        assert cache.seconds(TASK, hashes[1234]) == pytest.approx(0.02)
        assert cache.extras(TASK, hashes[1234]) == {"tokens": 1234}
        assert cache.get("standfirst:w40", hashes[1234]) is None and cache.get(TASK, "nope") is None
    assert cache.get(TASK, hashes[7]) == predictions[7]  # still readable after close, as before


def test_a_written_key_written_again_and_over_a_loaded_one_gives_the_latest(tmp_path):
    with PredictionCache(tmp_path, "fp") as cache:
        cache.put_many(TASK, [("h1", "a1", "old"), ("h2", "a2", "kept")], extras=[{"n": 1}, None])
    with PredictionCache(tmp_path, "fp") as again:
        assert again.get(TASK, "h1") == "old" and again.extras(TASK, "h1") == {"n": 1}
        again.put_many(TASK, [("h1", "a1", "new")])
        assert again.get(TASK, "h1") == "new" and again.extras(TASK, "h1") is None
        again.put_many(TASK, [("h1", "a1", "newer")], seconds=3.0)
        assert again.get(TASK, "h1") == "newer" and again.seconds(TASK, "h1") == 3.0
        assert again.get(TASK, "h2") == "kept" and len(again) == 2


def test_a_written_key_is_found_after_another_run_rewrote_the_file(tmp_path):
    with PredictionCache(tmp_path, "fp") as cache:
        cache.put_many(TASK, [("h1", "a1", "one"), ("h2", "a2", "two")])
    with open(cache.path, "rb") as fh:
        lines = fh.read().splitlines(keepends=True)
    cache.path.write_bytes(b"not json\n" + lines[1] + lines[0])  # repaired and reordered by another process
    assert cache.get(TASK, "h1") == "one" and cache.get(TASK, "h2") == "two"
