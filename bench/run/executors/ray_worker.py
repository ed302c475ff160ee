"""What runs on a Ray worker: a system built there from its class and config, fed articles by index.

The driver puts the run's articles into the object store once, packed as two numpy arrays (pickled
articles back to back, and their offsets), so every worker on a node maps the same shared memory without
a copy and a chunk travels as a list of indices. A corpus path need not exist on the workers.

A system with a model (its class overrides ``load``) runs in a :class:`ChunkWorker` actor: loaded once per
worker, then fed chunk after chunk. A system without one runs each chunk as a plain task
(:func:`run_chunk`): nothing to load, and Ray spreads the tasks over free CPUs.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.article import Article
from bench.run.generate import ChunkResult, compute_chunk, error_text, parameters_of
from bench.systems.base import System, Task

__all__ = ["SystemSpec", "pack_articles", "unpack_articles", "run_chunk", "ChunkWorker", "merge_stats", "has_model"]


@dataclass
class SystemSpec:
    """How a worker builds a system: its class (pickled by reference), name, typed config, few-shot examples."""

    cls: type[System]
    name: str
    config: Any
    few_shot: list[Article] = field(default_factory=list)

    @classmethod
    def of(cls, system: System, few_shot: Sequence[Article]) -> SystemSpec:
        return cls(type(system), system.name, system.config, list(few_shot))

    def build(self) -> System:
        system = self.cls(self.name, self.config)
        system.use_examples(self.few_shot)  # as on the driver, before anything else
        return system


def has_model(system: System) -> bool:
    """Whether the system loads something (an actor keeps it), else each chunk is a plain task."""
    return type(system).load is not System.load


def pack_articles(articles: Sequence[Article]) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, bytes): article i is ``pickle.loads(bytes[offsets[i]:offsets[i + 1]])``."""
    blobs = [pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL) for a in articles]
    offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in blobs], out=offsets[1:])
    return offsets, np.frombuffer(b"".join(blobs), dtype=np.uint8)


def unpack_articles(packed: tuple[np.ndarray, np.ndarray], indices: Sequence[int]) -> list[Article]:
    offsets, data = packed
    view = memoryview(data)
    return [pickle.loads(view[offsets[i] : offsets[i + 1]]) for i in indices]


def run_chunk(
    spec: SystemSpec, packed: tuple[np.ndarray, np.ndarray], task: Task, indices: list[int]
) -> tuple[ChunkResult, dict[str, Any]]:
    """A plain task: build the system, summarize the chunk; (result, the system's run_stats for it)."""
    system = spec.build()
    result = compute_chunk(system, task, unpack_articles(packed, indices))
    stats = _stats(system)
    system.close()
    return result, stats


class ChunkWorker:
    """An actor holding one loaded system; restarted by Ray (and its chunk retried) if its process dies."""

    def __init__(self, spec: SystemSpec) -> None:
        self.spec = spec
        self.system: System | None = None
        self.load_error: str | None = None

    def load(self) -> tuple[str | None, float, int | None]:
        """(load error or None, load seconds, the model's parameters)."""
        start = time.perf_counter()
        if self.system is None and self.load_error is None:
            system = self.spec.build()
            try:
                system.load()
                self.system = system
            except Exception as exc:  # noqa: BLE001 — reported to the driver, which fails this system's units
                self.load_error = error_text(exc)
        size = parameters_of(self.system) if self.system is not None else None
        return self.load_error, time.perf_counter() - start, size

    def run(self, packed: tuple[np.ndarray, np.ndarray], task: Task, indices: list[int]) -> ChunkResult:
        """``packed``: the run's articles, resolved by Ray from the object store (mapped, not copied)."""
        if self.system is None:  # a restarted actor loads again before its retried chunk
            self.load()
        if self.system is None:
            return ChunkResult(None, self.load_error or "load failed")
        return compute_chunk(self.system, task, unpack_articles(packed, indices))

    def stats(self) -> dict[str, Any]:
        return _stats(self.system) if self.system is not None else {}


def _stats(system: System) -> dict[str, Any]:
    try:
        return system.run_stats()
    except Exception:  # noqa: BLE001 — bookkeeping never fails a chunk
        return {}


def merge_stats(into: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """Counts from several workers summed (nested dicts merged); anything else keeps the first value."""
    for key, value in more.items():
        old = into.get(key)
        if key not in into:
            into[key] = dict(value) if isinstance(value, dict) else value
        elif isinstance(old, dict) and isinstance(value, dict):
            merge_stats(old, value)
        elif _number(old) and _number(value):
            into[key] = round(old + value, 6) if isinstance(old + value, float) else old + value
    return into


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
