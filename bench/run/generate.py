"""Orchestrates a run: every (system, target) unit generated through the cache, scored, and recorded.

The unit of work is (system, target, chunk of articles). Each chunk's predictions go to the prediction
cache as soon as they exist, so a killed run loses nothing and the next run resumes where it stopped. A
system that raises is marked failed for its rows; the other systems finish.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bench.article import Article
from bench.run.cache import PredictionCache
from bench.systems.base import System, Task

__all__ = [
    "Progress",
    "NullProgress",
    "PredictionRow",
    "Unit",
    "ChunkResult",
    "UnitWork",
    "plan_unit",
    "compute_chunk",
    "start_unit",
    "apply_chunk",
    "apply_chunks",
    "finish_unit",
    "generate_unit",
    "needs_generation",
    "run_system",
    "error_text",
    "parameters_of",
]

log = logging.getLogger(__name__)


class Progress(Protocol):
    """What the runner reports to a progress display (the CLI renders it; tests pass NullProgress)."""

    def start(self, label: str, total: int, done: int = 0) -> None: ...

    def advance(self, n: int) -> None: ...

    def finish(self) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    def start(self, label: str, total: int, done: int = 0) -> None:
        pass

    def advance(self, n: int) -> None:
        pass

    def finish(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(slots=True)  # one per article and target, held until the unit is written: no __dict__ each
class PredictionRow:
    article: Article
    prediction: str
    cached: bool
    usage: dict[str, Any] | None = None  # what the system reported beside it (e.g. a server's token usage)


@dataclass
class Unit:
    """One system on one target: its predictions, status and timings."""

    system: str
    kind: str
    fingerprint: str
    task: Task
    rows: list[PredictionRow] = field(default_factory=list)
    skipped_no_reference: int = 0
    status: str = "ok"  # ok | failed
    error: str | None = None
    generated: int = 0
    reused: int = 0
    seconds_generate: float = 0.0
    seconds_cached: float = 0.0  # generation time recorded in the cache for the reused predictions
    parameters: int | None = None  # model size, when the system knows it
    upper_bound: bool = False  # the system reads the reference (an oracle)

    @property
    def target(self) -> str:
        return self.task.target

    def fail(self, message: str) -> None:
        self.status, self.error = "failed", message


def error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class ChunkResult:
    """What a worker sends back for one chunk: its outputs (None after the system raised) and extras."""

    outputs: list[str] | None
    error: str | None = None  # the system's one-line error when outputs is None
    seconds: float = 0.0
    extras: list[dict[str, Any] | None] | None = None


@dataclass
class UnitWork:
    """The driver's state of one unit while its chunks are generated (anywhere) and applied (here)."""

    unit: Unit
    eligible: list[Article]
    chunks: list[list[Article]]  # the missing articles, longest first, in chunks of chunk_size
    found: dict[str, str] = field(default_factory=dict)  # content hash -> prediction
    reused: set[str] = field(default_factory=set)  # content hashes taken from the cache
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)  # content hash -> extras, generated here
    copies: dict[str, int] = field(default_factory=dict)  # content hash -> later articles with that content
    started: float = 0.0
    compute_s: float = 0.0  # the system's own seconds on the chunks applied (on whichever worker)


def plan_unit(
    system: System, task: Task, articles: Sequence[Article], cache: PredictionCache, chunk_size: int
) -> UnitWork:
    """What ``task`` still needs from ``system``: the cache's hits, the rest in chunks (longest first)."""
    unit = Unit(system.name, system.kind, cache.fingerprint, task)
    eligible = [a for a in articles if a.reference(task.target) is not None]
    unit.skipped_no_reference = len(articles) - len(eligible)
    found: dict[str, str] = {}
    missing: list[Article] = []
    copies: dict[str, int] = {}  # an article whose content another missing one has: generated once, for both
    for article in eligible:
        hit = cache.get(task.key, article.content_hash)
        if hit is not None:
            found[article.content_hash] = hit
            unit.seconds_cached += cache.seconds(task.key, article.content_hash) or 0.0
        elif article.content_hash in copies:
            copies[article.content_hash] += 1
        else:
            copies[article.content_hash] = 0
            missing.append(article)
    copies = {h: n for h, n in copies.items() if n}
    unit.reused = len(eligible) - len(missing) - sum(copies.values())
    # Longest first across the whole unit, so every chunk (and each batch inside it) holds articles of
    # similar length — less padding — and an out-of-memory batch shows up at the start, not hours in.
    missing.sort(key=lambda a: len(a.body), reverse=True)
    if missing and not _check_whole_task(system, task, eligible, unit):
        missing = []  # the system refused the task as a whole (e.g. a predictions file lacking ids): nothing to do
    chunks = [missing[i : i + chunk_size] for i in range(0, len(missing), chunk_size)]
    return UnitWork(unit, eligible, chunks, found, set(found), copies=copies)


def compute_chunk(system: System, task: Task, chunk: list[Article]) -> ChunkResult:
    """The worker's side of a chunk: the system's outputs (checked) and extras, or its one-line error."""
    start = time.perf_counter()
    try:
        outputs = system.summarize(chunk, task)
        _check_outputs(system, chunk, outputs)
    except Exception as exc:
        log.debug("system %s failed on %s", system.name, task.target, exc_info=True)
        return ChunkResult(None, error_text(exc), time.perf_counter() - start)
    return ChunkResult(outputs, None, time.perf_counter() - start, _extras(system, len(chunk)))


def start_unit(work: UnitWork, progress: Progress) -> None:
    progress.start(f"{work.unit.system} · {work.unit.target}", len(work.eligible), done=work.unit.reused)
    work.started = time.perf_counter()


def apply_chunk(
    work: UnitWork, chunk: list[Article], result: ChunkResult, cache: PredictionCache, progress: Progress
) -> bool:
    """The driver's side of a chunk: cache it (append + fsync), count it, advance the bar. False when the
    system failed on it (the unit is marked failed and its later chunks are not generated, as locally)."""
    return apply_chunks(work, [chunk], [result], cache, progress)


def apply_chunks(
    work: UnitWork, chunks: list[list[Article]], results: list[ChunkResult], cache: PredictionCache, progress: Progress
) -> bool:
    """:func:`apply_chunk` for consecutive chunks of one unit whose results are all in: one append and one
    fsync for all of them (the lines, in order, are those of one append per chunk). A failed chunk fails the
    unit after the chunks before it are cached; False then."""
    done = next((i for i, r in enumerate(results) if r.outputs is None), len(results))
    items: list[tuple[str, str, str]] = []
    seconds: list[float] = []
    extras: list[dict[str, Any] | None] = []
    for chunk, result in zip(chunks[:done], results[:done]):
        outputs = result.outputs or []
        items.extend((a.content_hash, a.id, p) for a, p in zip(chunk, outputs))
        seconds.extend([result.seconds / len(chunk)] * len(chunk) if chunk else [])
        extras.extend(result.extras if result.extras is not None else [None] * len(chunk))
    if items:
        # outside the system's try: a cache that cannot be written (disk full) ends the run, not the unit
        cache.put_many(work.unit.task.key, items, seconds=seconds, extras=extras)
        work.found.update((h, p) for h, _, p in items)
        work.extras.update((h, e) for (h, _, _), e in zip(items, extras) if isinstance(e, dict))
        rows = len(items) + sum(work.copies.get(h, 0) for h, _, _ in items) if work.copies else len(items)
        work.unit.generated += rows
        work.compute_s += sum(r.seconds for r in results[:done])
        progress.advance(rows)
    if done < len(results):
        work.unit.fail(results[done].error or "failed")
        return False
    return True


def finish_unit(work: UnitWork, cache: PredictionCache, progress: Progress) -> Unit:
    """Close the unit's bar and timing; its rows in the order of the articles."""
    unit, key = work.unit, work.unit.task.key
    unit.seconds_generate = time.perf_counter() - work.started
    progress.finish()
    unit.rows = [
        PredictionRow(
            a, work.found[h], h in work.reused, cache.extras(key, h) if h in work.reused else work.extras.get(h)
        )
        for a in work.eligible
        if (h := a.content_hash) in work.found
    ]
    return unit


def generate_unit(
    system: System, task: Task, articles: Sequence[Article], cache: PredictionCache, chunk_size: int, progress: Progress
) -> Unit:
    """Predict ``task`` for every article that has its reference, reusing the cache, chunk by chunk."""
    work = plan_unit(system, task, articles, cache, chunk_size)
    start_unit(work, progress)
    try:
        for chunk in work.chunks:
            if not apply_chunk(work, chunk, compute_chunk(system, task, chunk), cache, progress):
                break
    finally:
        unit = finish_unit(work, cache, progress)
    return unit


def needs_generation(cache: PredictionCache, tasks: Sequence[Task], articles: Sequence[Article]) -> bool:
    """Whether any prediction of these tasks is missing from the cache (else no model needs loading)."""
    return any(
        cache.get(t.key, a.content_hash) is None for t in tasks for a in articles if a.reference(t.target) is not None
    )


def _check_whole_task(system: System, task: Task, eligible: Sequence[Article], unit: Unit) -> bool:
    """The system's look at every article of the task before any generation (counts over the whole run,
    not per chunk); False after marking ``unit`` failed with its one-line reason."""
    try:
        system.check(eligible, [task])
    except Exception as exc:
        log.debug("system %s refused %s", system.name, task.target, exc_info=True)
        unit.fail(error_text(exc))
        return False
    return True


def _extras(system: System, n: int) -> list[dict[str, Any] | None] | None:
    """The system's per-prediction extras for its last chunk, or None when it reports none (or a list that
    does not align with the chunk: logged, never fatal — extras are bookkeeping, not predictions)."""
    try:
        extras = system.prediction_extras()
    except Exception:
        log.warning("system %s: prediction_extras() failed", system.name, exc_info=True)
        return None
    if extras is None:
        return None
    if not isinstance(extras, list) or len(extras) != n:
        log.warning(
            "system %s: prediction_extras() gave %s for %d predictions; not kept", system.name, type(extras).__name__, n
        )
        return None
    return extras


def _check_outputs(system: System, chunk: Sequence[Article], outputs: object) -> None:
    if not isinstance(outputs, list) or len(outputs) != len(chunk):
        got = len(outputs) if isinstance(outputs, list) else type(outputs).__name__
        raise RuntimeError(f"system {system.name!r} returned {got} outputs for {len(chunk)} articles")
    bad = [i for i, p in enumerate(outputs) if not isinstance(p, str)]
    if bad:
        raise RuntimeError(f"system {system.name!r} returned a non-string for article {chunk[bad[0]].id}")


def parameters_of(system: System) -> int | None:
    try:
        return system.parameters()
    except Exception:
        log.debug("system %s: parameters() failed", system.name, exc_info=True)
        return None


def run_system(
    system: System,
    tasks: Sequence[Task],
    articles: Sequence[Article],
    cache_root: Path,
    *,
    use_cache: bool,
    chunk_size: int,
    progress: Progress,
) -> tuple[list[Unit], float]:
    """Load ``system`` once and generate every task; returns (units, load seconds)."""
    # the cache's lock is held until every task of this system is generated: a second run with the same
    # system settings waits, then reuses what this one wrote
    with PredictionCache(cache_root, system.fingerprint(), reuse=use_cache) as cache:
        return _run_cached(system, tasks, articles, cache, chunk_size, progress)


def _run_cached(
    system: System,
    tasks: Sequence[Task],
    articles: Sequence[Article],
    cache: PredictionCache,
    chunk_size: int,
    progress: Progress,
) -> tuple[list[Unit], float]:
    start = time.perf_counter()
    load_error = None
    try:
        if needs_generation(cache, tasks, articles):
            system.load()
    except Exception as exc:
        log.debug("system %s failed to load", system.name, exc_info=True)
        load_error = error_text(exc)
    load_seconds = time.perf_counter() - start
    units = []
    try:
        for task in tasks:
            if load_error is not None:
                unit = Unit(system.name, system.kind, cache.fingerprint, task)
                unit.fail(load_error)
                units.append(unit)
                continue
            units.append(generate_unit(system, task, articles, cache, chunk_size, progress))
        size = parameters_of(system)
        for unit in units:
            unit.parameters = size
            unit.upper_bound = system.upper_bound
    finally:
        try:
            system.close()
        except Exception:
            log.warning("system %s: close() failed", system.name, exc_info=True)
    return units, load_seconds
