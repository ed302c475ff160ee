"""One system's workers on Ray, and the stream that feeds them chunks and hands results back in order.

Chunks are dispatched in the order the local executor runs them, a bounded window ahead of the driver, to
whichever worker is free; results are handed to the driver strictly in that order. So the driver caches
exactly what a local run caches, in the same order — including a unit whose system fails on some chunk: its
earlier chunks are kept and its later ones dropped (never cached), as locally.

A worker that dies mid-chunk costs nothing: a task is retried by Ray on another worker (on any node left), up
to ``max_retries`` times. An actor's chunks come back to the driver as lost (Ray does not retry them: an
actor whose node died may never find room to restart, and chunks queued on it would wait forever), and the
driver sends each again to an actor that is alive, up to ``max_retries`` times; the lost actor rejoins once
Ray has restarted it and it has loaded its model again. Only a result that reaches the driver is cached, so
every prediction is cached exactly once. Past the retries, the chunk fails its unit with the worker's error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import ray
from ray.exceptions import RayActorError, RayError

from bench.run.executors.ray_worker import ChunkWorker, SystemSpec, merge_stats, run_chunk
from bench.run.executors.settings import RayResources
from bench.run.generate import ChunkResult
from bench.systems.base import Task

__all__ = ["ActorPool", "TaskPool", "ChunkStream", "Lost"]

log = logging.getLogger(__name__)

_PER_ACTOR = 2  # chunks queued on an actor: one running, one waiting, so it never idles on the driver


def _died(exc: BaseException) -> ChunkResult:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return ChunkResult(None, f"ray worker failed: {type(exc).__name__}: {text}"[:500])


class Lost(ChunkResult):
    """A chunk whose actor died or became unreachable before it answered: to be sent to another actor."""


class TaskPool:
    """A system without a model: each chunk is a plain task, at most ``num_workers`` at a time."""

    def __init__(self, spec: SystemSpec, corpus: Any, want: RayResources, max_retries: int) -> None:
        self.spec, self.corpus, self.width = ray.put(spec), corpus, int(want.num_workers or 1)
        self.max_retries = max_retries  # Ray's own, per task: nothing comes back Lost
        self.remote = ray.remote(run_chunk).options(
            num_cpus=want.num_cpus, num_gpus=want.num_gpus, max_retries=max_retries, retry_exceptions=False
        )
        self.in_flight = 0
        self.stats: dict[str, Any] = {}

    def start(self) -> tuple[str | None, float, int | None]:
        return None, 0.0, None

    def loading(self) -> list[Any]:
        return []

    def loaded(self, ref: Any) -> None:  # pragma: no cover — a task pool has nothing loading
        pass

    def free(self) -> bool:
        return self.in_flight < self.width

    def submit(self, task: Task, indices: list[int]) -> Any:
        self.in_flight += 1
        return self.remote.remote(self.spec, self.corpus, task, indices)

    def collect(self, ref: Any) -> ChunkResult:
        self.in_flight -= 1
        try:
            result, stats = ray.get(ref)
        except RayError as exc:
            return _died(exc)
        merge_stats(self.stats, stats)
        return result

    def close(self) -> dict[str, Any]:
        return self.stats


class ActorPool:
    """A system with a model: ``num_workers`` actors, each loading it once; chunks go to ready actors."""

    def __init__(self, spec: SystemSpec, corpus: Any, want: RayResources, max_retries: int) -> None:
        cls = ray.remote(ChunkWorker).options(
            num_cpus=want.num_cpus,
            num_gpus=want.num_gpus,
            max_restarts=max_retries,
            max_task_retries=0,  # a lost chunk comes back Lost and the driver sends it to a live actor
        )
        self.width, self.max_retries = int(want.num_workers or 1), max_retries
        self.corpus = corpus
        self.actors = [cls.remote(spec) for _ in range(self.width)]
        self.pending_loads = {a.load.remote(): a for a in self.actors}
        self.ready: dict[Any, int] = {}  # actor -> chunks in flight
        self.owner: dict[Any, Any] = {}  # chunk ref -> actor

    def start(self) -> tuple[str | None, float, int | None]:
        """Wait for the first actor's load: (its error — the system's load error — or None, seconds, parameters)."""
        while self.pending_loads:
            done, _ = ray.wait(list(self.pending_loads), num_returns=1)
            reply = self._load_reply(done[0])
            if reply is not None:
                return reply
        return "ray worker failed: every worker died while loading", 0.0, None

    def _load_reply(self, ref: Any) -> tuple[str | None, float, int | None] | None:
        actor = self.pending_loads.pop(ref)
        try:
            error, seconds, size = ray.get(ref)
        except RayError as exc:
            log.warning("a ray worker died while loading: %s", _died(exc).error)
            return None
        if error is None:
            self.ready[actor] = 0
        return error, seconds, size

    def loading(self) -> list[Any]:
        return list(self.pending_loads)

    def loaded(self, ref: Any) -> None:
        """A later actor finished loading: it joins the pool (or, if its load failed, is let go)."""
        actor = self.pending_loads.get(ref)
        reply = self._load_reply(ref)
        if reply is not None and reply[0] is not None:
            log.warning("a ray worker could not load its system (%s); the others go on", reply[0])
            ray.kill(actor)

    def free(self) -> bool:
        return any(n < _PER_ACTOR for n in self.ready.values())

    def submit(self, task: Task, indices: list[int]) -> Any:
        actor = min(self.ready, key=self.ready.__getitem__)
        self.ready[actor] += 1
        ref = actor.run.remote(self.corpus, task, indices)
        self.owner[ref] = actor
        return ref

    def collect(self, ref: Any) -> ChunkResult:
        actor = self.owner.pop(ref)
        if actor in self.ready:
            self.ready[actor] -= 1
        try:
            return ray.get(ref)
        except RayActorError as exc:
            self._lose(actor, exc)
            return Lost(None, _died(exc).error)
        except RayError as exc:
            return _died(exc)

    def _lose(self, actor: Any, exc: BaseException) -> None:
        """No more chunks for ``actor`` until Ray has restarted it and it has loaded again (if ever)."""
        if self.ready.pop(actor, None) is not None:
            log.warning("a ray worker was lost (%s); its chunks go to the others", _died(exc).error)
            # retried for as long as Ray restarts the actor: it answers once back, or fails once dead for good
            self.pending_loads[actor.load.options(max_task_retries=-1).remote()] = actor

    def close(self) -> dict[str, Any]:
        """Stop every actor; returns their run_stats summed (from those still alive)."""
        stats: dict[str, Any] = {}
        for reply in _quietly([a.stats.remote() for a in self.ready]):
            merge_stats(stats, reply)
        for actor in self.actors:
            ray.kill(actor)
        return stats


def _quietly(refs: Sequence[Any]) -> list[Any]:
    out = []
    for ref in refs:
        try:
            out.append(ray.get(ref, timeout=60))
        except RayError:
            pass
    return out


class ChunkStream:
    """Chunks (task, article indices, unit number) dispatched a bounded window ahead; results in order."""

    def __init__(self, pool: TaskPool | ActorPool, chunks: list[tuple[Task, list[int], int]], window: int) -> None:
        self.pool, self.chunks, self.window = pool, chunks, window
        self.next = 0  # next chunk to dispatch
        self.applied = 0  # chunks before this one were handed to the driver
        self.pending: dict[Any, int] = {}  # ref -> chunk number
        self.done: dict[int, ChunkResult] = {}
        self.dropped: set[int] = set()  # units the driver gave up on
        self.resend: list[int] = []  # chunks lost with their worker, to dispatch again before new ones
        self.tries: dict[int, int] = {}  # chunk number -> times it was lost
        self.waited = 0.0  # seconds the driver spent waiting for workers

    def result(self, i: int) -> ChunkResult:
        """Chunk ``i``'s result, once every chunk before it has been taken."""
        self.applied = i
        self._fill()  # the window moved: keep every worker busy
        while i not in self.done:
            refs = list(self.pending) + self.pool.loading()
            if not refs:  # nothing running nor starting: every worker is gone for good
                self.done[i] = ChunkResult(None, "ray worker failed: every worker of this system was lost")
                break
            start = time.perf_counter()
            ready, _ = ray.wait(refs, num_returns=1)
            self.waited += time.perf_counter() - start
            for ref in ready:
                if ref in self.pending:
                    self._collect(ref)
                else:
                    self.pool.loaded(ref)
            self._fill()
        return self.done.pop(i)

    def _collect(self, ref: Any) -> None:
        j = self.pending.pop(ref)
        result = self.pool.collect(ref)
        if self.chunks[j][2] in self.dropped:
            return
        if isinstance(result, Lost) and self.tries.get(j, 0) < self.pool.max_retries:
            self.tries[j] = self.tries.get(j, 0) + 1
            self.resend.append(j)
            self.resend.sort()  # the earliest first: the driver applies chunks in order
        else:
            self.done[j] = result

    def ready(self, i: int) -> bool:
        """Whether chunk ``i`` is back already (collects whatever finished, without waiting)."""
        if i not in self.done and self.pending:
            ready, _ = ray.wait(list(self.pending), num_returns=len(self.pending), timeout=0)
            for ref in ready:
                self._collect(ref)
        return i in self.done

    def drop_unit(self, unit: int) -> None:
        """The driver gave up on ``unit`` (its system failed): its later chunks are not sent, nor kept."""
        self.dropped.add(unit)
        for j in [j for j in self.done if self.chunks[j][2] == unit]:
            del self.done[j]

    def _fill(self) -> None:
        while self.resend and self.pool.free():
            j = self.resend.pop(0)
            if self.chunks[j][2] not in self.dropped:
                self.pending[self.pool.submit(*self.chunks[j][:2])] = j
        while self.next < len(self.chunks) and self.next < self.applied + self.window and self.pool.free():
            task, indices, unit = self.chunks[self.next]
            if unit not in self.dropped:
                self.pending[self.pool.submit(task, indices)] = self.next
            self.next += 1
