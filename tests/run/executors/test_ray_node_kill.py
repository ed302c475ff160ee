"""A whole worker node lost mid-run (its raylet and every worker process killed, as when a machine dies): the
run completes with the local executor's predictions and scores, and every prediction is cached exactly once.

A third node joins the shared test cluster for each case and is removed, without a graceful shutdown, while
it is generating: the system stalls on the first chunk it gets there (each of the three workers asks for the
one CPU a node has, so one of them runs there), and a thread removes the node once that chunk has begun."""

from __future__ import annotations

import threading
import time

import pytest

from bench.run.execute import execute
from tests.run.executors.test_ray import N, assert_same_results, cache_keys, make_config, manifest

_MB = 1024 * 1024


def remove_when_flagged(cluster, node, flag, removed: list) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 60
        while not flag.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if flag.exists():
            cluster.remove_node(node, allow_graceful=False)
            removed.append(time.monotonic())

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("kind", ["stall-on-node", "stall-on-node-model"])  # plain tasks, actors
def test_a_worker_node_removed_mid_run_changes_nothing(tmp_path, ray_cluster, toy_kinds, kind):
    address, cluster = ray_cluster
    node_file, flag = tmp_path / "node", tmp_path / "stalled"
    systems = [{"name": "stall", "kind": kind, "node_file": str(node_file), "flag": str(flag)}]
    local = execute(make_config(tmp_path, systems, chunk=8), output_root=tmp_path / "local", limit=N)
    doomed = cluster.add_node(num_cpus=1, object_store_memory=100 * _MB, include_dashboard=False)
    removed: list[float] = []
    try:
        cluster.wait_for_nodes()
        node_file.write_text(doomed.node_id)
        watcher = remove_when_flagged(cluster, doomed, flag, removed)
        config = make_config(tmp_path, systems, "ray", 8, address=address, num_workers=3)
        remote = execute(config, output_root=tmp_path / "ray", limit=N)
        ended = time.monotonic()
        watcher.join(timeout=5)
    finally:
        if not removed:
            cluster.remove_node(doomed, allow_graceful=False)
    assert flag.exists() and removed, "no chunk ran on the third node, so it was never removed mid-run"
    # the node died during the run, and the run did not just wait out the stalled chunk (60 s) there
    assert removed[0] < ended < removed[0] + 55
    assert manifest(remote.run_dir)["executor"]["nodes"] == 3
    assert_same_results(local.run_dir, remote.run_dir)
    assert manifest(remote.run_dir)["failures"] == []
    keys = cache_keys(tmp_path / "ray")
    assert len(keys) == 2 * N and set(keys.values()) == {1}  # every prediction cached exactly once
