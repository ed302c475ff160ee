"""The Ray executor: each system's chunks generated on a Ray cluster, cached and written by the driver alone.

Per system, in config order: the driver opens its prediction cache (and lock), plans every task exactly as
the local executor does (cache hits, then the missing articles longest first, in chunks of ``chunk_size``),
starts the system's workers — actors that load a model once, or plain tasks for systems without one (see
:mod:`~bench.run.executors.ray_worker`) — and applies the chunks' results in the local order: append +
fsync to the cache, progress, unit bookkeeping. Units are yielded as they finish. Ray is started (or
reached) only once some system has something to generate; a fully cached rerun never starts it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.article import Article
from bench.run.cache import PredictionCache
from bench.run.executors import SystemJob, SystemReport, system_stats
from bench.run.executors.ray_cluster import Cluster, check_feasible, connect
from bench.run.executors.ray_worker import SystemSpec, has_model, pack_articles
from bench.run.executors.settings import RaySettings
from bench.run.generate import (
    Progress,
    Unit,
    UnitWork,
    apply_chunks,
    finish_unit,
    needs_generation,
    parameters_of,
    plan_unit,
    start_unit,
)
from bench.systems.base import Task

__all__ = ["RayExecutor"]

log = logging.getLogger(__name__)

_GROUP = 16  # at most this many chunks (already back) per cache append + fsync


class RayExecutor:
    name = "ray"

    def __init__(self, settings: RaySettings) -> None:
        self.settings = settings
        self.reports: dict[str, SystemReport] = {}
        self.cluster: Cluster | None = None
        self.corpus: Any = None  # the object ref of the packed articles
        self.index: dict[int, int] = {}  # id(article) -> its position in the packed articles
        self.workers: dict[str, dict[str, Any]] = {}  # system -> what its workers asked for, for the manifest
        self.waited = 0.0  # seconds the driver waited on workers (the rest of its time is its own work)
        self.shutdown_s: float | None = None

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
            with PredictionCache(cache_root, job.system.fingerprint(), reuse=use_cache) as cache:
                units, report = self._system(job, jobs, tasks, cache, chunk_size, progress)
            self.reports[job.system.name] = report
            yield from units

    def _system(
        self,
        job: SystemJob,
        jobs: Sequence[SystemJob],
        tasks: Sequence[Task],
        cache: PredictionCache,
        chunk_size: int,
        progress: Progress,
    ) -> tuple[list[Unit], SystemReport]:
        """Every task of one system: (its units, load seconds and worker stats)."""
        system, pool = job.system, None
        report = SystemReport()
        error, size = None, parameters_of(system)
        try:
            if needs_generation(cache, tasks, job.articles):
                pool = self._pool(job, jobs)
                error, report.load_s, size = pool.start()
            if error is not None:
                units = [Unit(system.name, system.kind, cache.fingerprint, t) for t in tasks]
                for unit in units:
                    unit.fail(error)
            else:
                works = [plan_unit(system, t, job.articles, cache, chunk_size) for t in tasks]
                units = self._generate(works, pool, cache, progress)
        finally:
            if pool is not None:
                report.stats = pool.close()
            else:
                report.stats = system_stats(system)
            system.close()
        for unit in units:
            unit.parameters = size
            unit.upper_bound = system.upper_bound
        return units, report

    def _pool(self, job: SystemJob, jobs: Sequence[SystemJob]) -> Any:
        from bench.run.executors.ray_pool import ActorPool, TaskPool

        self._connect(jobs)
        assert self.cluster is not None
        want = self.settings.for_system(job.system.name)
        check_feasible(self.cluster, job.system.name, want)
        kind = ActorPool if has_model(job.system) else TaskPool
        self.workers[job.system.name] = {
            "kind": "actors" if kind is ActorPool else "tasks",
            "num_workers": want.num_workers,
            "num_cpus": want.num_cpus,
            "num_gpus": want.num_gpus,
        }
        return kind(SystemSpec.of(job.system, job.few_shot), self.corpus, want, self.settings.max_retries)

    def _connect(self, jobs: Sequence[SystemJob]) -> None:
        """Start or reach Ray and put the run's articles into its object store, once."""
        if self.cluster is not None:
            return
        import ray

        articles: list[Article] = []
        for job in jobs:
            for article in job.articles:
                if id(article) not in self.index:
                    self.index[id(article)] = len(articles)
                    articles.append(article)
        packed = pack_articles(articles)
        self.cluster = connect(self.settings, packed[0].nbytes + packed[1].nbytes)
        self.corpus = ray.put(packed)

    def _generate(self, works: list[UnitWork], pool: Any, cache: PredictionCache, progress: Progress) -> list[Unit]:
        """Apply every unit's chunks in the local order as the workers return them (no pool: all cached).
        Consecutive chunks already back when the driver gets to them go into one append + fsync."""
        from bench.run.executors.ray_pool import ChunkStream

        chunks = [
            (work.unit.task, [self.index[id(a)] for a in chunk], u)
            for u, work in enumerate(works)
            for chunk in work.chunks
        ]
        stream = ChunkStream(pool, chunks, window=4 * pool.width + 2) if chunks else None
        units, first = [], 0
        for u, work in enumerate(works):
            start_unit(work, progress)
            try:
                k = 0
                while k < len(work.chunks):
                    assert stream is not None
                    results = [stream.result(first + k)]
                    while k + len(results) < len(work.chunks) and len(results) < _GROUP:
                        if not stream.ready(first + k + len(results)):
                            break
                        results.append(stream.result(first + k + len(results)))
                    if not apply_chunks(work, work.chunks[k : k + len(results)], results, cache, progress):
                        stream.drop_unit(u)
                        break
                    k += len(results)
            finally:
                units.append(finish_unit(work, cache, progress))
                # the workers' own seconds, not the driver's wall time: chunks of the next unit run while this
                # one is applied, so wall time per unit would mislead; articles/s is then per worker, as locally
                units[-1].seconds_generate = work.compute_s
            first += len(work.chunks)
        self.waited += stream.waited if stream else 0.0
        return units

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {"name": self.name, "address": self.settings.address}
        if self.cluster is None:
            return {**info, "started": False}  # everything came from the cache
        return {
            **info,
            **self.cluster.describe(),
            "max_retries": self.settings.max_retries,
            "systems": self.workers,
            "driver_wait_s": round(self.waited, 3),
            **({"shutdown_s": round(self.shutdown_s, 3)} if self.shutdown_s is not None else {}),
        }

    def close(self) -> None:
        if self.cluster is not None:
            start = time.perf_counter()
            self.cluster.close()
            self.shutdown_s = time.perf_counter() - start
