"""Shared by the page layouts: the parsed page, the error a layout raises, blocks and date lines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from bench.errors import CorpusError
from bench.text import normalize_space

__all__ = ["PageError", "ParsedPage", "split_blocks", "parse_date", "MAX_HEADLINE_WORDS"]

MAX_HEADLINE_WORDS = 30

_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        "January February March April May June July August September October November December".split(), 1
    )
}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = r"(?:,?\s*\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,5})?)?"
_DATE_PATTERNS = [
    re.compile(rf"(?P<month>{_MONTH_RE})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}){_TIME}", re.I),
    re.compile(rf"(?P<day>\d{{1,2}})\.?\s+(?P<month>{_MONTH_RE})\.?,?\s+(?P<year>\d{{4}}){_TIME}", re.I),
    re.compile(rf"(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>\d{{4}}){_TIME}"),
    re.compile(rf"(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}}){_TIME}"),
]
_DATE_PREFIX = re.compile(r"^(?:date|published|updated)\s*:?\s*", re.I)


class PageError(CorpusError):
    """A page whose text matches no (or not the requested) layout; the message says why."""


@dataclass
class ParsedPage:
    """What a layout found on a page; :func:`bench.corpus.pages.parse_page` makes the Article."""

    headline: str
    standfirst: str | None
    paragraphs: list[str]
    date: str | None = None
    category: str | None = None
    source: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def split_blocks(text: str) -> list[list[str]]:
    """Split text into blocks of stripped non-empty lines; blank lines separate blocks."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = normalize_space(raw)
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def parse_date(line: str) -> str | None:
    """The ISO date (YYYY-MM-DD) when ``line`` is nothing but a date, else None."""
    text = _DATE_PREFIX.sub("", line.strip())
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        month = m.group("month")
        month_no = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
        try:
            return dt.date(int(m.group("year")), month_no, int(m.group("day"))).isoformat()
        except ValueError:
            return None
    return None
