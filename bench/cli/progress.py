"""Progress of the runner: live bars on a terminal (rich), one plain line per finished unit elsewhere.

On a terminal each system × target gets a bar with articles/s and ETA. When stderr is a file or a pipe
(CI logs, ``2> run.log``) a live display would print only at the end, cut to the console width, so
:class:`PlainProgress` writes one complete line as each unit finishes instead:
``lead-1 · headline: 40/40 articles (12 cached; 28 generated in 1.23 s, 22.8 art/s)``.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from bench.run.generate import NullProgress
from bench.run.generate import Progress as ProgressProtocol

__all__ = ["PlainProgress", "RichProgress", "make_progress"]


class _RateColumn(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[override]
        from rich.text import Text

        new = task.completed - task.fields.get("start_done", 0)  # cached articles are not generation speed
        elapsed = task.finished_time if task.finished else task.elapsed
        if not new or not elapsed:
            return Text("– art/s", style="cyan")
        return Text(f"{_rate(new / elapsed)} art/s", style="cyan")


def _rate(rate: float) -> str:
    return f"{rate:.1f}" if rate >= 1 else f"{rate:.2f}"


class RichProgress:
    """Implements bench.run.generate.Progress with a rich progress display on stderr."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self._task = None
        self._live = False

    def start(self, label: str, total: int, done: int = 0) -> None:
        if not self._live:  # one live display for the whole run: each unit adds its own bar
            self._progress.start()
            self._live = True
        desc = f"{label} ({done} cached)" if done else label
        self._task = self._progress.add_task(desc, total=total, completed=done, start_done=done)

    def advance(self, n: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)

    def finish(self) -> None:
        self._progress.refresh()

    def close(self) -> None:
        """Stop the display (leaves the final bars on screen); call once after the run."""
        if self._live:
            self._progress.stop()
            self._live = False


class PlainProgress:
    """Implements bench.run.generate.Progress as one plain line per finished unit (for logs and pipes)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._label = ""
        self._total = self._cached = self._generated = 0
        self._start = 0.0

    def start(self, label: str, total: int, done: int = 0) -> None:
        self._label, self._total, self._cached, self._generated = label, total, done, 0
        self._start = time.perf_counter()

    def advance(self, n: int) -> None:
        self._generated += n

    def finish(self) -> None:
        self._stream.write(self.line(time.perf_counter() - self._start) + "\n")
        self._stream.flush()

    def line(self, seconds: float) -> str:
        """The unit's line: label, articles done of total, cached, generated, time and speed."""
        done = self._cached + self._generated
        head = f"{self._label}: {done}/{self._total} articles"
        if not self._generated:
            return f"{head} (all cached)" if self._cached else head
        speed = f", {_rate(self._generated / seconds)} art/s" if seconds > 0 else ""
        return f"{head} ({self._cached} cached; {self._generated} generated in {seconds:.2f} s{speed})"

    def close(self) -> None:
        pass


def make_progress(quiet: bool, stream: TextIO | None = None) -> ProgressProtocol:
    """Nothing for --quiet; live bars when ``stream`` (default stderr) is a terminal; else plain lines."""
    if quiet:
        return NullProgress()
    stream = stream if stream is not None else sys.stderr
    console = Console(file=stream)
    if console.is_terminal:
        return RichProgress(console)
    return PlainProgress(stream)
