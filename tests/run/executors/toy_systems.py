"""Test-only system kinds for the Ray executor tests, in a module Ray workers import by name (``tests`` is
on their path: workers start in the driver's folder), so a worker builds them from their class and config.

``crash-once`` and ``crash-once-model`` (the same with a ``load``, so it runs in an actor) return the first
``words`` words of each body; the first time a chunk holds article ``crash_on`` they create ``flag`` and
kill their own process with SIGKILL, mid-chunk. ``fail-on`` raises on the chunk that holds ``fail_on``.
``slow`` sleeps ``sleep`` seconds per chunk (so a test can kill the driver mid-run). ``stall-on-node`` (and
``stall-on-node-model``, in actors) returns the first ``words`` words too, but the first chunk it gets on the
Ray node whose id is in ``node_file`` creates ``flag`` and stalls ``stall`` seconds (the test removes that
node meanwhile); on other nodes it holds its chunks until then (at most ``hold`` seconds), so that node's
worker gets a chunk however late it starts.
Every prediction produced is logged as one line in ``log`` (if set), to count generation across processes.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass

from bench.systems.base import System

__all__ = ["CrashOnce", "CrashOnceModel", "FailOn", "Slow", "StallOnNode", "StallOnNodeModel", "KINDS"]


def _first_words(articles, n: int) -> list[str]:
    return [" ".join(a.body.split()[:n]) for a in articles]


def _log(path: str, name: str, task, articles) -> None:
    if path:
        with open(path, "a") as fh:
            fh.write("".join(f"{name}\t{task.target}\t{a.id}\t{os.getpid()}\n" for a in articles))
            fh.flush()
            os.fsync(fh.fileno())


class CrashOnce(System):
    @dataclass(frozen=True)
    class Config:
        flag: str
        crash_on: str
        words: int = 4
        log: str = ""

    def summarize(self, articles, task):
        if any(a.id == self.config.crash_on for a in articles) and not os.path.exists(self.config.flag):
            with open(self.config.flag, "w") as fh:
                fh.write(str(os.getpid()))
                fh.flush()
                os.fsync(fh.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
        _log(self.config.log, self.name, task, articles)
        return _first_words(articles, self.config.words)


class CrashOnceModel(CrashOnce):
    """The same, with a (trivial) model to load: the Ray executor runs it in actors."""

    loads = 0

    def load(self) -> None:
        type(self).loads += 1


class FailOn(System):
    @dataclass(frozen=True)
    class Config:
        fail_on: str
        words: int = 2

    def summarize(self, articles, task):
        if any(a.id == self.config.fail_on for a in articles):
            raise ValueError(f"cannot summarize {self.config.fail_on}")
        return _first_words(articles, self.config.words)


class Slow(System):
    @dataclass(frozen=True)
    class Config:
        sleep: float = 0.1
        words: int = 3
        log: str = ""

    def summarize(self, articles, task):
        time.sleep(self.config.sleep)
        _log(self.config.log, self.name, task, articles)
        return _first_words(articles, self.config.words)


class StallOnNode(System):
    @dataclass(frozen=True)
    class Config:
        node_file: str
        flag: str
        words: int = 4
        stall: float = 60.0
        hold: float = 30.0

    def summarize(self, articles, task):
        node = _ray_node()
        if node is not None and os.path.exists(self.config.node_file) and not os.path.exists(self.config.flag):
            if node == open(self.config.node_file).read().strip():
                with open(self.config.flag, "w") as fh:
                    fh.write(f"{os.getpid()} {[a.id for a in articles]}")
                    fh.flush()
                    os.fsync(fh.fileno())
                time.sleep(self.config.stall)
            deadline = time.monotonic() + self.config.hold  # elsewhere: wait for that node to take a chunk
            while not os.path.exists(self.config.flag) and time.monotonic() < deadline:
                time.sleep(0.05)
        return _first_words(articles, self.config.words)


class StallOnNodeModel(StallOnNode):
    def load(self) -> None:
        pass


def _ray_node() -> str | None:
    """The id of the Ray node this process works on, None outside Ray."""
    import ray

    return ray.get_runtime_context().get_node_id() if ray.is_initialized() else None


KINDS = {
    "crash-once": CrashOnce,
    "crash-once-model": CrashOnceModel,
    "fail-on": FailOn,
    "slow": Slow,
    "stall-on-node": StallOnNode,
    "stall-on-node-model": StallOnNodeModel,
}


def register_all() -> None:
    """Register every kind here (for a ``bench`` subprocess: ``python -c``, see test_ray_driver_kill)."""
    from bench.systems.base import register

    for kind, cls in KINDS.items():
        register(kind)(cls)
