"""Rows of Arrow data (Parquet batches, datasets tables) as records, one undecodable row at a time.

Arrow checks UTF-8 when it builds a string column, but a file written by another tool may still hold
bytes that are not UTF-8; ``to_pylist()`` then raises for the whole batch. :func:`batch_records` falls
back to row by row, so only the bad rows are lost, each with the column that holds the bad bytes.
"""

from __future__ import annotations

from typing import Any

from bench.corpus.problems import RowError

__all__ = ["batch_records"]


def batch_records(batch: Any) -> list[dict[str, Any] | RowError]:
    """The rows of a ``pyarrow.RecordBatch``/``Table`` as dicts; a row that cannot be decoded as a RowError."""
    try:
        return batch.to_pylist()
    except UnicodeDecodeError:
        return [_row(batch.slice(i, 1)) for i in range(batch.num_rows)]


def _row(row: Any) -> dict[str, Any] | RowError:
    try:
        return row.to_pylist()[0]
    except UnicodeDecodeError:
        pass
    for name in row.column_names:
        try:
            row.column(name).to_pylist()
        except UnicodeDecodeError as exc:
            return RowError(
                f"invalid UTF-8 bytes in column {name!r} (at byte {exc.start} of the value); rewrite "
                "the file with valid UTF-8 text"
            )
    return RowError("invalid UTF-8 bytes in a column; rewrite the file with valid UTF-8 text")
