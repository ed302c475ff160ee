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

        new = task.completed - task.fields.get("start_done", 0)  # cached articles are not generation speed
        elapsed = task.finished_time if task.finished else task.elapsed
        if not new or not elapsed:
            return Text("– art/s", style="cyan")
        rate = new / elapsed
        return Text(f"{rate:.1f} art/s" if rate >= 1 else f"{rate:.2f} art/s", style="cyan")


class RichProgress:
    """Implements bench.run.generate.Progress with a rich progress display on stderr."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TaskProgressColumn(), _RateColumn(), TimeElapsedColumn(),
                                  TextColumn("ETA"), TimeRemainingColumn(), console=console)
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


def make_progress(quiet: bool):
    """A rich progress display, or the silent one for --quiet (CI logs)."""
    from bench.run.generate import NullProgress

    if quiet:
        return NullProgress()
    return RichProgress(Console(file=sys.stderr))
