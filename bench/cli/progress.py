"""Progress bars for the runner: one bar per system × target with articles/s and ETA (rich)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

__all__ = ["RichProgress", "make_progress"]


class _RateColumn(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[override]
        from rich.text import Text

        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} art/s" if speed else "– art/s", style="cyan")


class RichProgress:
    """Implements bench.runner.Progress with a rich progress display on stderr."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TaskProgressColumn(), _RateColumn(), TimeElapsedColumn(),
                                  TextColumn("ETA"), TimeRemainingColumn(), console=console)
        self._task = None

    def start(self, label: str, total: int, done: int = 0) -> None:
        self._progress.start()
        desc = f"{label} ({done} cached)" if done else label
        self._task = self._progress.add_task(desc, total=total, completed=done)
        self._progress.reset(self._task, total=total, completed=done)  # rate counts only new work

    def advance(self, n: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)

    def finish(self) -> None:
        self._progress.refresh()
        self._progress.stop()


def make_progress(quiet: bool):
    """A rich progress display, or the silent one for --quiet (CI logs)."""
    from bench.runner import NullProgress

    if quiet:
        return NullProgress()
    return RichProgress(Console(file=sys.stderr))
