"""The run directory and its files, all written atomically (temp name, fsync, rename: never torn).

``results/<config-name>-<UTC yyyymmdd-hhmmss>/`` holds ``config.yaml``, ``manifest.json``,
``predictions.jsonl``, ``scores.jsonl`` and ``summary.{json,csv,md}``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bench.errors import RunError

__all__ = ["utc_stamp", "create_run_dir", "write_text_atomic", "write_json", "write_jsonl", "write_yaml",
           "RUN_FILES"]

RUN_FILES = ("config.yaml", "manifest.json", "predictions.jsonl", "scores.jsonl",
             "summary.json", "summary.csv", "summary.md")


def utc_stamp(moment: datetime | None = None) -> str:
    """UTC time as ``yyyymmdd-hhmmss`` (the run directory suffix)."""
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%d-%H%M%S")


def create_run_dir(root: Path, name: str, moment: datetime | None = None) -> Path:
    """Make ``root/<name>-<stamp>`` (``-2``, ``-3``... if a run started in the same second)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        base = root / f"{name}-{utc_stamp(moment)}"
        path, i = base, 1
        while True:
            try:
                path.mkdir()
                return path
            except FileExistsError:
                i += 1
                path = base.with_name(f"{base.name}-{i}")
    except PermissionError:
        raise RunError(f"{root}: results folder is not writable; pass --output DIR with a writable folder") from None
    except NotADirectoryError:
        raise RunError(f"{root}: is a file, not a folder; pass --output DIR naming a folder") from None


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder, fsync and rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows))


def write_yaml(path: Path, data: Any) -> None:
    write_text_atomic(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
