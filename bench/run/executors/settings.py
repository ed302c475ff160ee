"""The ``run.ray`` section: where the Ray executor runs and what each system's workers ask the cluster for.

```yaml
run:
  executor: ray              # local (default) | ray
  ray:
    address: local           # local: an embedded Ray started and stopped by the run (the default)
                             # auto: the cluster this machine joined with `ray start`
                             # HOST:PORT: that cluster's head (GCS) · ray://HOST:10001: Ray Client
    num_workers: 2           # per system: actors (systems with a model) or tasks in flight (the others)
    resources:               # per system name; num_workers here overrides the one above
      gemma-3-270m: {num_gpus: 1, num_cpus: 2, num_workers: 4}
```
None of these settings changes a number: a Ray run gives the predictions and scores of a local run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bench.errors import ConfigError

__all__ = ["RayResources", "RaySettings"]

_ADDRESS = re.compile(r"(local|auto|ray://[^\s:/]+:\d+|[^\s:/]+:\d+)")


@dataclass(frozen=True)
class RayResources:
    """What one worker of a system asks the cluster for."""

    num_cpus: float = 1.0
    num_gpus: float = 0.0
    num_workers: int | None = None  # None: run.ray.num_workers

    def validate(self, where: str) -> None:
        for name in ("num_cpus", "num_gpus"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{where}.{name}: must be ≥ 0, got {getattr(self, name)}")
        if self.num_workers is not None and self.num_workers < 1:
            raise ConfigError(f"{where}.num_workers: must be ≥ 1, got {self.num_workers}")


@dataclass(frozen=True)
class RaySettings:
    """How the Ray executor reaches its cluster and sizes each system's workers."""

    address: str = "local"
    num_workers: int = 1  # per system
    resources: dict[str, RayResources] = field(default_factory=dict)  # system name -> its workers' needs
    max_retries: int = 3  # a worker process that dies mid-chunk: its chunk is retried this often elsewhere
    node_ip_address: str | None = None  # this driver's address; None: 127.0.0.1 for local, else Ray's pick
    object_store_mb: int | None = None  # embedded Ray only; None: sized from the corpus (at least 128)
    runtime_env: dict[str, Any] | None = None  # passed to ray.init (e.g. pip packages or env_vars for KubeRay)

    def validate(self, where: str) -> None:
        if not _ADDRESS.fullmatch(self.address):
            raise ConfigError(
                f"{where}.address: {self.address!r} is not local, auto, HOST:PORT or ray://HOST:PORT "
                "(e.g. ray://head:10001); leave it out for an embedded local Ray"
            )
        if self.num_workers < 1:
            raise ConfigError(f"{where}.num_workers: must be ≥ 1, got {self.num_workers}")
        if self.max_retries < 0:
            raise ConfigError(f"{where}.max_retries: must be ≥ 0, got {self.max_retries}")
        if self.object_store_mb is not None and self.object_store_mb < 80:
            raise ConfigError(f"{where}.object_store_mb: Ray needs at least 80 MB, got {self.object_store_mb}")

    def for_system(self, name: str) -> RayResources:
        """``name``'s resources with ``num_workers`` filled in."""
        own = self.resources.get(name, RayResources())
        workers = own.num_workers if own.num_workers is not None else self.num_workers
        return RayResources(own.num_cpus, own.num_gpus, workers)
