"""A real two-node Ray cluster on this machine (head + one worker node, one CPU each), started once for the
Ray executor tests and stopped after them; the toy system kinds those tests register."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.systems.base import register, unregister
from tests.run.executors.toy_systems import KINDS

_MB = 1024 * 1024


@pytest.fixture(scope="session")
def ray_cluster():
    """(address, cluster): connect with ``run.ray.address: <address>``; each node has 1 CPU and 100 MB of store."""
    pytest.importorskip("ray", reason="pip install 'headline-bench[ray]' to test the Ray executor")
    from ray.cluster_utils import Cluster

    # No node_ip_address: Ray turns a driver's 127.0.0.1 into this machine's address before connecting, so
    # nodes bound to the loopback would never be reached (the driver hangs); the machine's address is what
    # both sides pick on their own.
    node = {"num_cpus": 1, "object_store_memory": 100 * _MB, "include_dashboard": False}
    # Workers are started by the nodes' raylets with the environment of this process: give them the code under
    # test (bench and the toy kinds in tests/) whatever the driver's working directory or the installed copy.
    root = str(Path(__file__).resolve().parents[3])
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, saved]))
    try:
        cluster = Cluster(initialize_head=True, head_node_args=node)
        try:
            cluster.add_node(**node)
            cluster.wait_for_nodes()
            yield cluster.address, cluster
        finally:
            cluster.shutdown()
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


@pytest.fixture
def toy_kinds():
    for kind, cls in KINDS.items():
        register(kind)(cls)
    yield KINDS
    for kind in KINDS:
        unregister(kind)
