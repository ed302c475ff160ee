"""Where a run's chunks are generated: ``local`` (this process, the default) or ``ray`` (a Ray cluster).

Every executor yields finished :class:`~bench.run.generate.Unit` s to the driver, which alone writes the
prediction cache (one writer, append + fsync per chunk) and the run directory. The units of work are the
same everywhere — (system, target, chunk of articles), longest articles first — so a Ray run and a local run
give the same predictions, bit for bit, and resume from the same cache.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bench.article import Article
from bench.run.executors.settings import RaySettings
from bench.run.generate import Progress, Unit
from bench.systems.base import System, Task

__all__ = ["EXECUTORS", "Executor", "SystemJob", "SystemReport", "create_executor", "system_stats"]

log = logging.getLogger(__name__)

EXECUTORS = ("local", "ray")


@dataclass
class SystemJob:
    """One system of the run and the articles it generates for (its ``sample:`` or the whole run)."""

    system: System  # built from the config, not loaded (workers build their own from its class and config)
    articles: list[Article]
    few_shot: list[Article] = field(default_factory=list)


@dataclass
class SystemReport:
    """Per system, for the manifest: load seconds and the system's run_stats (summed over workers)."""

    load_s: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)


class Executor(Protocol):
    name: str
    reports: dict[str, SystemReport]  # system name -> report, filled as each system's units are yielded

    def units(
        self,
        jobs: Sequence[SystemJob],
        tasks: Sequence[Task],
        cache_root: Path,
        *,
        use_cache: bool,
        chunk_size: int,
        progress: Progress,
    ) -> Iterator[Unit]:
        """Every job's units (one per task, in job then task order), each yielded once finished."""
        ...

    def describe(self) -> dict[str, Any]:
        """The manifest's ``executor`` entry (name, and for Ray the cluster: nodes, CPUs, GPUs, version)."""
        ...

    def close(self) -> None: ...


def create_executor(name: str, ray: RaySettings | None = None) -> Executor:
    """The executor ``run.executor`` names; Ray is imported only when asked for."""
    if name == "ray":
        from bench.run.executors.ray import RayExecutor

        return RayExecutor(ray or RaySettings())
    from bench.run.executors.local import LocalExecutor

    return LocalExecutor()


def system_stats(system: Any) -> dict[str, Any]:
    """``system.run_stats()``, or {} (logged) when it fails: bookkeeping never ends a run."""
    try:
        return system.run_stats()
    except Exception:
        log.warning("system %s: run_stats() failed", system.name, exc_info=True)
        return {}
