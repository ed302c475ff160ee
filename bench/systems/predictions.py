"""``predictions``: outputs made elsewhere (a batch job, an API run, another harness), read from a file.

The file is JSONL or CSV/TSV with one row per (article id, target): columns ``id`` (or ``article_id``),
``target`` and ``prediction``. A run's own ``predictions.jsonl`` works as it is (pick one system with
``system:``). The rows are scored, cached, compared and reported like any system's outputs.

Mistakes are refused, never scored as empty text: a duplicate (id, target) names both line numbers; an
article the run asks for that the file lacks fails that target's unit with the count and the first ids
(a missing prediction scored as "" would be a silently wrong number). :meth:`PredictionsFile.coverage`
also counts rows whose ids the run does not have (with their line numbers) when the runner offers the
whole article list. The fingerprint covers the file's content hash, so an edited file is read again;
the path itself is left out, so the same file moved elsewhere reuses the cache.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bench.article import TARGETS, Article
from bench.errors import ConfigError, SystemError_
from bench.systems.base import System, Task, register
from bench.typed import to_plain

__all__ = ["PredictionsFile", "Coverage"]

log = logging.getLogger(__name__)

_SUFFIX_FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv"}
_ID_FIELDS = ("article_id", "id")
_SHOW = 5  # ids or line numbers quoted in one error line


@dataclass(frozen=True)
class Coverage:
    """How a predictions file matches the articles a run asks for, for one target."""

    target: str
    missing: list[str]  # article ids the run asks for that the file lacks
    extra: list[tuple[str, int]]  # (id, line) rows of this target whose id the run does not have

    def message(self, path: str) -> str | None:
        if not self.missing and not self.extra:
            return None
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} articles have no {self.target} prediction (ids: {_first(self.missing)})")
        if self.extra:
            lines = _first([f"{i} (line {n})" for i, n in self.extra])
            parts.append(f"{len(self.extra)} {self.target} rows name ids the corpus does not have: {lines}")
        return f"{path}: " + "; ".join(parts)


def _first(items: Sequence[str]) -> str:
    more = f", … {len(items) - _SHOW} more" if len(items) > _SHOW else ""
    return ", ".join(items[:_SHOW]) + more


@register("predictions")
class PredictionsFile(System):
    """Predictions read from a JSONL/CSV/TSV file instead of generated."""

    @dataclass(frozen=True)
    class Config:
        path: str
        format: Literal["auto", "jsonl", "csv", "tsv"] = "auto"
        id_field: str | None = None  # None: 'article_id' when the file has it, else 'id'
        target_field: str = "target"
        prediction_field: str = "prediction"
        target: str | None = None  # the file holds only this target's predictions (no target column needed)
        system: str | None = None  # keep only rows whose 'system' column is this (a run's predictions.jsonl)

        def validate(self, where: str) -> None:
            if not self.path.strip():
                raise ConfigError(f"{where}.path: empty; give the JSONL/CSV file of predictions")
            if self.target is not None and self.target not in TARGETS:
                raise ConfigError(f"{where}.target: {self.target!r} is not one of {', '.join(TARGETS)}")
            if self.format == "auto" and Path(self.path).suffix.lower() not in _SUFFIX_FORMATS:
                raise ConfigError(
                    f"{where}.format: cannot tell the format of {self.path!r} from its suffix; "
                    "set format: jsonl, csv or tsv"
                )

    def __init__(self, name: str, config: Any) -> None:
        super().__init__(name, config)
        self.path = Path(config.path).expanduser()
        self.table: dict[tuple[str, str], tuple[str, int]] | None = None  # (target, id) -> (prediction, line)
        self.stats = {"rows": 0, "rows_other_systems": 0, "served": 0}

    # identity -----------------------------------------------------------------------------------
    def content_hash(self) -> str:
        """sha256 of the file's bytes ('missing' when it cannot be read: load() then says why)."""
        h = hashlib.sha256()
        try:
            with open(self.path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError:
            return "missing"
        return h.hexdigest()

    def fingerprint(self) -> str:
        settings = {k: v for k, v in to_plain(self.config).items() if k != "path"}
        payload = {"kind": self.kind, "version": self.version, "settings": settings, "file": self.content_hash()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    # reading ------------------------------------------------------------------------------------
    def load(self) -> None:
        if self.table is not None:
            return
        if not self.path.is_file():
            raise SystemError_(
                f"{self.name}: predictions file {self.path} not found; fix path: "
                "(relative paths are read from the current directory)"
            )
        table: dict[tuple[str, str], tuple[str, int]] = {}
        duplicates: list[str] = []
        systems: set[str] = set()
        for line, row in self._rows():
            if "system" in row and self.config.system is None:
                systems.add(str(row["system"]))
            if self.config.system is not None and str(row.get("system")) != self.config.system:
                self.stats["rows_other_systems"] += 1
                continue
            key = self._key(row, line)
            if key in table:
                duplicates.append(f"{key[1]!r} {key[0]} at lines {table[key][1]} and {line}")
                continue
            table[key] = (self._prediction(row, line), line)
        if len(systems) > 1:
            raise SystemError_(
                f"{self.name}: {self.path} holds predictions of {len(systems)} systems "
                f"({_first(sorted(systems))}); set system: to the one to score"
            )
        if duplicates:
            raise SystemError_(
                f"{self.name}: {self.path}: {len(duplicates)} duplicate predictions: "
                f"{_first(duplicates)}; keep one row per article id and target"
            )
        if not table:
            raise SystemError_(
                f"{self.name}: {self.path} has no prediction rows"
                + (f" for system {self.config.system!r}" if self.config.system else "")
            )
        self.stats["rows"] = len(table)
        self.table = table
        log.info("%s: %d predictions read from %s", self.name, len(table), self.path)

    def _format(self) -> str:
        if self.config.format != "auto":
            return self.config.format
        return _SUFFIX_FORMATS[self.path.suffix.lower()]

    def _rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, row) for every row of the file."""
        fmt = self._format()
        try:
            with open(self.path, encoding="utf-8", newline="") as fh:
                if fmt == "jsonl":
                    yield from self._jsonl_rows(fh)
                else:
                    reader = csv.DictReader(fh, delimiter="\t" if fmt == "tsv" else ",")
                    start = 2  # line 1 is the header
                    for row in reader:
                        yield start, row
                        start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise SystemError_(f"{self.name}: {self.path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
        except csv.Error as exc:
            raise SystemError_(f"{self.name}: {self.path}: bad {fmt.upper()} ({exc}); fix the quoting") from None

    def _jsonl_rows(self, fh: Any) -> Iterator[tuple[int, dict[str, Any]]]:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except ValueError as exc:
                raise SystemError_(
                    f"{self.name}: {self.path}:{number}: not valid JSON ({exc.msg}); write one JSON object per line"
                ) from None
            if not isinstance(row, dict):
                raise SystemError_(
                    f"{self.name}: {self.path}:{number}: expected a JSON object, got {type(row).__name__}"
                )
            yield number, row

    def _key(self, row: dict[str, Any], line: int) -> tuple[str, str]:
        id_field = self.config.id_field or next((f for f in _ID_FIELDS if f in row), _ID_FIELDS[-1])
        article_id = row.get(id_field)
        if article_id is None or str(article_id).strip() == "":
            raise SystemError_(
                f"{self.name}: {self.path}:{line}: no {id_field!r} (the article id); "
                f"columns are {', '.join(map(str, row))}; set id_field: to the id column"
            )
        target = self.config.target or row.get(self.config.target_field)
        if target not in TARGETS:
            what = (
                f"{self.config.target_field!r} is {target!r}"
                if target is not None
                else f"no {self.config.target_field!r} column"
            )
            raise SystemError_(
                f"{self.name}: {self.path}:{line}: {what}; it must be {' or '.join(TARGETS)} "
                "(or set target: when the file holds one target only)"
            )
        return target, str(article_id)

    def _prediction(self, row: dict[str, Any], line: int) -> str:
        value = row.get(self.config.prediction_field)
        if not isinstance(value, str):
            raise SystemError_(
                f"{self.name}: {self.path}:{line}: {self.config.prediction_field!r} is "
                f"{'missing' if value is None else type(value).__name__}; give the prediction "
                "text (set prediction_field: to its column)"
            )
        return value

    # serving ------------------------------------------------------------------------------------
    def coverage(self, articles: Sequence[Article], target: str) -> Coverage:
        """Which of ``articles`` the file lacks for ``target``, and which of its rows name other ids."""
        self.load()
        assert self.table is not None
        ids = {a.id for a in articles}
        missing = [a.id for a in articles if (target, a.id) not in self.table]
        extra = sorted(
            ((i, line) for (t, i), (_, line) in self.table.items() if t == target and i not in ids),
            key=lambda item: item[1],
        )
        return Coverage(target, missing, extra)

    def check(self, articles: Sequence[Article], tasks: Sequence[Task]) -> list[str]:
        """One warning line per target whose rows name ids the run lacks; raises for missing ones
        (a runner hook: call with every article before generating, to count over the whole run)."""
        notes = []
        for task in tasks:
            found = self.coverage([a for a in articles if a.reference(task.target) is not None], task.target)
            text = found.message(str(self.path))
            if found.missing:
                raise SystemError_(f"{self.name}: {text}; add rows for them or run on the file's articles only")
            if text:
                log.warning("%s: %s", self.name, text)
                notes.append(text)
        return notes

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        self.load()
        assert self.table is not None
        missing = [a.id for a in articles if (task.target, a.id) not in self.table]
        if missing:
            raise SystemError_(
                f"{self.name}: {self.path}: {len(missing)} of {len(articles)} articles asked "
                f"for have no {task.target} prediction (ids: {_first(missing)}); add rows "
                "for them or run on the file's articles only"
            )
        self.stats["served"] += len(articles)
        return [self.table[(task.target, a.id)][0] for a in articles]

    def run_stats(self) -> dict[str, Any]:
        return {"file": str(self.path), "sha256": self.content_hash(), **self.stats}
