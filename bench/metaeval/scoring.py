"""Scoring judged summaries with registered metrics, cached by content so a rerun rescoring nothing.

The cache is one JSONL file per metric setting under ``<cache dir>/metaeval/``: its name hashes the
metric's name, its config and the package version; each line is ``{"k": item hash, "v": {column: value}}``
(the item hash covers summary, references, article and language). Lines are appended with fsync in
chunks, so a killed run keeps what it scored. A ``.sig`` file beside it keeps the metric's signature.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from bench import __version__
from bench.article import Article
from bench.metaeval.judgments import Judgment
from bench.metrics.base import Item, Metric

__all__ = ["item_key", "metric_key", "score_judgments", "CHUNK"]

log = logging.getLogger(__name__)
CHUNK = 256  # items scored (and appended to the cache) at a time
Values = dict[str, float | None]


def item_key(j: Judgment) -> str:
    """Content hash of what a metric reads from one judgment."""
    h = hashlib.sha256()
    for part in (j.summary, "\x01".join(j.references), j.article or "", "en"):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:24]


def metric_key(metric: Metric) -> str:
    """The cache file stem of a metric setting: name + hash of its config and the package version."""
    config = json.dumps(dataclasses.asdict(metric.config), sort_keys=True, default=str)
    digest = hashlib.sha256(f"{metric.name}\x00{config}\x00{__version__}".encode()).hexdigest()[:16]
    return f"{metric.name}-{digest}"


def _item(j: Judgment) -> Item:
    return Item(j.summary, j.references, Article(id=j.doc_id, body=j.article or ""))


def _read_cache(path: Path) -> dict[str, Values]:
    out: dict[str, Values] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                rec = json.loads(line)
                out[rec["k"]] = rec["v"]
            except (json.JSONDecodeError, KeyError, TypeError):
                log.warning("%s:%d: unreadable cache line (a killed write?); it is rescored", path, number)
    return out


def _append(path: Path, rows: Sequence[tuple[str, Values]]) -> None:
    with path.open("a", encoding="utf-8") as fh:
        for key, values in rows:
            fh.write(json.dumps({"k": key, "v": values}, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def score_judgments(
    judgments: Sequence[Judgment], metric: Metric, cache_dir: Path | None
) -> tuple[list[Values], str, int]:
    """Per-judgment values of ``metric``, its signature and how many distinct items were newly scored.

    Identical items (e.g. one output listed under two systems) are scored once. A metric with ``idf``
    on is given every item in one call (its weights come from all references). ``cache_dir`` None
    disables the cache.
    """
    keys = [item_key(j) for j in judgments]
    path = sig_path = None
    known: dict[str, Values] = {}
    if cache_dir is not None:
        folder = Path(cache_dir) / "metaeval"
        folder.mkdir(parents=True, exist_ok=True)
        path, sig_path = folder / f"{metric_key(metric)}.jsonl", folder / f"{metric_key(metric)}.sig"
        known = _read_cache(path)
    todo = list(dict.fromkeys(k for k in keys if k not in known))
    first = dict(zip(keys, judgments))
    # idf weights depend on every reference scored together: score all items in one call, as a run does
    whole = bool(getattr(metric.config, "idf", False))
    if whole and todo:
        todo = list(dict.fromkeys(keys))
    step = max(len(todo), 1) if whole else CHUNK
    for start in range(0, len(todo), step):
        chunk = todo[start : start + step]
        values = metric.score([_item(first[k]) for k in chunk])
        rows = list(zip(chunk, values))
        known.update(rows)
        if path is not None:
            _append(path, rows)
    signature = metric.signature() if todo or sig_path is None or not sig_path.is_file() else sig_path.read_text()
    if sig_path is not None and todo:
        sig_path.write_text(signature)
    return [known[k] for k in keys], signature.strip(), len(todo)
