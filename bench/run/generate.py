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

__all__ = ["Progress", "NullProgress", "PredictionRow", "Unit", "generate_unit", "run_system"]

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


@dataclass
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
    seconds_score: float = 0.0
    parameters: int | None = None  # model size, when the system knows it
    upper_bound: bool = False  # the system reads the reference (an oracle)
    aggregate: dict[str, Any] | None = None  # rouge type -> corpus aggregate, set when scored
    extra_means: dict[str, float] | None = None  # extra metric -> mean over articles, set when scored

    @property
    def target(self) -> str:
        return self.task.target

    def fail(self, message: str) -> None:
        self.status, self.error = "failed", message


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def generate_unit(
    system: System, task: Task, articles: Sequence[Article], cache: PredictionCache, chunk_size: int, progress: Progress
) -> Unit:
    """Predict ``task`` for every article that has its reference, reusing the cache, chunk by chunk."""
    unit = Unit(system.name, system.kind, cache.fingerprint, task)
    eligible = [a for a in articles if a.reference(task.target) is not None]
    unit.skipped_no_reference = len(articles) - len(eligible)
    found: dict[str, str] = {}
    missing: list[Article] = []
    for article in eligible:
        hit = cache.get(task.key, article.content_hash)
        if hit is not None:
            found[article.content_hash] = hit
            unit.seconds_cached += cache.seconds(task.key, article.content_hash) or 0.0
        else:
            missing.append(article)
    unit.reused = len(eligible) - len(missing)
    # Longest first across the whole unit, so every chunk (and each batch inside it) holds articles of
    # similar length — less padding — and an out-of-memory batch shows up at the start, not hours in.
    missing.sort(key=lambda a: len(a.body), reverse=True)
    if missing and not _check_whole_task(system, task, eligible, unit):
        missing = []  # the system refused the task as a whole (e.g. a predictions file lacking ids): nothing to do
    progress.start(f"{system.name} · {task.target}", len(eligible), done=unit.reused)
    start = time.perf_counter()
    try:
        for i in range(0, len(missing), chunk_size):
            chunk = missing[i : i + chunk_size]
            chunk_start = time.perf_counter()
            outputs = _summarize(system, task, chunk, unit)
            if outputs is None:
                break
            # outside the system's try: a cache that cannot be written (disk full) ends the run, not the unit
            cache.put_many(
                task.key,
                [(a.content_hash, a.id, p) for a, p in zip(chunk, outputs)],
                seconds=time.perf_counter() - chunk_start,
                extras=_extras(system, len(chunk)),
            )
            found.update((a.content_hash, p) for a, p in zip(chunk, outputs))
            unit.generated += len(chunk)
            progress.advance(len(chunk))
    finally:
        unit.seconds_generate = time.perf_counter() - start
        progress.finish()
    reused = {a.content_hash for a in eligible} - {a.content_hash for a in missing}
    unit.rows = [
        PredictionRow(a, found[a.content_hash], a.content_hash in reused, cache.extras(task.key, a.content_hash))
        for a in eligible
        if a.content_hash in found
    ]
    return unit


def _summarize(system: System, task: Task, chunk: list[Article], unit: Unit) -> list[str] | None:
    """The system's outputs for ``chunk``, or None after marking ``unit`` failed with the system's error."""
    try:
        outputs = system.summarize(chunk, task)
        _check_outputs(system, chunk, outputs)
    except Exception as exc:
        log.debug("system %s failed on %s", system.name, task.target, exc_info=True)
        unit.fail(_error_text(exc))
        return None
    return outputs


def _check_whole_task(system: System, task: Task, eligible: Sequence[Article], unit: Unit) -> bool:
    """The system's look at every article of the task before any generation (counts over the whole run,
    not per chunk); False after marking ``unit`` failed with its one-line reason."""
    try:
        system.check(eligible, [task])
    except Exception as exc:
        log.debug("system %s refused %s", system.name, task.target, exc_info=True)
        unit.fail(_error_text(exc))
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


def _parameters(system: System) -> int | None:
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
        needs_model = any(
            cache.get(t.key, a.content_hash) is None
            for t in tasks
            for a in articles
            if a.reference(t.target) is not None
        )
        if needs_model:
            system.load()
    except Exception as exc:
        log.debug("system %s failed to load", system.name, exc_info=True)
        load_error = _error_text(exc)
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
        size = _parameters(system)
        for unit in units:
            unit.parameters = size
            unit.upper_bound = system.upper_bound
    finally:
        try:
            system.close()
        except Exception:
            log.warning("system %s: close() failed", system.name, exc_info=True)
    return units, load_seconds
