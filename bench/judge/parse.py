"""Reading ratings out of a judge's answer. Never raises: what cannot be read is reported, not guessed.

First a JSON object anywhere in the answer (inside markdown fences or after chatter; nested under e.g.
``"ratings"``; a value may be a number, ``"4"``, ``"4/5"`` or ``{"score": 4, ...}``); criteria the JSON
lacks are then looked for as ``name: 4`` lines (``**Accuracy**: 4/5``, ``Accuracy (1-5) - 4``,
``no sensationalism = 5``). A rating outside the scale, or written on another scale (``8/10``), is not
read; neither is a criterion the answer never names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Parsed", "parse_answer", "LOW", "HIGH"]

LOW, HIGH = 1, 5
_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:(?:/|out of|of)\s*(\d+))?")
_SCORE_KEYS = ("score", "rating", "value", "grade")
_decoder = json.JSONDecoder()


@dataclass(frozen=True)
class Parsed:
    """Per criterion its rating (None when not read) and what went wrong, one phrase per problem."""

    scores: dict[str, float | None]
    problems: tuple[str, ...]

    @property
    def status(self) -> str:
        """``ok`` (every criterion read), ``partial`` or ``unparseable`` (none read)."""
        read = [v is not None for v in self.scores.values()]
        return "ok" if all(read) else ("partial" if any(read) else "unparseable")


def _norm(key: str) -> str:
    return re.sub(r"[\s\-]+", "_", key.strip().lower())


def _objects(text: str) -> list[dict[str, Any]]:
    """Every JSON object in ``text`` (outermost first), found by decoding from each ``{``."""
    out = []
    pos = text.find("{")
    while pos != -1:
        try:
            obj, end = _decoder.raw_decode(text, pos)
        except ValueError:
            pos = text.find("{", pos + 1)
            continue
        if isinstance(obj, dict):
            out.append(obj)
        pos = text.find("{", end)
    return out


def _flatten(obj: dict[str, Any], into: dict[str, Any]) -> None:
    """Criterion-like keys of ``obj`` and of objects nested in it (the outer key wins)."""
    for key, value in obj.items():
        name = _norm(str(key))
        if isinstance(value, dict) and not any(_norm(str(k)) in _SCORE_KEYS for k in value):
            _flatten(value, into)
        else:
            into.setdefault(name, value)


def _from_json(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for obj in _objects(text):
        _flatten(obj, found)
    return found


def _line_pattern(name: str) -> re.Pattern[str]:
    words = r"[\s_\-]+".join(re.escape(w) for w in name.split("_"))
    return re.compile(
        rf"(?<![a-z]){words}(?![a-z])\s*(?:\([^)\n]*\))?[\s*_\"'\]]*(?:[:=\-–—]|\bis\b)?[\s*_\"'\[]*"
        r"(-?\d+(?:\.\d+)?(?:\s*(?:/|out of)\s*\d+)?)",
        re.IGNORECASE,
    )


def _value(raw: Any, name: str) -> tuple[float | None, str | None]:
    """A rating on the 1–5 scale from a JSON value or a matched string, else (None, the problem)."""
    if isinstance(raw, dict):
        raw = next((v for k, v in raw.items() if _norm(str(k)) in _SCORE_KEYS), None)
    if isinstance(raw, bool) or raw is None:
        return None, f"{name}: {json.dumps(raw)} is not a rating"
    if isinstance(raw, (int, float)):
        number, scale = float(raw), None
    else:
        match = _NUMBER.match(str(raw))
        if not match:
            return None, f"{name}: {str(raw)[:30]!r} is not a rating"
        number, scale = float(match.group(1)), match.group(2)
    if scale is not None and int(scale) != HIGH:
        return None, f"{name}: {number:g}/{scale} is not on the {LOW}-{HIGH} scale"
    if not LOW <= number <= HIGH:
        return None, f"{name}: {number:g} is outside {LOW}-{HIGH}"
    return number, None


def parse_answer(text: str | None, criteria: Sequence[str]) -> Parsed:
    """The ratings of ``criteria`` in a judge's answer (see the module docstring)."""
    text = text or ""
    found = _from_json(text)
    scores: dict[str, float | None] = {}
    problems: list[str] = []
    for name in criteria:
        raw: Any = found.get(name)
        if raw is None:
            match = _line_pattern(name).search(text)
            raw = match.group(1) if match else None
            if raw is None:
                scores[name] = None
                problems.append(f"no {name} rating")
                continue
        scores[name], problem = _value(raw, name)
        if problem:
            problems.append(problem)
    return Parsed(scores, tuple(problems))
