"""Delimited text with a header row: CSV (``.csv``) and TSV (``.tsv``/``.tab``).

Quoted cells may hold newlines; each row is located by the line it starts on. A ragged row (more or
fewer cells than the header) or an unreadable one becomes a problem; a repeated header name is an error.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from bench.corpus.formats import RawRow, RawTable, register_format
from bench.corpus.formats.files import open_bytes
from bench.corpus.problems import Problems
from bench.errors import CorpusError

if TYPE_CHECKING:
    from bench.corpus.config import CorpusConfig

__all__ = ["read_delimited"]


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
                problems.add(
                    f"{path}:{start}", f"unreadable row ({exc}); very long texts are better kept in JSONL or Parquet"
                )
                continue
            if not row:
                continue  # a blank line
            if header is None:
                header = [name.strip() for name in row]
                _check_header(path, header)
                table.columns = header
                continue
            if len(row) != len(header):
                problems.add(
                    f"{path}:{start}",
                    f"row has {len(row)} fields, the header has {len(header)} "
                    f"(an unquoted {delimiter!r} or a missing field?)",
                )
                continue
            table.rows.append(RawRow(f"{path}:{start}", dict(zip(header, row)), f"{path.stem}-{start}"))
    return table


def _check_header(path: Path, header: list[str]) -> None:
    dupes = sorted({name for name in header if header.count(name) > 1})
    if dupes:
        raise CorpusError(f"{path}:1: the header repeats column(s) {', '.join(dupes)}; rename them")


@register_format("csv", suffixes=(".csv",), description="comma-separated values with a header row")
def _read_csv(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    assert path is not None  # needs_path: load_corpus checks
    return read_delimited(path, problems, ",", config.encoding)


@register_format("tsv", suffixes=(".tsv", ".tab"), description="tab-separated values with a header row")
def _read_tsv(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    assert path is not None  # needs_path: load_corpus checks
    return read_delimited(path, problems, "\t", config.encoding)
