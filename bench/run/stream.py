"""A run's finished units go to disk as they finish; the driver keeps only what aggregation needs.

:class:`RunStream` is the ``on_unit`` callback of generation: for each finished (system, target) unit it
scores the unit, appends its rows to ``predictions.jsonl`` and ``scores.jsonl`` (temp names, renamed by
:meth:`RunStream.commit`, so neither file is ever torn), and drops the rows, keeping a :class:`UnitRecord`:
the unit's counts and timings, its articles' ids, hashes and per-article scores as float arrays. Memory
then grows by a few bytes per article and column, not by the predictions' text.

Rows are written in the config's order (systems, then targets) whatever order units finish in: a unit
that comes before its turn (another executor) waits in a part file of its own, appended when its turn
comes, so the files are the same for every executor.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bench.files import JsonlAppender
from bench.metrics.base import Column, Metric
from bench.run.generate import Unit
from bench.run.rundir import FILES
from bench.run.score import (
    SLICE_ROWS,
    ScoreArrays,
    item_independent,
    score_unit,
    summary_row,
    unit_cost,
    unit_score_rows,
)
from bench.run.score_pool import ScorePool, aggregate_values, parallel_metrics, slice_values

__all__ = ["RunStream", "StreamedRows", "UnitRecord", "prediction_rows", "release_freed_memory"]


class StreamedRows(Sequence):
    """What a unit's ``rows`` become once written: their count, and a clear error for anything more."""

    def __init__(self, count: int, path: Path) -> None:
        self._count, self._path = count, path

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        raise RuntimeError(
            f"this unit's {self._count} rows were written to {self._path} when it finished and are not kept "
            "in memory; read them with bench.run.rundir.open_run(run_dir).predictions"
        )


@dataclass
class UnitRecord:
    """One finished unit as aggregation needs it: the unit (rows replaced by :class:`StreamedRows`), its
    :class:`~bench.run.score.ScoreArrays` (None when failed or empty), its cost, and its rows' article ids."""

    unit: Unit
    scores: ScoreArrays | None
    cost: dict[str, float]
    ids: list[str] = field(default_factory=list)


def prediction_rows(unit: Unit, rows: Sequence[Any], hashes: Sequence[str]) -> Iterator[dict[str, Any]]:
    """predictions.jsonl's lines for ``rows`` of ``unit`` (``hashes``: each row's article content hash)."""
    for r, h in zip(rows, hashes):
        yield {
            "system": unit.system,
            "target": unit.target,
            "article_id": r.article.id,
            "article_hash": h,
            "prediction": r.prediction,
            "reference": r.article.reference(unit.target),
            "cached": r.cached,
            "fingerprint": unit.fingerprint,
            **({"usage": r.usage} if r.usage else {}),
        }


class RunStream:
    """Scores and writes each finished unit of a run (see the module docstring). ``order``: every
    (system, target) the run will deliver, in the order the files list them; ``score_workers``: processes
    that may score the slices of a large unit (:mod:`bench.run.score_pool`; 1: all in this process). Use in
    a ``with`` block: leaving it without :meth:`commit` removes the temp files and stops the workers."""

    def __init__(
        self,
        run_dir: Path,
        metrics: Sequence[Metric],
        columns: Sequence[Column],
        order: Sequence[tuple],
        score_workers: int = 1,
    ):
        self.run_dir, self.metrics, self.columns = run_dir, list(metrics), list(columns)
        self.score_workers = score_workers  # processes that may score slices (bench.run.score_pool); 1: here
        self._pool: ScorePool | None = None
        self.pooled_units = 0  # units whose slices the pool scored
        self._order = {key: i for i, key in enumerate(order)}
        self._records: list[UnitRecord | None] = [None] * len(order)
        self._files = {name: JsonlAppender(run_dir / FILES[name]) for name in ("predictions", "scores")}
        self._waiting: dict[int, dict[str, JsonlAppender]] = {}  # units that came before their turn
        self._next = 0  # the index of the next unit the files take

    def __enter__(self) -> RunStream:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close_pool(now=kind is not None)  # first: no worker outlives the run, whatever ended it
        for files in [self._files, *self._waiting.values()]:
            for appender in files.values():
                appender.discard()

    def on_unit(self, unit: Unit) -> None:
        """Score ``unit``, append its rows, keep its :class:`UnitRecord` and let its rows go."""
        key = (unit.system, unit.target)
        index = self._order.get(key)
        if index is None or self._records[index] is not None:
            raise ValueError(f"unit {key} was not expected or came twice; expected {list(self._order)}")
        hashes = [sys.intern(r.article.content_hash) for r in unit.rows]  # one string per article, shared
        files = self._files if index == self._next else self._waiting.setdefault(index, self._part_files(index))
        arrays = self._score_and_write(unit, hashes, files) if unit.status == "ok" and unit.rows else None
        if arrays is None:
            files["predictions"].append(prediction_rows(unit, unit.rows, hashes))
        self._records[index] = UnitRecord(unit, arrays, unit_cost(unit), [r.article.id for r in unit.rows])
        unit.rows = StreamedRows(len(unit.rows), self.run_dir / FILES["predictions"])  # type: ignore[assignment]
        self._advance()
        release_freed_memory()

    def _score_and_write(self, unit: Unit, hashes: list[str], files: dict[str, JsonlAppender]) -> ScoreArrays:
        """Score ``unit`` (in slices of SLICE_ROWS when every metric is item-independent, else whole, as
        its numbers may depend on the other items), append its rows, return its arrays."""
        arrays = ScoreArrays.empty(hashes, self.columns)
        if not item_independent(self.metrics):
            scored = score_unit(unit, self.metrics)
            arrays.fill(0, scored.values, unit)  # type: ignore[union-attr]
            files["predictions"].append(prediction_rows(unit, unit.rows, hashes))
            files["scores"].append(unit_score_rows(unit, unit.rows, hashes, scored.values))  # type: ignore[union-attr]
            return arrays.finish(scored.aggregates, scored.seconds)  # type: ignore[union-attr]
        seconds, clock = 0.0, time.perf_counter()
        pool = self._pool_for(-(-len(unit.rows) // SLICE_ROWS))
        for start, values in slice_values(unit, SLICE_ROWS, self.metrics, pool):  # each slice's values in order
            seconds += time.perf_counter() - clock  # scoring, or waiting for the pool (which scores on meanwhile)
            rows, part = unit.rows[start : start + SLICE_ROWS], hashes[start : start + SLICE_ROWS]
            arrays.fill(start, values, unit)
            files["predictions"].append(prediction_rows(unit, rows, part))
            files["scores"].append(unit_score_rows(unit, rows, part, values))
            clock = time.perf_counter()
        clock = time.perf_counter()
        aggregates = aggregate_values(unit, arrays, self.metrics, pool)
        return arrays.finish(aggregates, seconds + time.perf_counter() - clock)

    def _pool_for(self, slices: int) -> ScorePool | None:
        """The score pool when it gains: ``score_workers`` ≥ 2, a unit of two slices or more and a metric it
        may score (started the first time, grown to ``min(slices, score_workers)`` processes)."""
        if self.score_workers < 2 or slices < 2:
            return None
        if self._pool is None:
            metrics = parallel_metrics(self.metrics)
            if not metrics:
                return None
            self._pool = ScorePool(metrics, self.score_workers)
        self._pool.ensure(slices)
        self.pooled_units += 1
        return self._pool

    @property
    def workers_used(self) -> int:
        """The most processes that scored at once: 1 (the driver) unless the pool started."""
        return max(1, self._pool.started) if self._pool is not None else 1

    def close_pool(self, now: bool = False) -> None:
        """Stop the score workers (a later unit would start them again; ``now``: without waiting for queued
        slices); nothing when none started."""
        if self._pool is not None:
            self._pool.close(now)

    def _part_files(self, index: int) -> dict[str, JsonlAppender]:
        return {name: JsonlAppender(self.run_dir / f".{FILES[name]}.unit{index}") for name in self._files}

    def _advance(self) -> None:
        while self._next < len(self._records) and self._records[self._next] is not None:
            for name, part in self._waiting.pop(self._next, {}).items():
                self._files[name].append_from(part)
            self._next += 1

    @property
    def records(self) -> list[UnitRecord]:
        """Every unit delivered so far, in the files' order."""
        return [r for r in self._records if r is not None]

    def commit(self) -> None:
        """Rename predictions.jsonl and scores.jsonl into place (every expected unit must have come)."""
        missing = [key for key, i in self._order.items() if self._records[i] is None]
        if missing:
            raise RuntimeError(f"the run ended without units {missing}; their rows would be missing")
        for appender in self._files.values():
            appender.commit()

    def summary_rows(self) -> list[dict[str, Any]]:
        """summary.json's rows, one per unit, from the kept records."""
        return [summary_row(r.unit, r.scores, self.columns, r.cost) for r in self.records]

    def score_groups(self) -> dict[tuple[str, str], pd.DataFrame]:
        """scores.jsonl split by (system, target), built from the kept arrays (never read back from disk)."""
        return {
            (r.unit.system, r.unit.target): r.scores.frame(r.unit.system, r.unit.target)
            for r in self.records
            if r.scores is not None
        }

    def examples(self, k: int) -> list[tuple[str, list[tuple[str, str, list[tuple[str, str]]]]]]:
        """The ``k`` articles most systems predicted (ties: first seen), each as (article id, per target:
        (target, reference, [(system, prediction)...])), read back from predictions.jsonl."""
        coverage: dict[str, int] = {}
        for record in self.records:
            for article_id in record.ids:
                coverage[article_id] = coverage.get(article_id, 0) + 1
        order = {a: i for i, a in enumerate(coverage)}
        chosen = sorted(coverage, key=lambda a: (-coverage[a], order[a]))[: max(k, 0)]
        targets = list(dict.fromkeys(r.unit.target for r in self.records))
        found = _read_examples(self.run_dir / FILES["predictions"], chosen)
        return [(a, [(t, *found[a][t]) for t in targets if t in found[a]]) for a in chosen]


def _read_examples(path: Path, chosen: list[str]) -> dict[str, dict[str, tuple[str, list[tuple[str, str]]]]]:
    """{article id: {target: (reference, [(system, prediction)...])}} for ``chosen``, in file order."""
    found: dict[str, dict[str, tuple[str, list[tuple[str, str]]]]] = {a: {} for a in chosen}
    marks = tuple(f'"article_id": {json.dumps(a, ensure_ascii=False)},' for a in chosen)
    if chosen:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not any(m in line for m in marks):  # most lines: no JSON parse
                    continue
                row = json.loads(line)
                if row["article_id"] in found:
                    per_target = found[row["article_id"]].setdefault(row["target"], (row["reference"] or "", []))
                    per_target[1].append((row["system"], row["prediction"]))
    return found


def release_freed_memory() -> None:
    """Hand memory that Python has freed back to the system (glibc's ``malloc_trim``; nothing elsewhere).

    Loading a corpus and scoring a unit free many small temporaries; glibc keeps those pages, so without this
    the driver's RSS stays at the load's high-water mark (measured: 50,000 BBC articles, 449 MB after loading,
    257 MB after a trim) and every later allocation lands on top of it."""
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
        try:
            _libc = ctypes.CDLL(name) if name else False
        except OSError:
            _libc = False
    if _libc and hasattr(_libc, "malloc_trim"):
        _libc.malloc_trim(0)


_libc: Any = None  # the C library once looked up; False where there is none to call
