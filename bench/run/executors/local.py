"""The local executor: every system in this process, one after the other, chunk by chunk (the default)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.run.executors import SystemJob, SystemReport, system_stats
from bench.run.generate import Progress, Unit, run_system
from bench.systems.base import Task

__all__ = ["LocalExecutor"]


class LocalExecutor:
    name = "local"

    def __init__(self) -> None:
        self.reports: dict[str, SystemReport] = {}

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
        for job in jobs:
            units, load_s = run_system(
                job.system,
                tasks,
                job.articles,
                cache_root,
                use_cache=use_cache,
                chunk_size=chunk_size,
                progress=progress,
            )
            self.reports[job.system.name] = SystemReport(load_s, system_stats(job.system))
            yield from units

    def describe(self) -> dict[str, Any]:
        return {"name": self.name}

    def close(self) -> None:
        pass
