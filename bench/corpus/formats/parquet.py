"""Apache Parquet files (``.parquet``/``.pq``), read in batches with pyarrow; rows are numbered from 1."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bench.corpus.formats import RawRow, RawTable, register_format
from bench.corpus.formats.arrow import batch_records
from bench.corpus.formats.files import open_bytes
from bench.corpus.problems import Problems, RowError
from bench.errors import CorpusError

if TYPE_CHECKING:
    from bench.corpus.config import CorpusConfig

__all__ = ["read_parquet"]


def read_parquet(path: Path, problems: Problems) -> RawTable:
    """Read every row of a Parquet file (rows are numbered from 1); undecodable rows become problems."""
    import pyarrow.parquet as pq

    open_bytes(path).close()
    try:
        pfile = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 — pyarrow raises ArrowInvalid/OSError variants for non-Parquet input
        raise CorpusError(f"{path}: not a readable Parquet file ({exc})") from None
    table = RawTable(label=str(path), columns=list(pfile.schema_arrow.names))
    n = 0
    try:
        for batch in pfile.iter_batches(batch_size=1024):
            for rec in batch_records(batch):
                n += 1
                if isinstance(rec, RowError):
                    problems.add(f"{path}:row {n}", str(rec))
                else:
                    table.rows.append(RawRow(f"{path}:row {n}", rec, f"{path.stem}-{n}"))
    except CorpusError:
        raise  # a bad row under strict
    except Exception as exc:  # noqa: BLE001 — a corrupt page/row group: pyarrow raises ArrowInvalid/OSError
        raise CorpusError(f"{path}: Parquet data unreadable after row {n} ({exc})") from None
    return table


@register_format("parquet", suffixes=(".parquet", ".pq"), description="Apache Parquet, one article per row")
def _read(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    assert path is not None  # needs_path: load_corpus checks
    return read_parquet(path, problems)
