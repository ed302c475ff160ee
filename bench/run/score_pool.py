"""Scoring a large unit on the cores the driver has: its slices go to worker processes, values come back in order.

``run.score_workers`` (``auto``: the CPUs this process may use; 1: everything in the driver, as before)
sizes a :class:`ScorePool`. A unit is scored in slices of ``SLICE_ROWS`` when every metric is
item-independent (:mod:`bench.run.stream`); when it has two slices or more, the slices of the metrics that
are ``parallel_safe`` (cheap CPU work: ROUGE, the extras without embeddings) go to the pool, and the driver
scores the others (models are never loaded once per process) on the same slices meanwhile. Slice ``k`` of
every unit goes to worker ``k mod N``: the units of a run share their articles, and a worker's caches
(articles tokenized once, references split once) then serve it again. Once a unit's slices are in, each
pooled metric's ``aggregate`` (the seeded bootstrap CIs) runs in a worker of its own, at once.

The numbers, the files and the notes are those of one process: the same slices are scored by instances of
the same metrics built from the same configs, the values come back in slice order, and each slice's side
state (:meth:`~bench.metrics.base.Metric.take_state`) is merged into the driver's instance in that order,
so notes(), the signature and summary.json do not change. Workers are spawned (a fresh interpreter: safe
beside torch's threads and Ray's, which a fork would copy in whatever state they are in), started the
first time a unit can use them, reused for every later unit, and stopped by :meth:`ScorePool.close` (also
on an error or Ctrl-C, which they ignore; a worker whose driver died leaves by itself). Under the Ray
executor the pool runs beside the driver on the driver's machine: Ray's workers generate, the driver's
cores score. As with any spawned process, a worker imports the driver's main module: a script that calls
:func:`bench.run.execute.execute` needs the ``if __name__ == "__main__":`` idiom (``bench run`` has it).
"""

from __future__ import annotations

import collections
import logging
import multiprocessing
import os
import pickle
import queue
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from bench.article import Article
from bench.errors import BenchError, MetricError
from bench.metrics.base import Item, Metric, Values
from bench.metrics.stats import Interval
from bench.run.generate import Unit
from bench.run.score import ScoreArrays, aggregate_rows, merge_per_article, slice_items
from bench.run.score_worker import worker_main

__all__ = ["ScorePool", "ScoreWorkerError", "parallel_metrics", "slice_values", "aggregate_values"]

log = logging.getLogger(__name__)
T = TypeVar("T")

_IN_FLIGHT = 2  # slices queued per worker: one scored, one waiting, so a worker never idles for the driver
_POLL_S = 0.2  # how often the driver looks whether the worker it waits for is still alive
_STOP_S = 5.0  # how long close() waits for a worker to leave before it terminates it
_ARTICLES_KEPT = 20_000  # articles a worker keeps for the next units (each sent once; both sides clear when full)


class ScoreWorkerError(BenchError):
    """A score worker process stopped without answering (killed, out of memory)."""


def parallel_metrics(metrics: Sequence[Metric]) -> list[Metric]:
    """The metrics a pool may score: item-independent and parallel-safe (the others stay in the driver)."""
    return [m for m in metrics if getattr(m, "item_independent", False) and getattr(m, "parallel_safe", False)]


@dataclass
class _Worker:
    process: Any
    tasks: Any
    results: Any


class ScorePool:
    """Up to ``processes`` spawned workers scoring slices with ``metrics`` (the driver's instances, which
    the workers' side state is merged into); see the module docstring. Started with :meth:`ensure`."""

    def __init__(self, metrics: Sequence[Metric], processes: int) -> None:
        self.metrics = list(metrics)
        self.processes = processes
        self._specs = [(type(m), m.config) for m in self.metrics]
        for metric, spec in zip(self.metrics, self._specs):
            try:
                pickle.dumps(spec)
            except Exception as exc:  # noqa: BLE001
                raise MetricError(
                    f"metric {metric.name!r} is parallel_safe but its class or config cannot be sent to a score "
                    f"worker ({exc}); define it at module level, or set run.score_workers: 1"
                ) from None
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._sent: list[dict[int, Article]] = []  # per worker, the articles it keeps, by id() (held: ids stay unique)
        self.started = 0  # workers started so far (the most that scored at once)

    def ensure(self, count: int) -> None:
        """Have ``min(count, processes)`` workers running (started here, once)."""
        threads = max(1, _cpus() // max(1, self.processes))
        while len(self._workers) < min(count, self.processes):
            tasks, results = self._context.Queue(), self._context.Queue()
            process = self._context.Process(
                target=worker_main,
                args=(tasks, results, self._specs, os.getpid(), threads),
                name=f"bench-score-{len(self._workers)}",
                daemon=True,  # never outlives the driver's interpreter
            )
            process.start()
            self._workers.append(_Worker(process, tasks, results))
            self._sent.append({})
            self.started = max(self.started, len(self._workers))
        log.debug("score pool: %d worker(s)", len(self._workers))

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers]

    def imap(self, slices: Iterable[list[Item]], label: str) -> Iterator[tuple[list[Item], list[list[Values]]]]:
        """(items, per metric their values) for each slice, in order; each slice's side state is merged into
        the driver's metrics before it is yielded. ``label`` names the unit in errors. Leaving early (an
        error here or in the caller) stops the workers: their queues may hold this unit's slices."""
        if not self._workers:
            raise RuntimeError("ScorePool.imap before ensure()")
        pending: collections.deque[tuple[int, list[Item]]] = collections.deque()
        source, count, sent, finished = iter(slices), len(self._workers), 0, False
        try:
            while True:
                while len(pending) < _IN_FLIGHT * count and (items := next(source, None)) is not None:
                    task = (sent, "score", self._pack(sent % count, items))  # slice k: worker k mod N
                    self._workers[sent % count].tasks.put(task)
                    pending.append((sent, items))
                    sent += 1
                if not pending:
                    finished = True
                    return
                index, items = pending.popleft()
                yield items, self._answer(self._workers[index % count], index, label)
        finally:
            if not finished:
                self.close(now=True)

    def _pack(self, k: int, items: list[Item]) -> tuple[list[tuple], dict[int, Article], bool]:
        """A slice for worker ``k``: (prediction, references, target, article key) per item, the articles it does
        not keep yet (the units of a run share theirs: each goes to a worker once), and whether it must first
        forget those it keeps (it keeps at most _ARTICLES_KEPT)."""
        kept, new = self._sent[k], {}
        for item in items:
            if id(item.article) not in kept:
                new[id(item.article)] = item.article
        reset = len(kept) + len(new) > _ARTICLES_KEPT
        if reset:
            kept.clear()
            new = {id(item.article): item.article for item in items}
        kept.update(new)
        return [(it.prediction, it.references, it.target, id(it.article)) for it in items], new, reset

    def _answer(self, worker: _Worker, index: int, label: str) -> list[list[Values]]:
        """The worker's answer for slice ``index``, its states merged; its error raised; its death a
        ScoreWorkerError."""
        while True:
            try:
                got, values, states, error = worker.results.get(timeout=_POLL_S)
                break
            except queue.Empty:
                if not worker.process.is_alive():
                    try:  # an answer may have been on its way when it stopped
                        got, values, states, error = worker.results.get(timeout=_POLL_S)
                        break
                    except queue.Empty:
                        raise ScoreWorkerError(
                            f"{label}: score worker {worker.process.name} (pid {worker.process.pid}) stopped with "
                            f"exit code {worker.process.exitcode} before answering (its error, if any, is above; a "
                            "script that runs bench needs the `if __name__ == '__main__':` idiom, as workers are "
                            "spawned; killed or out of memory: fewer run.score_workers); run.score_workers: 1 "
                            "scores in the driver"
                        ) from None
        if error is not None:
            raise error
        if got != index:
            raise RuntimeError(f"{label}: score worker answered task {got} where task {index} was due")
        for metric, state in zip(self.metrics, states or ()):
            metric.merge_state(state)
        return values

    def aggregate(self, arrays: ScoreArrays, label: str, meanwhile: Callable[[], T]) -> tuple[list[dict], T]:
        """Each of the pool's metrics' ``aggregate`` over a unit's ``arrays``, metric i in worker i mod N, while
        the driver runs ``meanwhile()``: (per metric its corpus numbers, what ``meanwhile`` returned)."""
        count = len(self._workers)
        with tempfile.TemporaryDirectory(prefix="bench-score-") as folder:
            # through files, not the queues: the workers map the arrays, the driver makes no pickled copy of them
            # (at 200,000 articles that copy was tens of MB per pooled metric at the run's peak)
            shared = ArraysOnDisk.write(arrays, Path(folder))
            try:
                for i, metric in enumerate(self.metrics):
                    keys = tuple(c.key for c in metric.columns() if c.key in arrays.keys)
                    self._workers[i % count].tasks.put((i, "aggregate", (i, shared.only(keys))))
                here = meanwhile()
                return [self._answer(self._workers[i % count], i, label) for i in range(len(self.metrics))], here
            except BaseException:
                self.close(now=True)  # answers may still be queued: these workers cannot serve the next unit
                raise

    def close(self, now: bool = False) -> None:
        """Stop every worker and free the queues; idempotent. Asked to leave, terminated if still there after
        a wait; ``now`` (an error, Ctrl-C: slices may still be queued): terminated at once."""
        workers, self._workers, self._sent = self._workers, [], []
        for w in workers:
            if now:
                w.process.terminate()
                continue
            try:
                w.tasks.put(None)
            except (OSError, ValueError):  # its queue is already closed
                w.process.terminate()
        for w in workers:
            w.process.join(_STOP_S)
            if w.process.is_alive():
                w.process.terminate()
                w.process.join(_STOP_S)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            for q in (w.tasks, w.results):
                q.cancel_join_thread()  # what is still queued is not waited for
                q.close()

    def __enter__(self) -> ScorePool:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(now=kind is not None)


def slice_values(
    unit: Unit, size: int, metrics: Sequence[Metric], pool: ScorePool | None
) -> Iterator[tuple[int, list[dict[str, float | None]]]]:
    """(start, per-article values) for each slice of ``size`` rows of ``unit``, in order, each row's keys in
    metric order as :func:`~bench.run.score.score_values` gives them: the pool's metrics scored by its
    workers, the others here; every metric here when ``pool`` is None."""
    pooled = [id(m) for m in pool.metrics] if pool is not None else []
    local = [m for m in metrics if id(m) not in pooled]
    slices = (slice_items(unit, unit.rows[s : s + size]) for s in range(0, len(unit.rows), size))
    if pool is None:
        answers: Iterator[tuple[list[Item], list[list[Values]]]] = ((items, []) for items in slices)
    else:  # read to its end: a pool's imap left half-read stops the pool
        answers = pool.imap(slices, f"{unit.system} on {unit.target}")
    for k, (items, pooled_values) in enumerate(answers):
        by_metric = dict(zip(pooled, pooled_values))
        for metric in local:
            by_metric[id(metric)] = metric.score(items)
        yield k * size, merge_per_article(len(items), [by_metric[id(m)] for m in metrics])


@dataclass(frozen=True)
class ArraysOnDisk:
    """A unit's score arrays saved as two ``.npy`` files for a score worker's aggregate: it maps them and reads
    only the columns ``keys`` of its metric (no hashes)."""

    all_keys: tuple[str, ...]
    values: str
    given: str
    keys: tuple[str, ...] = ()

    @classmethod
    def write(cls, arrays: ScoreArrays, folder: Path) -> ArraysOnDisk:
        assert arrays.given is not None, "a unit's arrays are aggregated before finish()"
        values, given = folder / "values.npy", folder / "given.npy"
        np.save(values, arrays.values)
        np.save(given, arrays.given)
        return cls(tuple(arrays.keys), str(values), str(given))

    def only(self, keys: tuple[str, ...]) -> ArraysOnDisk:
        return ArraysOnDisk(self.all_keys, self.values, self.given, keys)

    def load(self) -> ScoreArrays:
        at = [self.all_keys.index(k) for k in self.keys]
        values, given = np.load(self.values, mmap_mode="r"), np.load(self.given, mmap_mode="r")
        return ScoreArrays([], self.keys, np.asarray(values[:, at]), np.asarray(given[:, at]))


def aggregate_values(
    unit: Unit, arrays: ScoreArrays, metrics: Sequence[Metric], pool: ScorePool | None
) -> dict[str, Interval]:
    """:func:`~bench.run.score.aggregate_rows` of a unit's ``arrays``: the pool's metrics in its workers (each
    in its own, the bootstraps at once), the others here meanwhile; all here when ``pool`` is None."""
    if pool is None:
        return aggregate_rows(metrics, arrays.rows())
    pooled = [id(m) for m in pool.metrics]
    local = [m for m in metrics if id(m) not in pooled]
    remote, here = pool.aggregate(
        arrays, f"{unit.system} on {unit.target}", lambda: {id(m): m.aggregate(arrays.rows()) for m in local}
    )
    by_metric = {**dict(zip(pooled, remote)), **here}
    out: dict[str, Interval] = {}
    for metric in metrics:  # in metric order, as aggregate_rows gives them
        out.update(by_metric[id(metric)])
    return out


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
