"""Readers for corpus files: JSONL, CSV/TSV, Parquet and raw page text.

Record readers (:func:`read_jsonl`, :func:`read_delimited`, :func:`read_parquet`) return a
:class:`RawTable`: the rows as plain records, each with its location (``file:line``), and the columns
seen; :class:`~bench.corpus.fields.RecordMapper` turns them into Articles. A row that cannot be read
(not JSON, invalid UTF-8, a ragged CSV row) goes to the :class:`~bench.corpus.problems.Problems`
collector and is skipped. :func:`read_pages` parses scraped pages straight into Articles.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.article import Article
from bench.corpus.fields import check_body_length
from bench.corpus.problems import Problems, RowError
from bench.errors import CorpusError
from bench.corpus.pages import PageError, parse_page

__all__ = ["RawRow", "RawTable", "FORMATS", "detect_format", "read_jsonl", "read_delimited",
           "read_parquet", "read_pages", "page_files", "decoded_lines", "open_bytes"]

FORMATS = ("jsonl", "csv", "tsv", "parquet", "pages", "hf")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "tsv",
             ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet", ".txt": "pages"}


@dataclass
class RawRow:
    """One record as read, before field mapping."""

    where: str
    record: Any
    default_id: str


@dataclass
class RawTable:
    """The readable rows of a source and the column names it has."""

    label: str
    rows: list[RawRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def detect_format(path: Path) -> str:
    """The format of ``path`` from its suffix, or ``pages``/``hf`` for a directory."""
    if not path.exists():
        raise CorpusError(f"{path}: no such file or directory; check the corpus path")
    if path.is_dir():
        if (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists():
            return "hf"
        return "pages"
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise CorpusError(f"{path}: cannot tell the corpus format from the suffix {path.suffix!r}; set "
                          f"format: to one of {', '.join(FORMATS)} (CLI: --format)")
    return fmt


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
                problems.add(f"{path}:{lineno}", f"invalid {encoding} bytes at byte {exc.start} of the line; "
                             f"re-encode the file as UTF-8 (or set the corpus encoding)")
                continue
            if lineno == 1:
                line = line.lstrip("\ufeff")
            if line.strip():
                yield lineno, line


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
        if isinstance(rec, dict):
            seen.update(dict.fromkeys(rec))
        table.rows.append(RawRow(where, rec, f"{path.stem}-{lineno}"))
    table.columns = list(seen)
    return table


def read_delimited(path: Path, problems: Problems, delimiter: str = ",", encoding: str = "utf-8") -> RawTable:
    """Read a CSV/TSV file with a header row; ragged rows become problems."""
    table = RawTable(label=str(path))
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    open_bytes(path).close()
    with open(path, encoding=enc, errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header: list[str] | None = None
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.add(f"{path}:{start}", f"unreadable row ({exc}); very long texts are better kept "
                             "in JSONL or Parquet")
                continue
            if not row:
                continue  # a blank line
            if header is None:
                header = [name.strip() for name in row]
                _check_header(path, header)
                table.columns = header
                continue
            if len(row) != len(header):
                problems.add(f"{path}:{start}", f"row has {len(row)} fields, the header has {len(header)} "
                             f"(an unquoted {delimiter!r} or a missing field?)")
                continue
            table.rows.append(RawRow(f"{path}:{start}", dict(zip(header, row)), f"{path.stem}-{start}"))
    return table


def _check_header(path: Path, header: list[str]) -> None:
    dupes = sorted({name for name in header if header.count(name) > 1})
    if dupes:
        raise CorpusError(f"{path}:1: the header repeats column(s) {', '.join(dupes)}; rename them")


def read_parquet(path: Path, problems: Problems) -> RawTable:
    """Read every row of a Parquet file (rows are numbered from 1)."""
    import pyarrow.parquet as pq

    open_bytes(path).close()
    try:
        pfile = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError variants for non-Parquet input
        raise CorpusError(f"{path}: not a readable Parquet file ({exc})") from None
    table = RawTable(label=str(path), columns=list(pfile.schema_arrow.names))
    n = 0
    try:
        for batch in pfile.iter_batches(batch_size=1024):
            for rec in batch.to_pylist():
                n += 1
                table.rows.append(RawRow(f"{path}:row {n}", rec, f"{path.stem}-{n}"))
    except Exception as exc:  # a corrupt page/row group: pyarrow raises ArrowInvalid/OSError
        raise CorpusError(f"{path}: Parquet data unreadable after row {n} ({exc})") from None
    return table


def page_files(path: Path) -> list[Path]:
    """The page files under ``path`` (itself when a file): ``*.txt``, sorted, README and hidden skipped."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CorpusError(f"{path}: no such file or directory; check the corpus path")
    files = [p for p in sorted(path.rglob("*.txt")) if p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(path).parts)
             and not p.name.lower().startswith("readme")]
    if not files:
        raise CorpusError(f"{path}: no page files (*.txt) in this directory")
    return files


def read_pages(path: Path, problems: Problems, layout: str = "auto", language: str = "en",
               encoding: str = "utf-8", max_body_chars: int | None = None) -> list[tuple[str, Article]]:
    """Parse each page file into an Article; pages that fit no layout become ``file: reason`` problems."""
    out: list[tuple[str, Article]] = []
    root = path if path.is_dir() else path.parent
    for file in page_files(path):
        rel = file.relative_to(root)
        category = rel.parent.name if len(rel.parts) > 1 else None
        page_id = "-".join(rel.with_suffix("").parts)
        try:
            try:
                raw = file.read_bytes()
            except OSError as exc:
                raise RowError(f"cannot read the page ({exc.strerror})") from None
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise RowError(f"invalid {encoding} bytes at byte {exc.start}; re-encode the page as UTF-8 "
                               "(or set the corpus encoding, e.g. latin-1)") from None
            article = parse_page(text, page_id, layout=layout, language=language, category=category)
            check_body_length(article.body, max_body_chars)
        except (PageError, RowError) as exc:
            problems.add(str(file), str(exc))
            continue
        out.append((str(file), article))
    return out
