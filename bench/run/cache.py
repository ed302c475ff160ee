"""The prediction cache: every prediction appended (and fsynced) the moment it exists.

One JSONL file per system fingerprint under ``<results>/.cache/``; a line is keyed by
``(task key, article content hash)``. A run killed at any moment loses nothing already written, and the
next run with the same system settings reuses every line instead of generating it again.

On open, every line is checked: a torn last line (the process died mid-write) is cut off, and a line that
is not a valid record (not JSON, or a ``prediction`` that is not text) is dropped from the file with one
warning, so it is generated again once and never poisons a later run. An append that fails (disk full,
file-size limit) is cut back to the last complete line and raises :class:`~bench.errors.RunError`.

While a cache is open its process holds an exclusive ``flock`` on ``<fingerprint>.lock`` beside it: a
second run with the same system settings waits (and says so), then reads what the first wrote and reuses
it, so two runs on one output folder never generate a prediction twice nor interleave their appends.

Memory: what was on disk when the cache opened is held in memory (a run reuses it); what this instance
appends is not — only where each line starts, per task, keyed by the caller's article-hash string (the
Article's own, so no copy) — and is read back from the file if asked for. A 200,000-article run so keeps a
few dozen bytes per prediction it writes, not the key, text, time and extras of each.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from bench.errors import RunError
from bench.files import write_error, write_text_atomic

__all__ = ["PredictionCache", "kept_note", "note_kept_on_failure"]

log = logging.getLogger(__name__)

_OPTION = "--output DIR"  # how a user moves the cache (it lives in <output>/.cache)


class PredictionCache:
    """Append-only store of one system's predictions, keyed by (task, article hash).

    Open it in a ``with`` block (or call :meth:`close`): the lock is held until then."""

    def __init__(self, root: Path, fingerprint: str, reuse: bool = True) -> None:
        """``reuse=False`` (``--no-cache``) ignores what is stored but still appends new predictions,
        which then win over older lines with the same key."""
        self._lock_fd: int | None = None
        self.fingerprint = fingerprint
        self.path = root / f"{fingerprint}.jsonl"
        self.lock_path = root / f"{fingerprint}.lock"
        self.recovered_torn_line = False
        self.dropped_lines = 0
        self._entries: dict[str, str] = {}
        self._seconds: dict[str, float] = {}
        self._extras: dict[str, dict[str, Any]] = {}
        self._written: dict[str, dict[str, int]] = {}  # task key -> article hash -> offset of its line
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(root, exc, "cannot create the prediction cache folder", _OPTION) from None
        self._lock_fd = _acquire(self.lock_path)
        try:
            self._repair_and_load(keep=reuse)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> PredictionCache:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:  # a cache dropped without close() must not keep others waiting
        try:
            self.close()
        except Exception:  # noqa: BLE001 — at interpreter exit the lock goes with the process anyway
            pass

    def close(self) -> None:
        """Release the lock (another run waiting for it goes on); the cache stays readable in memory."""
        if self._lock_fd is not None:
            _release(self._lock_fd)
            self._lock_fd = None

    @staticmethod
    def key(task_key: str, article_hash: str) -> str:
        return f"{task_key}|{article_hash}"

    def get(self, task_key: str, article_hash: str) -> str | None:
        rec = self._written_record(task_key, article_hash)
        return rec["prediction"] if rec is not None else self._entries.get(self.key(task_key, article_hash))

    def seconds(self, task_key: str, article_hash: str) -> float | None:
        """Generation time recorded for this prediction (its share of its chunk), if known."""
        rec = self._written_record(task_key, article_hash)
        if rec is not None:
            return float(rec["seconds"]) if "seconds" in rec else None
        return self._seconds.get(self.key(task_key, article_hash))

    def extras(self, task_key: str, article_hash: str) -> dict[str, Any] | None:
        """What the system reported beside this prediction (e.g. token usage), if anything."""
        rec = self._written_record(task_key, article_hash)
        if rec is not None:
            return rec["extras"] if isinstance(rec.get("extras"), dict) else None
        return self._extras.get(self.key(task_key, article_hash))

    def __len__(self) -> int:
        return len(self._entries) + sum(len(offsets) for offsets in self._written.values())

    def _written_record(self, task_key: str, article_hash: str) -> dict[str, Any] | None:
        """The record this instance appended for the key, read back from its line (None: not appended here)."""
        offset = self._written.get(task_key, {}).get(article_hash)
        if offset is None:
            return None
        key = self.key(task_key, article_hash)
        try:
            with open(self.path, "rb") as fh:
                fh.seek(offset)
                rec, _ = _check_line(fh.readline())
                if rec is None or rec["key"] != key:  # the file was rewritten since (another run repaired it)
                    fh.seek(0)
                    found = [r for r, _ in map(_check_line, fh) if r is not None and r["key"] == key]
                    rec = found[-1] if found else None
        except OSError as exc:
            raise RunError(
                f"{self.path}: cannot read back the prediction cache ({exc.strerror}); rerun to generate again"
            ) from None
        return rec

    def put_many(
        self,
        task_key: str,
        items: list[tuple[str, str, str]],
        seconds: float | Sequence[float] | None = None,
        extras: Sequence[dict[str, Any] | None] | None = None,
    ) -> None:
        """Append ``(article_hash, article_id, prediction)`` rows in one write, then fsync.

        ``seconds`` is the time the whole batch took; each row records its equal share, so a later run
        that reuses the rows can still report the speed at which they were generated (or, a sequence: each
        row's own share, when several chunks are appended at once). If the write fails
        the file is cut back to where it was (no torn line) and RunError says why. ``extras`` (aligned with
        ``items``) is what the system reported beside each prediction, kept under ``extras``."""
        if self._lock_fd is None:
            raise RuntimeError(f"{self.path}: cache is closed; open a new PredictionCache to append")
        if seconds is None or isinstance(seconds, (int, float)):
            share = seconds / len(items) if seconds is not None and items else None
            shares = [share] * len(items)
        else:
            shares = list(seconds)
        records = []
        for i, (article_hash, article_id, prediction) in enumerate(items):
            share = shares[i]
            rec: dict[str, Any] = {
                "key": self.key(task_key, article_hash),
                "article_id": article_id,
                "prediction": prediction,
            }
            if share is not None:
                rec["seconds"] = round(share, 6)
            if extras is not None and isinstance(extras[i], dict):
                rec["extras"] = extras[i]
            records.append(rec)
        if not records:
            return
        lines = [(json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8") for r in records]
        offset = _append(self.path, b"".join(lines))
        written = self._written.setdefault(task_key, {})
        for (article_hash, _, _), rec, line in zip(items, records, lines):  # only once they are on disk
            written[article_hash] = offset  # the caller's string (an Article's own): no copy of it kept
            offset += len(line)
            if rec["key"] in self._entries or rec["key"] in self._seconds or rec["key"] in self._extras:
                self._entries.pop(rec["key"], None)  # what was loaded is superseded by this line
                self._seconds.pop(rec["key"], None)
                self._extras.pop(rec["key"], None)

    def _repair_and_load(self, keep: bool) -> None:
        if not self.path.exists():
            return
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise RunError(
                f"{self.path}: cannot read the prediction cache ({exc.strerror}); delete it to start the cache afresh"
            ) from None
        scan = _scan(data)
        if keep:
            for rec in scan.records:
                self._entries[rec["key"]] = rec["prediction"]
                if "seconds" in rec:
                    self._seconds[rec["key"]] = float(rec["seconds"])
                if isinstance(rec.get("extras"), dict):
                    self._extras[rec["key"]] = rec["extras"]
        if scan.torn:
            self.recovered_torn_line = True
            log.warning(
                "%s: dropped a torn last line (%d bytes) left by an interrupted run; the %d complete lines are kept",
                self.path,
                scan.torn,
                len(scan.records),
            )
        if scan.bad:
            self.dropped_lines = len(scan.bad)
            number, reason = scan.bad[0]
            log.warning(
                "%s: dropped %d invalid cache line(s) (first: line %d, %s); they will be generated again",
                self.path,
                len(scan.bad),
                number,
                reason,
            )
            write_text_atomic(self.path, b"".join(scan.good).decode("utf-8"))
        elif scan.torn:
            try:
                with open(self.path, "r+b") as fh:
                    fh.truncate(len(data) - scan.torn)
            except OSError as exc:
                raise write_error(self.path, exc, "cannot repair the prediction cache", _OPTION) from None


@dataclass
class _Scan:
    records: list[dict[str, Any]] = field(default_factory=list)  # the valid records, in file order
    good: list[bytes] = field(default_factory=list)  # their lines, newline included
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, what is wrong)
    torn: int = 0  # bytes after the last newline


def _scan(data: bytes) -> _Scan:
    scan = _Scan()
    pos, number = 0, 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl == -1:
            scan.torn = len(data) - pos  # last line has no newline: the writer died mid-line
            break
        number += 1
        line = data[pos : nl + 1]
        pos = nl + 1
        if not line.strip():
            continue
        rec, problem = _check_line(line)
        if rec is None:
            scan.bad.append((number, problem))
        else:
            scan.records.append(rec)
            scan.good.append(line)
    return scan


def _check_line(line: bytes) -> tuple[dict[str, Any] | None, str]:
    """The record on ``line`` if it is a valid cache record, else (None, what is wrong)."""
    try:
        rec = json.loads(line)
    except ValueError:
        return None, "not valid JSON"
    if not isinstance(rec, dict):
        return None, f"a JSON {type(rec).__name__}, not an object"
    for name in ("key", "prediction"):
        if name not in rec:
            return None, f"no {name!r}"
        if not isinstance(rec[name], str):
            return None, f"{name!r} is {_kind(rec[name])}, not text"
    seconds = rec.get("seconds")
    if "seconds" in rec and (
        isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds < 0
    ):
        return None, f"'seconds' is {seconds!r}, not a time"
    return rec, ""


def _kind(value: object) -> str:
    return "null" if value is None else f"{type(value).__name__} {json.dumps(value)[:40]}"


def _append(path: Path, data: bytes) -> int:
    """Append ``data`` with O_APPEND and fsync; returns the offset it starts at. On failure cut the file
    back to its old length."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise write_error(path, exc, "cannot append to the prediction cache", _OPTION) from None
    try:
        start = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:  # os.write may write part of it (a file-size limit, a nearly full disk)
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            _cut_back(path, fd, start)
            raise write_error(path, exc, "cannot append to the prediction cache", _OPTION) from None
    finally:
        os.close(fd)
    return start


def _cut_back(path: Path, fd: int, length: int) -> None:
    try:
        os.ftruncate(fd, length)
        os.fsync(fd)
    except OSError:  # the next open drops the torn line instead
        log.warning(
            "%s: could not cut a failed append back to %d bytes; the next run drops the torn line",
            path,
            length,
            exc_info=True,
        )


def _acquire(lock_path: Path) -> int:
    """Open and exclusively flock ``lock_path``, waiting (and saying so) while another process holds it."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise write_error(lock_path, exc, "cannot create the prediction cache lock", _OPTION) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            if holder == str(os.getpid()):
                raise RuntimeError(
                    f"{lock_path}: this process already holds this cache open; close the other PredictionCache first"
                ) from None
            log.warning(
                "%s: another run (pid %s) is generating with the same system settings; waiting for it "
                "to finish, then its predictions are reused",
                lock_path,
                holder or "?",
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as exc:
        os.close(fd)
        raise RunError(
            f"{lock_path}: cannot lock the prediction cache ({exc.strerror}); put --output on a local disk"
        ) from None
    except BaseException:
        os.close(fd)
        raise
    try:  # who holds it, for the message of a run that waits; informational, so a full disk is fine
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    except OSError:
        pass
    return fd


def _release(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)  # no stale pid for the next holder's waiters to read
    except OSError:
        pass
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def kept_note(cache_root: Path) -> str | None:
    """What a failed run kept, as one clause: ``'N prediction(s) are kept in the cache at ROOT; ...'``;
    None when the cache holds nothing."""
    count = 0
    for path in sorted(cache_root.glob("*.jsonl")) if cache_root.is_dir() else []:
        try:
            count += path.read_bytes().count(b"\n")
        except OSError:
            continue
    if not count:
        return None
    return (
        f"{count} prediction(s) are kept in the cache at {cache_root}; free space and rerun the same command "
        f"to reuse them (or copy that folder to DIR/.cache and rerun with --output DIR)"
    )


@contextmanager
def note_kept_on_failure(cache_root: Path) -> Iterator[None]:
    """Re-raise a RunError from the block with :func:`kept_note` appended (still one line), so a run that
    stops on a full or read-only disk says what it kept."""
    try:
        yield
    except RunError as exc:
        note = kept_note(cache_root)
        if note is None:
            raise
        raise RunError(f"{exc} — {note}") from None
