"""What runs in a score worker process (:mod:`bench.run.score_pool` starts them, spawned).

A worker builds its metrics once, from the ``(class, config)`` pairs of the driver's parallel-safe metrics,
then takes tasks from its own queue until it gets None (or the driver is gone). A task is ``(index, kind,
payload)``; the answer, on its own result queue, is ``(index, result, states, error)``:

* ``score``, payload one slice's items as ``(rows, articles, reset)``: a row is (prediction, references,
  target, article key); ``articles`` are those this worker does not keep yet (by key; ``reset``: forget the
  others first), as the driver's ScorePool keeps count. Answer: per metric its values for them, and per metric its
  :meth:`~bench.metrics.base.Metric.take_state` (what the slice added to what its notes and signature read);
* ``aggregate``, payload ``(metric index, ScoreArrays)`` of a whole unit: that metric's corpus numbers
  (its ``aggregate`` reads only the values and its config, so any instance gives the driver's), no states;

or the exception the task raised, as ``error``.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import traceback
from collections.abc import Sequence
from typing import Any

__all__ = ["worker_main", "portable_error"]

_POLL_S = 1.0  # how often an idle worker looks whether the driver is still there


def worker_main(tasks: Any, results: Any, specs: Sequence[tuple[type, Any]], parent: int, threads: int) -> None:
    """The worker's loop (see the module docstring). ``parent``: the driver's pid (the worker leaves when
    it is gone); ``threads``: RAYON_NUM_THREADS for rouge-score-rs unless the environment sets it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the driver shuts us down
    os.environ.setdefault("RAYON_NUM_THREADS", str(threads))  # read when its thread pool first starts
    logging.disable(logging.WARNING)  # the driver logs each warning once, when it merges this slice's state
    metrics: list[Any] | None = None
    articles: dict[int, Any] = {}  # the articles the driver sent, kept for later units
    while True:
        try:
            task = tasks.get(timeout=_POLL_S)
        except queue.Empty:
            if os.getppid() != parent:  # the driver died without shutting us down
                return
            continue
        if task is None:
            return
        index, kind, payload = task
        try:
            if metrics is None:  # built once, on the first task, so an error reaches the driver as an answer
                metrics = [cls(config) for cls, config in specs]
            if kind == "aggregate":
                which, shared = payload  # ArraysOnDisk: this metric's columns, mapped from the driver's files
                arrays = shared.load()
                results.put((index, metrics[which].aggregate(arrays.rows()), None, None))
                continue
            items = _items(payload, articles)
            values = [metric.score(items) for metric in metrics]
            results.put((index, values, [metric.take_state() for metric in metrics], None))
        except Exception as exc:  # noqa: BLE001  (any failure goes back to the driver, which raises it)
            results.put((index, None, None, portable_error(exc)))


def _items(payload: tuple[list[tuple], dict[int, Any], bool], articles: dict[int, Any]) -> list[Any]:
    """A ``score`` task's items, its new articles added to ``articles`` (after clearing them on ``reset``)."""
    from bench.metrics.base import Item

    rows, new, reset = payload
    if reset:
        articles.clear()
    articles.update(new)
    return [Item(prediction, references, articles[key], target) for prediction, references, target, key in rows]


def portable_error(exc: BaseException) -> BaseException:
    """``exc`` itself when it survives pickling (a MetricError keeps its one-line message and class), else
    a RuntimeError with its type, message and traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        text = "".join(traceback.format_exception(exc)).rstrip()
        return RuntimeError(f"{type(exc).__name__} in a score worker: {exc}\n{text}")
