"""The prediction cache: every prediction appended (and fsynced) the moment it exists.

One JSONL file per system fingerprint under ``<results>/.cache/``; a line is keyed by
``(task key, article content hash)``. A run killed at any moment loses nothing already written, and the
next run with the same system settings reuses every line instead of generating it again. A torn last line
(the process died mid-write) is dropped on open, and the file is cut back to its last complete line.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from bench.errors import RunError

__all__ = ["PredictionCache"]

log = logging.getLogger(__name__)


class PredictionCache:
    """Append-only store of one system's predictions, keyed by (task, article hash)."""

    def __init__(self, root: Path, fingerprint: str, reuse: bool = True) -> None:
        """``reuse=False`` (``--no-cache``) ignores what is stored but still appends new predictions,
        which then win over older lines with the same key."""
        self.fingerprint = fingerprint
        self.path = root / f"{fingerprint}.jsonl"
        self.recovered_torn_line = False
        self._entries: dict[str, str] = {}
        self._seconds: dict[str, float] = {}
        try:
            root.mkdir(parents=True, exist_ok=True)
        except PermissionError:
            raise RunError(f"{root}: cache folder is not writable; pass --output DIR with a writable folder") from None
        self._repair_and_load(keep=reuse)

    @staticmethod
    def key(task_key: str, article_hash: str) -> str:
        return f"{task_key}|{article_hash}"

    def get(self, task_key: str, article_hash: str) -> str | None:
        return self._entries.get(self.key(task_key, article_hash))

    def seconds(self, task_key: str, article_hash: str) -> float | None:
        """Generation time recorded for this prediction (its share of its chunk), if known."""
        return self._seconds.get(self.key(task_key, article_hash))

    def __len__(self) -> int:
        return len(self._entries)

    def put_many(self, task_key: str, items: list[tuple[str, str, str]], seconds: float | None = None) -> None:
        """Append ``(article_hash, article_id, prediction)`` rows in one write, then fsync.

        ``seconds`` is the time the whole batch took; each row records its equal share, so a later run
        that reuses the rows can still report the speed at which they were generated."""
        lines = []
        share = seconds / len(items) if seconds is not None and items else None
        for article_hash, article_id, prediction in items:
            key = self.key(task_key, article_hash)
            self._entries[key] = prediction
            rec = {"key": key, "article_id": article_id, "prediction": prediction}
            if share is not None:
                rec["seconds"] = round(share, 6)
                self._seconds[key] = share
            lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
        if not lines:
            return
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, "".join(lines).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def _repair_and_load(self, keep: bool) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        good_end = 0
        pos = 0
        while pos < len(data):
            nl = data.find(b"\n", pos)
            if nl == -1:
                break  # last line has no newline: the writer died mid-line
            line = data[pos:nl]
            try:
                rec: dict[str, Any] = json.loads(line)
                if keep:
                    self._entries[rec["key"]] = rec["prediction"]
                    if isinstance(rec.get("seconds"), (int, float)):
                        self._seconds[rec["key"]] = float(rec["seconds"])
            except (ValueError, KeyError, TypeError):
                log.warning("%s: skipping an unreadable cache line at byte %d", self.path, pos)
            pos = nl + 1
            good_end = pos
        if good_end < len(data):
            self.recovered_torn_line = True
            log.warning("%s: dropped a torn last line (%d bytes) left by an interrupted run; "
                        "the %d complete lines are kept", self.path, len(data) - good_end, len(self._entries))
            with open(self.path, "r+b") as fh:
                fh.truncate(good_end)
