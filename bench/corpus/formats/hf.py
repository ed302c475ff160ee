"""Hugging Face ``datasets`` sources: a hub name, a ``save_to_disk`` folder, or local data files.

Everything goes through the real ``datasets`` API: ``load_dataset(name, config, split=, revision=)``
for a hub name (users with a network, or with the set already in their HF cache under
``HF_HUB_OFFLINE=1``), ``load_from_disk(folder)`` for a ``save_to_disk`` folder, and
``load_dataset("json"|"csv"|"parquet", data_files=...)`` for local data files. Rows become
:class:`~bench.corpus.formats.RawRow` records for the field mapper (read as Arrow batches, so a row
whose strings are not UTF-8 is one reported problem); the columns come from the dataset's schema.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.corpus.formats import RawRow, RawTable, detect_format, register_format
from bench.corpus.formats.arrow import batch_records
from bench.corpus.presets import PRESETS
from bench.corpus.problems import Problems, RowError
from bench.errors import CorpusError

if TYPE_CHECKING:
    from bench.corpus.config import CorpusConfig

__all__ = ["HFSource", "read_hf"]

log = logging.getLogger(__name__)

_BUILDERS = {
    ".jsonl": "json",
    ".json": "json",
    ".ndjson": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass(frozen=True)
class HFSource:
    """Where a datasets corpus comes from: a local ``path`` or a hub ``name`` (+config/revision)."""

    path: Path | None = None
    name: str | None = None
    config: str | None = None
    split: str | None = None
    revision: str | None = None
    preset: str | None = None

    def resolved(self) -> HFSource:
        """Fill the hub name, config and split from the preset when the user gave none."""
        preset = PRESETS.get(self.preset or "")
        if preset is None or self.path is not None:
            return self
        return HFSource(
            path=None,
            name=self.name or preset.hf_name,
            config=self.config or (preset.hf_config if not self.name else None),
            split=self.split or preset.split,
            revision=self.revision,
            preset=self.preset,
        )

    @property
    def label(self) -> str:
        if self.path is not None:
            base = str(self.path)
        else:
            base = f"hf:{self.name}" + (f"/{self.config}" if self.config else "")
            base += f"@{self.revision}" if self.revision else ""
        return base + (f"[{self.split}]" if self.split else "")


def _offline_message(source: HFSource, exc: BaseException) -> str:
    return (
        f"{source.label}: cannot reach the Hugging Face hub to fetch {source.name!r} ({exc}); the network "
        "is unreachable or HF_HUB_OFFLINE=1 is set. Download the set on a machine with a network "
        "(datasets.load_dataset(...).save_to_disk(DIR)) and point the corpus path at DIR with format: hf, "
        "or at its data files (.jsonl/.csv/.parquet)"
    )


def _load_hub(source: HFSource) -> Any:
    import datasets

    try:
        return datasets.load_dataset(source.name, source.config, split=source.split, revision=source.revision)
    except ConnectionError as exc:
        raise CorpusError(_offline_message(source, exc)) from None
    except Exception as exc:  # noqa: BLE001 — datasets raises many types (DatasetNotFoundError, ValueError, RuntimeError)
        hint = ""
        if "scripts are no longer supported" in str(exc):
            hint = "; this set still uses a loading script: try revision: refs/convert/parquet"
        raise CorpusError(f"{source.label}: datasets could not load it ({type(exc).__name__}: {exc}){hint}") from None


def _load_local(source: HFSource) -> Any:
    import datasets

    path = source.path
    assert path is not None
    if not path.exists():
        raise CorpusError(f"{path}: no such file or directory; check the corpus path")
    try:
        if path.is_dir():
            return datasets.load_from_disk(str(path))
        builder = _BUILDERS.get(path.suffix.lower())
        if builder is None:
            raise CorpusError(
                f"{path}: datasets reads .jsonl/.json/.csv/.tsv/.parquet data files or a "
                f"save_to_disk folder, not {path.suffix!r}"
            )
        kwargs = {"delimiter": "\t"} if path.suffix.lower() == ".tsv" else {}
        return datasets.load_dataset(builder, data_files=str(path), split=source.split or "train", **kwargs)
    except CorpusError:
        raise
    except Exception as exc:  # noqa: BLE001 — FileNotFoundError, DatasetGenerationError, ValueError ...
        raise CorpusError(f"{source.label}: datasets could not load it ({_why(exc)}){_own_reader(path)}") from None


def _why(exc: BaseException) -> str:
    """The error and the one that caused it (DatasetGenerationError hides the reason in its cause)."""
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__
    if cause is not None and str(cause) and str(cause) not in text:
        text += f"; {type(cause).__name__}: {cause}"
    return " ".join(text.split())


def _own_reader(path: Path) -> str:
    """A hint to read the data file with bench's own reader, which skips and reports bad rows one by one."""
    if path.is_dir():
        return ""
    try:
        name = detect_format(path)
    except CorpusError:
        return ""
    return "" if name == "hf" else f"; format: {name} reads the file row by row and reports each bad row"


def _pick_split(data: Any, source: HFSource) -> Any:
    """A Dataset from what datasets returned (a DatasetDict needs a split)."""
    import datasets

    if not isinstance(data, (datasets.DatasetDict, datasets.IterableDatasetDict)):
        return data
    splits = list(data.keys())
    if source.split in data:
        return data[source.split]
    if source.split is None and len(splits) == 1:
        return data[splits[0]]
    wanted = f"split {source.split!r} is not there" if source.split else "it has several splits"
    raise CorpusError(f"{source.label}: {wanted}; choose one with split: (splits: {', '.join(splits)})")


def read_hf(source: HFSource, problems: Problems | None = None) -> RawTable:
    """Load the dataset and return its rows as raw records (row numbers from 1).

    A row with bytes that are not UTF-8 goes to ``problems`` (an error when there is no collector).
    """
    source = source.resolved()
    if source.path is None and not source.name:
        raise CorpusError(
            "corpus: format hf needs a path (save_to_disk folder or data files), hf_name, or a preset with a hub set"
        )
    data = _pick_split(_load_hub(source) if source.path is None else _load_local(source), source)
    label = source.label
    table = RawTable(label=label, columns=list(data.column_names or []))
    stem = source.path.stem if source.path else (source.name or "hf").split("/")[-1]
    problems = problems if problems is not None else Problems(strict=True)
    i = 0
    for batch in data.with_format("arrow").iter(batch_size=1000):
        for rec in batch_records(batch):
            i += 1
            if isinstance(rec, RowError):
                problems.add(f"{label} row {i}", str(rec))
            else:
                table.rows.append(RawRow(f"{label} row {i}", rec, f"{stem}-{i}"))
    log.debug("loaded %d rows from %s", len(table.rows), label)
    return table


def _is_saved_dataset(folder: Path) -> bool:
    return (folder / "dataset_info.json").exists() or (folder / "dataset_dict.json").exists()


@register_format(
    "hf",
    folder=True,
    claims_folder=_is_saved_dataset,
    needs_path=False,
    splits=True,
    description="Hugging Face datasets: hf_name on the hub, a save_to_disk folder, or data files",
)
def _read(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    return read_hf(
        HFSource(
            path=path,
            name=config.hf_name,
            config=config.hf_config,
            split=config.split,
            revision=config.revision,
            preset=config.preset,
        ),
        problems,
    )
