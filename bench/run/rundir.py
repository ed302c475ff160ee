"""The run directory: one table of its file names, creating it, and reading a finished one back.

``results/<config-name>-<UTC yyyymmdd-hhmmss>/`` holds the files of :data:`FILES`. :func:`create_run_dir`
makes the folder (:mod:`bench.run.execute` fills it through :mod:`bench.files`, atomically);
:func:`open_run` checks that a path is one, naming what is missing, and :class:`Run` loads its parts —
the JSON files as dicts, the JSONL files as pandas DataFrames (one row per line, ids kept as strings).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from bench.errors import RunError
from bench.files import read_jsonl, write_error
from bench.metrics.base import Column
from bench.metrics.rouge_columns import ROUGE_STATS, rouge_columns

__all__ = [
    "FILES",
    "RUN_FILES",
    "REPORT_FILE",
    "Run",
    "open_run",
    "read_json",
    "utc_stamp",
    "create_run_dir",
    "parse_signature",
    "signature_difference",
]

#: every file of a run directory, by role; nothing else spells these names out
FILES = {
    "config": "config.yaml",  # the resolved config, written first
    "predictions": "predictions.jsonl",  # one line per system × target × article
    "scores": "scores.jsonl",  # per-article metric values, flat
    "summary_json": "summary.json",  # one row per system × target, with CIs and signatures
    "summary_csv": "summary.csv",
    "summary_md": "summary.md",
    "manifest": "manifest.json",  # command, environment, timings, failures; written last
}
RUN_FILES = tuple(FILES.values())
REPORT_FILE = "report.html"  # written by ``bench report``, not by the run

#: either of these makes a folder a run directory (config.yaml is written first, manifest.json last)
_MARKERS = (FILES["config"], FILES["manifest"])
#: what a reader needs; summary.json and manifest.json are written last, so both exist only for a
#: run that finished
_NEEDED = (FILES["manifest"], FILES["summary_json"], FILES["scores"], FILES["predictions"])
_STRING_COLUMNS = ("system", "target", "article_id", "article_hash", "prediction", "reference", "fingerprint")


def utc_stamp(moment: datetime | None = None) -> str:
    """UTC time as ``yyyymmdd-hhmmss`` (the run directory suffix)."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def create_run_dir(root: Path, name: str, moment: datetime | None = None) -> Path:
    """Make ``root/<name>-<stamp>`` (``-2``, ``-3``... if a run started in the same second).

    A root that is a file, on a full or read-only disk, or not writable is one RunError line."""
    if root.exists() and not root.is_dir():
        raise RunError(f"{root}: is a file, not a folder; pass --output DIR naming a folder")
    base = root / f"{name}-{utc_stamp(moment)}"
    path, i = base, 1
    try:
        root.mkdir(parents=True, exist_ok=True)
        while True:
            try:
                path.mkdir()
                return path
            except FileExistsError:
                i += 1
                path = base.with_name(f"{base.name}-{i}")
    except OSError as exc:
        raise write_error(
            path if root.is_dir() else root, exc, "cannot create the run directory", option="--output DIR"
        ) from None


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RunError(f"{path}: cannot read ({exc.strerror})") from None
    except ValueError as exc:
        raise RunError(
            f"{path}: not valid JSON at line {getattr(exc, 'lineno', '?')} ({getattr(exc, 'msg', exc)}); "
            "the file is damaged — rerun the command that wrote it"
        ) from None
    if not isinstance(data, dict):
        raise RunError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows)
    for column in _STRING_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].astype("string")
    return frame


def parse_signature(signature: str) -> dict[str, str]:
    """``'a:1|b:2|v:3'`` → ``{'a': '1', 'b': '2', 'v': '3'}`` (a part without ``:`` maps to itself)."""
    out: dict[str, str] = {}
    for part in signature.split("|"):
        key, sep, value = part.partition(":")
        out[key] = value if sep else key
    return out


def signature_difference(a: str, b: str) -> str:
    """The settings in which two signatures differ, e.g. ``'stem: yes ≠ no; v: 1.0 ≠ 1.1'``."""
    pa, pb = parse_signature(a), parse_signature(b)
    parts = [
        f"{k}: {pa.get(k, '(absent)')} ≠ {pb.get(k, '(absent)')}"
        for k in list(pa) + [k for k in pb if k not in pa]
        if pa.get(k) != pb.get(k)
    ]
    return "; ".join(parts) or "identical"


@dataclass
class Run:
    """A finished run directory. ``manifest``/``summary``/``config`` are dicts; ``scores`` and
    ``predictions`` are DataFrames, read on first use. ``groups``: where :meth:`score_groups` comes from
    when not from scores.jsonl (the run that just finished passes its in-memory per-article arrays)."""

    path: Path
    manifest: dict[str, Any]
    summary: dict[str, Any]
    groups: Callable[[], dict[tuple[str, str], pd.DataFrame]] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The run directory's name, ``<config-name>-<UTC yyyymmdd-hhmmss>``."""
        return self.path.name

    @property
    def signature(self) -> str:
        """The first metric's signature (ROUGE's by default)."""
        return str(self.summary.get("signature", ""))

    @property
    def signatures(self) -> dict[str, str]:
        """metric name -> its signature (a run written before metrics were registered: ROUGE's only)."""
        found = self.summary.get("signatures")
        return dict(found) if isinstance(found, dict) else {"rouge": self.signature}

    @cached_property
    def columns(self) -> list[Column]:
        """The metric columns the run scored (summary.json's ``columns``)."""
        if isinstance(self.summary.get("columns"), list):
            return [Column.from_dict(c) for c in self.summary["columns"]]
        return _legacy_columns(self.summary.get("rows") or [])

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """summary.json's rows: one per system × target, each with ``scores``: {column key: mean/low/high/n}."""
        return [r if "scores" in r else _legacy_row(r) for r in self.summary.get("rows") or []]

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(r["target"] for r in self.rows))

    @property
    def systems(self) -> list[str]:
        return list(dict.fromkeys(r["system"] for r in self.rows))

    @cached_property
    def config(self) -> dict[str, Any]:
        """The resolved config.yaml ({} when absent)."""
        path = self.path / FILES["config"]
        if not path.exists():
            return {}
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RunError(f"{path}: not valid YAML ({exc})") from None
        return data if isinstance(data, dict) else {}

    @cached_property
    def scores(self) -> pd.DataFrame:
        """scores.jsonl: one row per system × target × article with every metric column."""
        return _frame(read_jsonl(self.path / FILES["scores"]))

    @cached_property
    def predictions(self) -> pd.DataFrame:
        """predictions.jsonl: one row per system × target × article with prediction and reference."""
        return _frame(read_jsonl(self.path / FILES["predictions"]))

    @cached_property
    def _score_groups(self) -> dict[tuple[str, str], pd.DataFrame]:
        if self.groups is not None:
            return self.groups()
        frame = self.scores
        if frame.empty:
            return {}
        return {(str(s), str(t)): part for (s, t), part in frame.groupby(["system", "target"], sort=False)}

    def score_groups(self) -> dict[tuple[str, str], pd.DataFrame]:
        """scores.jsonl split by (system, target)."""
        return self._score_groups

    def summary_frame(self) -> pd.DataFrame:
        """summary.json's rows flattened: ``rouge1_f``, ``rouge1_f_low``, ``rouge1_f_high``, ``rouge1_f_n``..."""
        flat = []
        for row in self.rows:
            out = {k: v for k, v in row.items() if not isinstance(v, dict)}
            for key, stats in (row.get("scores") or {}).items():
                out[key] = stats.get("mean")
                for part in ("low", "high", "n"):
                    out[f"{key}_{part}"] = stats.get(part)
            flat.append(out)
        return pd.DataFrame.from_records(flat)

    def bootstrap_settings(self) -> tuple[int, int]:
        """(resamples, seed) of the first metric's CIs, from config.yaml (defaults 1000, 12345)."""
        metrics = self.config.get("metrics") or {}
        first = next((v for v in metrics.values() if isinstance(v, dict)), {})
        seed = first.get("seed")
        return int(first.get("bootstrap") or 1000), int(seed if seed is not None else 12345)


def _legacy_columns(rows: list[dict[str, Any]]) -> list[Column]:
    """The columns of a summary.json written before metrics were registered (ROUGE types as keys)."""
    first = rows[0] if rows else {}
    return rouge_columns([k for k, v in first.items() if isinstance(v, dict) and "f1" in v])


def _legacy_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if not (isinstance(v, dict) and "f1" in v)}
    scores = {}
    for t, stats in row.items():
        if isinstance(stats, dict) and "f1" in stats:
            for s, name, _ in ROUGE_STATS:
                low, high = stats.get(f"{name}_ci") or (None, None)
                scores[f"{t}_{s}"] = {"mean": stats.get(name), "low": low, "high": high, "n": row.get("n")}
    out["scores"] = scores
    return out


def _not_a_run(path: Path) -> RunError:
    runs = sorted(p for p in path.iterdir() if p.is_dir() and (p / FILES["manifest"]).exists())
    if runs:
        return RunError(
            f"{path}: is a results folder holding {len(runs)} run director{'y' if len(runs) == 1 else 'ies'}, not a run directory; "
            f"pass one of them, e.g. {runs[-1]}"
        )
    return RunError(
        f"{path}: not a run directory (no {' or '.join(_MARKERS)}); pass a folder written by "
        "'bench run', named <config-name>-<yyyymmdd-hhmmss>"
    )


def open_run(path: str | Path) -> Run:
    """Open the run directory at ``path``; RunError names what is missing and what to do."""
    path = Path(path)
    if not path.exists():
        raise RunError(
            f"{path}: no such run directory; pass a folder written by 'bench run' "
            "(results/<config-name>-<yyyymmdd-hhmmss>)"
        )
    if not path.is_dir():
        raise RunError(f"{path}: is a file, not a run directory; pass the folder that holds it ({path.parent})")
    if not any((path / m).exists() for m in _MARKERS):
        raise _not_a_run(path)
    missing = [name for name in _NEEDED if not (path / name).is_file()]
    if missing:
        raise RunError(
            f"{path}: incomplete run directory, missing {', '.join(missing)} — the run was "
            "interrupted or crashed before it finished; rerun the same 'bench run' command "
            "(cached predictions are reused) and use the new run directory"
        )
    manifest = read_json(path / FILES["manifest"])
    summary = read_json(path / FILES["summary_json"])
    if not isinstance(summary.get("rows"), list) or "signature" not in summary:
        raise RunError(
            f"{path / FILES['summary_json']}: missing 'rows' or 'signature'; not a summary written by 'bench run'"
        )
    return Run(path, manifest, summary)
