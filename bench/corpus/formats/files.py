"""Opening corpus files and reading their lines, with errors that name the file (shared by the readers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.corpus.problems import Problems
from bench.errors import CorpusError

__all__ = ["open_bytes", "decoded_lines"]


def open_bytes(path: Path) -> Any:
    """Open a corpus file for reading bytes; CorpusError (not a traceback) when that is impossible."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise CorpusError(f"{path}: corpus file not found; check the corpus path") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a directory, expected a file (or set format: pages / hf)") from None
    except PermissionError:
        raise CorpusError(f"{path}: cannot read the file (permission denied)") from None


def decoded_lines(path: Path, encoding: str, problems: Problems) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-blank line; undecodable lines become problems."""
    with open_bytes(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                problems.add(
                    f"{path}:{lineno}",
                    f"invalid {encoding} bytes at byte {exc.start} of the line; "
                    f"re-encode the file as UTF-8 (or set the corpus encoding)",
                )
                continue
            if lineno == 1:
                line = line.lstrip("\ufeff")
            if line.strip():
                yield lineno, line
