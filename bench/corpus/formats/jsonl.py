"""JSON Lines (``.jsonl``/``.ndjson``, one object per line) and JSON array files (``.json``).

:func:`read_jsonl` reads every line it can and reports the others as problems; the strict helpers
(:func:`iter_jsonl`, :func:`load_jsonl`, :func:`article_from_record`) stop at the first bad line, for
callers that want the JSONL corpus format exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.article import Article
from bench.corpus.fields import RecordMapper, find_surrogate
from bench.corpus.formats import RawRow, RawTable, register_format
from bench.corpus.formats.files import decoded_lines, open_bytes
from bench.corpus.problems import Problems, RowError
from bench.errors import CorpusError

if TYPE_CHECKING:
    from bench.corpus.config import CorpusConfig

__all__ = ["read_jsonl", "iter_jsonl", "load_jsonl", "article_from_record", "bad_escape"]


def bad_escape(rec: Any) -> str | None:
    """Why a decoded JSON object cannot be kept (a ``\\uXXXX`` escape of half a surrogate pair), else None.

    JSON may escape any UTF-16 code unit, so ``"\\ud800"`` parses into a lone surrogate that UTF-8 cannot
    encode: the article could be neither hashed nor written out.
    """
    found = find_surrogate(rec) if isinstance(rec, dict) else None
    if found is None:
        return None
    return (
        f"{found.describe()} (half of a UTF-16 pair, not a character: a broken \\uXXXX escape); write the "
        "character itself or both halves of its pair"
    )


def _json_array(path: Path, encoding: str) -> list[Any] | None:
    """The items of a file holding one JSON array (``[{...}, ...]``), else None (read it as JSONL)."""
    with open_bytes(path) as fh:
        head = fh.read(4096).lstrip()
    if not head.startswith(b"["):
        return None
    try:
        data = json.loads(path.read_bytes().decode(encoding))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None  # report line by line
    return data if isinstance(data, list) else None


def read_jsonl(path: Path, problems: Problems, encoding: str = "utf-8") -> RawTable:
    """Read one JSON object per line (or a file holding one JSON array); bad lines become problems."""
    table = RawTable(label=str(path))
    seen: dict[str, None] = {}
    items = _json_array(path, encoding)
    if items is not None:
        for i, rec in enumerate(items, start=1):
            if (reason := bad_escape(rec)) is not None:
                problems.add(f"{path}:item {i}", reason)
                continue
            seen.update(dict.fromkeys(rec) if isinstance(rec, dict) else {})
            table.rows.append(RawRow(f"{path}:item {i}", rec, f"{path.stem}-{i}"))
        table.columns = list(seen)
        return table
    for lineno, line in decoded_lines(path, encoding, problems):
        where = f"{path}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.add(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if (reason := bad_escape(rec)) is not None:
            problems.add(where, reason)
            continue
        if isinstance(rec, dict):
            seen.update(dict.fromkeys(rec))
        table.rows.append(RawRow(where, rec, f"{path.stem}-{lineno}"))
    table.columns = list(seen)
    return table


@register_format(
    "jsonl",
    suffixes=(".jsonl", ".ndjson", ".json"),
    description="one JSON object per line, or a file holding one JSON array",
)
def _read(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    assert path is not None  # needs_path: load_corpus checks
    return read_jsonl(path, problems, config.encoding)


# ---- strict helpers: the first bad line is an error ---------------------------------------------


def article_from_record(rec: Any, where: str, default_id: str) -> Article:
    """Make an Article from one decoded JSON record (same-named fields); CorpusError naming ``where``."""
    try:
        return RecordMapper.make().article(rec, default_id)
    except RowError as exc:
        raise CorpusError(f"{where}: {exc}") from None


def iter_jsonl(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of the non-blank lines of a UTF-8 file; CorpusError on bad bytes."""
    path = Path(path)
    with open_bytes(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CorpusError(
                    f"{path}:{lineno}: invalid UTF-8 at byte {exc.start}; re-encode the file as UTF-8"
                ) from None
            if line.strip():
                yield lineno, line


def load_jsonl(path: str | Path) -> list[Article]:
    """Load a JSONL corpus (one article object per line); the first bad line raises CorpusError."""
    path = Path(path)
    articles = []
    for lineno, line in iter_jsonl(path):
        where = f"{path}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        if (reason := bad_escape(rec)) is not None:
            raise CorpusError(f"{where}: {reason}")
        articles.append(article_from_record(rec, where, default_id=f"{path.stem}-{lineno}"))
    if not articles:
        raise CorpusError(f"{path}: no articles (the file is empty)")
    return articles
