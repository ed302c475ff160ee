"""Files written atomically (temp name, fsync, rename: never torn) and JSONL read line by line with
errors that name the file and line. Used by run directories, ``bench ingest`` and the report.

:class:`JsonlAppender` is the streaming form: rows appended to a temp file as they come (a run's
predictions and scores, unit by unit), renamed onto the final name once at the end, so the file is
never torn and the rows never wait in memory.

A write that fails for a reason of the disk (full, read-only, over the file-size limit, no permission)
raises :class:`~bench.errors.RunError` with one line: the path, the reason in words and what to do. It
leaves no temp file behind and the file it was replacing untouched.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bench.errors import RunError

__all__ = [
    "write_text_atomic",
    "write_json",
    "write_jsonl",
    "jsonl_text",
    "JsonlAppender",
    "write_yaml",
    "read_jsonl",
    "os_error_reason",
    "write_error",
]

#: errno -> (the reason in words, what to do; ``{write}`` is "write to" or the caller's option)
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("disk full", "free space on that disk, or {write} a folder on another disk"),
    errno.EDQUOT: ("disk quota exceeded", "free space on that disk, or {write} a folder on another disk"),
    errno.EROFS: ("read-only file system", "{write} a folder on a writable disk"),
    errno.EFBIG: (
        "file too large: over the file-size limit (ulimit -f) or the file system's maximum",
        "raise the limit (ulimit -f unlimited), or {write} a folder on another file system",
    ),
    errno.EACCES: ("permission denied", "{write} a folder you may write to"),
    errno.EPERM: ("operation not permitted", "{write} a folder you may write to"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "{write} a folder"),
    errno.EEXIST: ("a file of that name is in the way", "move that file away, or {write} another folder"),
    errno.EISDIR: ("it is a folder, not a file", "{write} a file name"),
    errno.EIO: ("input/output error from the disk", "check the disk (dmesg), or {write} a folder on another one"),
}


def os_error_reason(exc: OSError) -> str:
    """The reason of an OS error in words: ``'disk full'``, ``'read-only file system'``, ..."""
    known = _REASONS.get(exc.errno) if exc.errno is not None else None
    return known[0] if known else (exc.strerror or type(exc).__name__)


def write_error(path: Path, exc: OSError, doing: str = "cannot write", option: str | None = None) -> RunError:
    """One-line RunError for a failed write, e.g. ``'<path>: cannot write (disk full); free space on that
    disk, or pass --output DIR naming a folder on another disk'`` when ``option='--output DIR'``."""
    known = _REASONS.get(exc.errno) if exc.errno is not None else None
    fix = known[1] if known else "{write} a folder that exists and is writable"
    write = f"pass {option} naming" if option else "write to"
    return RunError(f"{path}: {doing} ({os_error_reason(exc)}); {fix.format(write=write)}")


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder, fsync and rename.

    On any failure the temp file is removed and ``path`` keeps its old content (or stays absent);
    an OS error becomes a one-line RunError (see :func:`write_error`)."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are meant to be shared
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise write_error(path, exc) from None
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: str | None) -> None:
    if tmp is not None:
        try:
            Path(tmp).unlink(missing_ok=True)
        except OSError:  # the folder went read-only under us: nothing more we can do
            pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def jsonl_text(rows: Iterable[dict[str, Any]]) -> str:
    """``rows`` as JSONL text, one object per line (the one spelling every JSONL writer here uses)."""
    return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    write_text_atomic(path, jsonl_text(rows))


class JsonlAppender:
    """JSONL rows appended to a temp file beside ``path`` (made on the first append); :meth:`commit`
    fsyncs it and renames it onto ``path`` (an empty file when nothing was appended); :meth:`discard`
    removes it. A disk error is the one-line RunError of :func:`write_error`, naming ``path``; the temp
    file is then removed. Use it in a ``with`` block: leaving it without commit discards."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._fh: Any = None
        self._tmp: str | None = None

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def append(self, rows: Iterable[dict[str, Any]], block: int = 1024) -> None:
        """Append ``rows``, ``block`` rows per write (never the whole text at once), each written through
        to the OS, so a full disk says so now, not at the end."""
        it = iter(rows)
        while batch := list(itertools.islice(it, block)):
            self._write(lambda fh: fh.write(jsonl_text(batch)))
            self.rows += len(batch)

    def append_from(self, other: JsonlAppender) -> None:
        """Append everything ``other`` holds so far (copied in blocks, never read whole), then discard it."""
        if other._fh is not None:
            other._write(lambda fh: fh.flush())
            with open(other._tmp, encoding="utf-8") as src:  # type: ignore[arg-type]
                self._write(lambda fh: shutil.copyfileobj(src, fh, 1 << 20))
            self.rows += other.rows
        other.discard()

    def _write(self, action: Any) -> None:
        try:
            if self._fh is None:
                fd, self._tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
                self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
            action(self._fh)
            self._fh.flush()
        except OSError as exc:
            self.discard()
            raise write_error(self.path, exc) from None

    def commit(self) -> None:
        """fsync and rename onto ``path``: from now on ``path`` holds every row appended, complete."""
        self._write(lambda fh: os.fsync(fh.fileno()))
        try:
            self._fh.close()
            self._fh = None
            os.chmod(self._tmp, 0o666 & ~_umask())  # type: ignore[arg-type]  # mkstemp makes 0600
            os.replace(self._tmp, self.path)  # type: ignore[arg-type]
            self._tmp = None
        except OSError as exc:
            self.discard()
            raise write_error(self.path, exc) from None

    def discard(self) -> None:
        """Close and remove the temp file (nothing happens to ``path``); safe to call twice."""
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:  # the disk is full: closing flushes nothing we still want
                pass
            self._fh = None
        _discard(self._tmp)
        self._tmp = None


def write_yaml(path: Path, data: Any) -> None:
    write_text_atomic(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every line of a JSONL file as a dict; a bad line raises RunError naming the file and line."""
    rows: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    raise RunError(
                        f"{path}:{number}: not valid JSON ({exc.msg}); the file is damaged — "
                        "rerun the command that wrote it"
                    ) from None
                if not isinstance(row, dict):
                    raise RunError(f"{path}:{number}: expected a JSON object per line, got {type(row).__name__}")
                rows.append(row)
    except OSError as exc:
        raise RunError(f"{path}: cannot read ({exc.strerror})") from None
    return rows
