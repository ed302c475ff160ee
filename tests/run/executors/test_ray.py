"""The Ray executor on a real two-node cluster (tests/run/executors/conftest.py): the same predictions and scores
as the local executor for the BBC extractive systems and a tiny transformers model, a worker process killed
mid-chunk costs nothing (retried elsewhere, every prediction cached once), a system that raises fails only its
rows as locally, and a fully cached rerun never starts Ray.

Each run compares against a local run of the same config in its own output folder: the ray run generates
everything itself (nothing is reused from the local cache)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.config import parse_config
from bench.run.execute import execute
from tests.systems.conftest import tiny_t5  # noqa: F401  (the shared tiny T5 fixture)

_BBC = Path("shared/corpora/bbc-news-2004/articles.jsonl")
BBC = next((p / _BBC for p in Path(__file__).resolve().parents if (p / _BBC).exists()), _BBC)
pytestmark = pytest.mark.skipif(
    not BBC.exists(), reason="shared BBC corpus not found (../shared/corpora/bbc-news-2004)"
)

TASKS = {"headline": {"max_words": 12}, "standfirst": {"max_words": 40}}
METRICS = {"rouge": {"bootstrap": 100, "seed": 5}}
N = 160  # articles (a stratified --limit sample of the BBC corpus)


def make_config(folder: Path, systems: list[dict], executor: str = "local", chunk: int = 16, **ray: Any):
    """The config both executors run; ``ray`` settings only matter to the ray executor."""
    run = {"chunk_size": chunk, "executor": executor, "ray": ray}
    data = {"name": "t", "corpus": {"path": str(BBC)}, "tasks": TASKS, "systems": systems, "metrics": METRICS}
    return parse_config({**data, "run": run}, folder / "t.yaml")


def run_both(tmp_path: Path, systems: list[dict], address: str, chunk: int = 16, **ray: Any):
    """(local run dir, ray run dir) of the same systems on the same articles."""
    local = execute(make_config(tmp_path, systems, chunk=chunk), output_root=tmp_path / "local", limit=N)
    remote = execute(
        make_config(tmp_path, systems, "ray", chunk, address=address, **ray), output_root=tmp_path / "ray", limit=N
    )
    return local.run_dir, remote.run_dir


def rows(run_dir: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (run_dir / name).read_text().splitlines()]


def manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text())


def summary_rows(run_dir: Path) -> list[dict]:
    """summary.json's rows without what depends on timing (speed, seconds)."""
    out = []
    for row in json.loads((run_dir / "summary.json").read_text())["rows"]:
        out.append({k: v for k, v in row.items() if not k.startswith("seconds_") and k != "articles_per_s"})
    return out


def assert_same_results(local: Path, remote: Path) -> None:
    assert rows(remote, "predictions.jsonl") == rows(local, "predictions.jsonl")
    assert rows(remote, "scores.jsonl") == rows(local, "scores.jsonl")
    assert summary_rows(remote) == summary_rows(local)
    assert manifest(remote)["failures"] == manifest(local)["failures"]


def cache_keys(output_root: Path) -> Counter:
    """(system fingerprint, task and article) -> lines in the prediction cache."""
    keys: Counter = Counter()
    for path in (output_root / ".cache").glob("*.jsonl"):
        keys.update((path.stem, json.loads(line)["key"]) for line in path.read_text().splitlines())
    return keys


@pytest.mark.slow
def test_two_nodes_give_the_local_results(tmp_path, ray_cluster, tiny_t5):  # noqa: F811 (the fixture)
    address, _ = ray_cluster
    systems = [
        {"name": "lead-1", "kind": "lead", "sentences": 1},
        {"name": "lead-words", "kind": "lead", "words": "task"},
        {"name": "textrank-1", "kind": "textrank", "sentences": 1},
        {
            "name": "tiny-t5",
            "kind": "seq2seq",
            "model": str(tiny_t5),
            "device": "cpu",
            "batch_size": 8,
            "generation": {"headline": {"max_new_tokens": 6}, "standfirst": {"max_new_tokens": 10}},
            "sample": {"limit": 48, "seed": 1},
        },
    ]
    local, remote = run_both(tmp_path, systems, address, num_workers=2)
    assert_same_results(local, remote)
    info = manifest(remote)
    assert info["executor"]["name"] == "ray" and info["executor"]["nodes"] == 2 and info["executor"]["cpus"] == 2
    assert info["executor"]["ray_version"] and info["executor"]["systems"]["tiny-t5"]["kind"] == "actors"
    assert info["executor"]["systems"]["lead-1"]["kind"] == "tasks"
    assert manifest(local)["executor"] == {"name": "local"}
    assert info["cache"] == {"enabled": True, "reused": 0, "generated": 3 * 2 * N + 2 * 48}
    assert info["systems"][3]["parameters"] == manifest(local)["systems"][3]["parameters"] > 0
    assert info["systems"][3]["stats"]["batches"] == manifest(local)["systems"][3]["stats"]["batches"]
    assert sum(cache_keys(tmp_path / "ray").values()) == len(cache_keys(tmp_path / "ray")) == 3 * 2 * N + 2 * 48

    # the same command again: everything comes from the cache, and Ray is not even started
    again = execute(make_config(tmp_path, systems, "ray", address=address), output_root=tmp_path / "ray", limit=N)
    assert manifest(again.run_dir)["executor"] == {"name": "ray", "address": address, "started": False}
    assert manifest(again.run_dir)["cache"]["generated"] == 0
    assert rows(again.run_dir, "scores.jsonl") == rows(local, "scores.jsonl")


def middle_article(tmp_path: Path, systems: list[dict], chunk: int) -> str:
    """The id of an article in a middle chunk of a unit (chunks run longest body first): a probe run of
    ``systems`` on the sample gives its ids, the corpus their lengths."""
    probe = execute(make_config(tmp_path / "probe", systems, chunk=chunk), output_root=tmp_path / "probe", limit=N)
    ids = {r["article_id"] for r in rows(probe.run_dir, "predictions.jsonl")}
    length = {rec["id"]: len(rec["body"]) for rec in map(json.loads, BBC.open()) if rec["id"] in ids}
    return sorted(length, key=length.__getitem__, reverse=True)[len(length) // 2]


@pytest.mark.parametrize("kind", ["crash-once", "crash-once-model"])  # a plain task, an actor
def test_a_worker_killed_mid_chunk_is_retried(tmp_path, ray_cluster, toy_kinds, kind):
    address, _ = ray_cluster
    flag = tmp_path / "crashed"
    systems = [{"name": "crashy", "kind": kind, "flag": str(flag), "crash_on": ""}]
    systems[0]["crash_on"] = middle_article(tmp_path, systems, 16)
    flag.write_text("")  # the local run must not kill the test process
    local = execute(make_config(tmp_path, systems), output_root=tmp_path / "local", limit=N)
    flag.unlink()
    remote = execute(make_config(tmp_path, systems, "ray", address=address), output_root=tmp_path / "ray", limit=N)
    assert flag.exists(), "the worker was never killed"
    assert_same_results(local.run_dir, remote.run_dir)
    assert manifest(remote.run_dir)["failures"] == []
    keys = cache_keys(tmp_path / "ray")
    assert len(keys) == 2 * N and set(keys.values()) == {1}  # every prediction cached exactly once


def test_a_system_that_raises_fails_only_its_rows_as_locally(tmp_path, ray_cluster, toy_kinds):
    address, _ = ray_cluster
    systems = [{"name": "lead-1", "kind": "lead", "sentences": 1}, {"name": "flaky", "kind": "fail-on", "fail_on": ""}]
    systems[1]["fail_on"] = middle_article(tmp_path, systems[1:], 8)
    local, remote = run_both(tmp_path, systems, address, chunk=8, num_workers=2)
    assert_same_results(local, remote)
    failed = manifest(remote)["failures"]
    assert {(f["system"], f["target"]) for f in failed} == {("flaky", "headline"), ("flaky", "standfirst")}
    assert "cannot summarize" in failed[0]["error"]
    kept = Counter((r["system"], r["target"]) for r in rows(remote, "predictions.jsonl"))
    assert kept[("lead-1", "headline")] == N and 0 < kept[("flaky", "standfirst")] < N  # chunks before the failure
    assert sum(cache_keys(tmp_path / "ray").values()) == sum(cache_keys(tmp_path / "local").values())
