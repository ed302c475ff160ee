"""``run.executor`` and ``run.ray`` in a config: checked at load with one line naming the field; the worker's
article packing and stats merging; an unreachable cluster address fails in seconds with the fix."""

from __future__ import annotations

import time

import pytest

from bench.config import parse_config
from bench.corpus.load import article_from_record
from bench.errors import ConfigError, RunError
from bench.run.execute import execute
from bench.run.executors.ray_worker import merge_stats, pack_articles, unpack_articles
from bench.run.executors.settings import RayResources
from tests.conftest import ARTICLES

SYSTEMS = [{"name": "lead-1", "kind": "lead", "sentences": 1}]


def config(run, path=None):
    return parse_config({"corpus": {"path": "corpus.jsonl"}, "systems": SYSTEMS, "run": run}, path)


def test_defaults_are_local_with_an_embedded_ray():
    run = config({}).run
    assert run.executor == "local" and run.ray.address == "local" and run.ray.num_workers == 1
    assert run.ray.for_system("lead-1") == RayResources(1.0, 0.0, 1)


def test_resources_per_system():
    ray = config({"executor": "ray", "ray": {"num_workers": 3, "resources": {"lead-1": {"num_gpus": 0.5}}}}).run.ray
    assert ray.for_system("lead-1") == RayResources(1.0, 0.5, 3)
    ray = config({"ray": {"resources": {"lead-1": {"num_workers": 8, "num_cpus": 2}}}}).run.ray
    assert ray.for_system("lead-1") == RayResources(2.0, 0.0, 8)


@pytest.mark.parametrize(
    ("run", "message"),
    [
        ({"executor": "rey"}, "c.yaml: run.executor: 'rey' is not one of 'local', 'ray' (did you mean \"ray\"?)"),
        (
            {"ray": {"address": "head"}},
            "c.yaml: run.ray.address: 'head' is not local, auto, HOST:PORT or ray://HOST:PORT",
        ),
        ({"ray": {"address": "ray://head"}}, "run.ray.address: 'ray://head' is not local, auto"),
        ({"ray": {"num_workers": 0}}, "c.yaml: run.ray.num_workers: must be ≥ 1, got 0"),
        ({"ray": {"adress": "auto"}}, "c.yaml: run.ray: unknown setting 'adress' (did you mean \"address\"?)"),
        ({"ray": {"resources": {"lead1": {}}}}, "c.yaml: run.ray.resources: 'lead1' is not a system of this config"),
        ({"ray": {"resources": {"lead-1": {"num_gpus": -1}}}}, "run.ray.resources.lead-1.num_gpus: must be ≥ 0"),
        ({"ray": {"resources": {"lead-1": {"num_gpu": 1}}}}, "run.ray.resources.lead-1: unknown setting 'num_gpu'"),
        ({"ray": {"resources": {"lead-1": {"num_workers": 0}}}}, "run.ray.resources.lead-1.num_workers: must be ≥ 1"),
        ({"ray": {"object_store_mb": 10}}, "run.ray.object_store_mb: Ray needs at least 80 MB, got 10"),
    ],
)
def test_mistakes_are_named_by_field(tmp_path, run, message):
    with pytest.raises(ConfigError) as err:
        config(run, tmp_path / "c.yaml")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_articles_travel_packed_and_come_back_equal():
    articles = [article_from_record(a, "test", f"a{i}") for i, a in enumerate(ARTICLES)]
    packed = pack_articles(articles)
    assert packed[0].tolist()[0] == 0 and packed[0][-1] == packed[1].nbytes
    back = unpack_articles(packed, [2, 0])
    assert back == [articles[2], articles[0]] and [a.content_hash for a in back] == [
        articles[2].content_hash,
        articles[0].content_hash,
    ]


def test_worker_stats_are_summed():
    merged = merge_stats({}, {"batches": 2, "seconds": 0.5, "model": "t5", "by": {"oom": 1}})
    merged = merge_stats(merged, {"batches": 3, "seconds": 0.25, "model": "t5", "by": {"oom": 2, "new": 1}})
    assert merged == {"batches": 5, "seconds": 0.75, "model": "t5", "by": {"oom": 3, "new": 1}}


def test_an_address_where_nothing_listens_fails_in_seconds(tmp_path, small_corpus):
    pytest.importorskip("ray")
    cfg = parse_config(
        {
            "corpus": {"path": small_corpus.name},
            "systems": SYSTEMS,
            "run": {"executor": "ray", "ray": {"address": "127.0.0.1:9"}},  # the discard port: nothing there
        },
        small_corpus.parent / "c.yaml",
    )
    start = time.perf_counter()
    with pytest.raises(RunError) as err:
        execute(cfg, output_root=tmp_path / "results")
    assert time.perf_counter() - start < 30
    assert str(err.value).startswith("run.ray.address '127.0.0.1:9': nothing answers there")
    assert "ray start --head" in str(err.value)
