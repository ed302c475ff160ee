"""Test-only system kinds for the Ray executor tests, in a module Ray workers import by name (``tests`` is
on their path: workers start in the driver's folder), so a worker builds them from their class and config.

``crash-once`` and ``crash-once-model`` (the same with a ``load``, so it runs in an actor) return the first
``words`` words of each body; the first time a chunk holds article ``crash_on`` they create ``flag`` and
kill their own process with SIGKILL, mid-chunk. ``fail-on`` raises on the chunk that holds ``fail_on``.
``slow`` sleeps ``sleep`` seconds per chunk (so a test can kill the driver mid-run).
Every prediction produced is logged as one line in ``log`` (if set), to count generation across processes.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass

from bench.systems.base import System

__all__ = ["CrashOnce", "CrashOnceModel", "FailOn", "Slow", "KINDS"]


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


KINDS = {"crash-once": CrashOnce, "crash-once-model": CrashOnceModel, "fail-on": FailOn, "slow": Slow}


def register_all() -> None:
    """Register every kind here (for a ``bench`` subprocess: ``python -c``, see test_ray_driver_kill)."""
    from bench.systems.base import register

    for kind, cls in KINDS.items():
        register(kind)(cls)
