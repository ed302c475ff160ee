"""Human-judgment files: one judged summary a line, and the ``documents × systems`` grids they form.

Schema (JSONL, UTF-8)::

    {"dataset", "doc_id", "system", "summary", "references": [...], "article"?, "human": {aspect: score}}

Other top-level fields (e.g. REALSumm's ``family``) are kept in :attr:`Judgment.fields` for ``--group-by``.
Every mistake is a :class:`~bench.errors.CorpusError` naming the file, line and field.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.errors import CorpusError

__all__ = ["Judgment", "Grid", "load_judgments", "build_grid", "aspects_of"]

log = logging.getLogger(__name__)
_REQUIRED = ("doc_id", "system", "summary", "references", "human")


@dataclass(frozen=True)
class Judgment:
    """One judged summary."""

    doc_id: str
    system: str
    summary: str
    references: tuple[str, ...]
    human: dict[str, float]
    article: str | None = None
    dataset: str = ""
    fields: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _fail(path: Path, line: int, what: str) -> CorpusError:
    return CorpusError(
        f"{path}:{line}: {what}; each line must be "
        '{"doc_id", "system", "summary", "references": [...], "human": {aspect: score}}'
    )


def _parse(rec: Any, path: Path, line: int) -> Judgment:
    if not isinstance(rec, dict):
        raise _fail(path, line, f"expected a JSON object, got {type(rec).__name__}")
    missing = [k for k in _REQUIRED if k not in rec]
    if missing:
        raise _fail(path, line, f"missing field {missing[0]!r}")
    refs = rec["references"]
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
        raise _fail(path, line, "field 'references' must be a non-empty list of non-empty strings")
    if not isinstance(rec["summary"], str):
        raise _fail(path, line, "field 'summary' must be a string")
    human = rec["human"]
    if not isinstance(human, dict) or not human:
        raise _fail(path, line, "field 'human' must be a non-empty mapping {aspect: score}")
    for aspect, score in human.items():
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise _fail(path, line, f"human.{aspect} must be a finite number, got {score!r}")
    article = rec.get("article")
    if article is not None and not isinstance(article, str):
        raise _fail(path, line, "field 'article' must be a string when present")
    extra = {k: v for k, v in rec.items() if k not in _REQUIRED + ("article", "dataset")}
    return Judgment(
        str(rec["doc_id"]),
        str(rec["system"]),
        rec["summary"],
        tuple(refs),
        {str(k): float(v) for k, v in human.items()},
        article,
        str(rec.get("dataset", "")),
        extra,
    )


def load_judgments(path: Path) -> list[Judgment]:
    """Every judged summary of a JSONL file; duplicates of (doc_id, system) are refused."""
    path = Path(path)
    out: list[Judgment] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        with path.open(encoding="utf-8") as fh:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    rec = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise _fail(path, number, f"not JSON ({exc.msg} at column {exc.colno})") from None
                j = _parse(rec, path, number)
                if (j.doc_id, j.system) in seen:
                    raise _fail(
                        path,
                        number,
                        f"doc_id {j.doc_id!r} × system {j.system!r} repeats line "
                        f"{seen[(j.doc_id, j.system)]}; keep one judgment per summary",
                    )
                seen[(j.doc_id, j.system)] = number
                out.append(j)
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such judgments file") from None
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    if not out:
        raise CorpusError(f"{path}: no judgments; expected one JSON object per line")
    return out


def aspects_of(judgments: Sequence[Judgment]) -> list[str]:
    """The human aspects every judgment has, in first-seen order."""
    common = set(judgments[0].human)
    for j in judgments[1:]:
        common &= set(j.human)
    return [a for a in judgments[0].human if a in common]


@dataclass(frozen=True)
class Grid:
    """Judgments laid out as ``documents × systems``: ``cells[d][s]`` indexes the judgment list."""

    docs: tuple[str, ...]
    systems: tuple[str, ...]
    cells: np.ndarray  # int, (n_docs, n_systems)
    dropped_docs: int = 0

    def matrix(self, values: Sequence[float | None]) -> np.ndarray:
        """Per-judgment values (None → NaN) as a ``documents × systems`` float matrix."""
        arr = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        return arr[self.cells]


def build_grid(judgments: Sequence[Judgment], indices: Sequence[int]) -> Grid:
    """The grid of ``judgments[i] for i in indices``; documents lacking any system's summary are dropped
    (logged), since every level compares the same systems on the same documents."""
    systems = sorted({judgments[i].system for i in indices})
    by_doc: dict[str, dict[str, int]] = {}
    for i in indices:
        by_doc.setdefault(judgments[i].doc_id, {})[judgments[i].system] = i
    complete = [d for d, row in by_doc.items() if len(row) == len(systems)]
    dropped = len(by_doc) - len(complete)
    if dropped:
        log.warning(
            "meta-eval: %d of %d documents lack a summary of some system and are left out", dropped, len(by_doc)
        )
    cells = np.array([[by_doc[d][s] for s in systems] for d in complete], dtype=int).reshape(
        len(complete), len(systems)
    )
    return Grid(tuple(complete), tuple(systems), cells, dropped)
