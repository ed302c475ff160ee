"""Reaching a Ray cluster: an embedded local one started (and stopped) by the run, or an existing one.

Ray binds a local instance to this machine's external address unless told otherwise; the embedded instance
is pinned to 127.0.0.1 (Ray may map that to the node's own address, the same for driver and workers), with
no dashboard and an object store sized from the corpus, so it starts in seconds and never hangs on an
address mismatch.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from bench.errors import RunError
from bench.run.executors.settings import RayResources, RaySettings

__all__ = ["Cluster", "connect", "check_feasible"]

log = logging.getLogger(__name__)

_MB = 1024 * 1024


@dataclass
class Cluster:
    """A connection to a Ray cluster; ``owned`` when this run started it (and so stops it)."""

    address: str
    owned: bool
    attached: bool  # ray was already initialised by the caller: left connected at the end
    startup_s: float
    nodes: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        import ray

        return {
            "address": self.address,
            "embedded": self.owned,
            "ray_version": ray.__version__,
            "nodes": len(self.nodes),
            "cpus": sum(n.get("CPU", 0.0) for n in self.nodes),
            "gpus": sum(n.get("GPU", 0.0) for n in self.nodes),
            "startup_s": round(self.startup_s, 3),
        }

    def refresh(self) -> None:
        import ray

        self.nodes = [dict(n["Resources"]) for n in ray.nodes() if n.get("Alive")]

    def close(self) -> None:
        import ray

        if not self.attached and ray.is_initialized():
            ray.shutdown()


def connect(settings: RaySettings, store_bytes: int) -> Cluster:
    """Start an embedded Ray (address ``local``) or connect to the one at ``settings.address``."""
    import ray

    start = time.perf_counter()
    if ray.is_initialized():  # a script that set Ray up itself: use its connection, leave it open
        cluster = Cluster("attached", owned=False, attached=True, startup_s=0.0)
        cluster.refresh()
        return cluster
    common: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.WARNING,
        "runtime_env": settings.runtime_env,
    }
    owned = settings.address == "local"
    if owned:
        store = settings.object_store_mb * _MB if settings.object_store_mb else max(128 * _MB, 3 * store_bytes)
        common.update(object_store_memory=store, _node_ip_address=settings.node_ip_address or "127.0.0.1")
    elif settings.node_ip_address:
        common["_node_ip_address"] = settings.node_ip_address
    if not owned:
        _reachable(settings.address)
    try:
        ray.init(address=settings.address, **common)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RunError(
            f"run.ray.address {settings.address!r}: cannot reach Ray ({first}); start the cluster with `ray start` "
            "on each node, or leave address out for an embedded local Ray"
        ) from None
    cluster = Cluster(settings.address, owned=owned, attached=False, startup_s=time.perf_counter() - start)
    cluster.refresh()
    log.info("ray: %s, %d node(s), started in %.1f s", settings.address, len(cluster.nodes), cluster.startup_s)
    return cluster


def _reachable(address: str) -> None:
    """Fail in seconds, not after Ray's minutes of retries, when nothing listens at a HOST:PORT address."""
    if address == "auto":
        return
    import ray.util

    host, _, port = address.removeprefix("ray://").rpartition(":")
    hosts = [host]
    if host in ("localhost", "127.0.0.1", "::1"):  # Ray itself connects to this machine's address instead
        hosts.append(ray.util.get_node_ip_address())
    problem = ""
    for candidate in hosts:
        try:
            socket.create_connection((candidate, int(port)), timeout=5).close()
            return
        except OSError as exc:
            problem = exc.strerror or str(exc)
    raise RunError(
        f"run.ray.address {address!r}: nothing answers there ({problem}); start the cluster "
        "(`ray start --head` on its head node) or fix the address"
    )


def check_feasible(cluster: Cluster, system: str, want: RayResources) -> None:
    """Fail with the field to change when no node of an embedded cluster can ever hold one worker; on an
    existing cluster warn instead (its autoscaler may yet add such a node)."""
    fits = (
        any(n.get("CPU", 0.0) >= want.num_cpus and n.get("GPU", 0.0) >= want.num_gpus for n in cluster.nodes)
        or not cluster.nodes
    )
    if fits:
        return
    best_cpu = max(n.get("CPU", 0.0) for n in cluster.nodes)
    best_gpu = max(n.get("GPU", 0.0) for n in cluster.nodes)
    message = (
        f"run.ray.resources.{system}: one worker asks for num_cpus {want.num_cpus:g} and num_gpus "
        f"{want.num_gpus:g}, but the largest node has {best_cpu:g} CPU(s) and {best_gpu:g} GPU(s)"
    )
    if cluster.owned:
        raise RunError(f"{message}; lower them (or run on a cluster that has such a node)")
    log.warning("%s; waiting for the cluster to add such a node", message)
