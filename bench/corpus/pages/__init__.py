"""Raw scraped page text -> :class:`~bench.corpus.load.Article`.

Two page layouts are understood; ``layout="auto"`` tries them in this order:

``dw``
    A news web page saved as text, as scraped from Deutsche Welle (dw.com): navigation menu lines
    ("1. Skip to content", ...), the section ("Politics"), the headline, a date line ("April 12, 2017",
    "12 April 2017", "12.04.2017" or "2017-04-12"), the standfirst, then the body with photo captions
    ("<caption>" followed by "Image: <credit>"), subheads, an agency byline ("es/rt (AP, Reuters)") and
    footer sections ("Skip next section ...", "DW's Top Story", ...). The page is anchored on its date
    line (the headline is the line just before it, the section the last non-menu line above that), so
    any number of menu or footer lines parses. Menu lines, captions with their credit line, the byline
    and the footer are left out of the body; captions, credits and byline are kept in ``meta``. A
    sentence that the page broke across two paragraphs (a paragraph without final punctuation followed
    by one starting in lower case) is joined again; subheads stay paragraphs of their own.

``plain``
    The layout of the original ``bbc-fulltext`` archive: a one-line headline, a blank line, then
    paragraphs separated by blank lines. The first paragraph is the standfirst, the rest the body. In a
    directory tree (``bbc/business/001.txt``) the sub-folder names the category.

A page that matches no layout is not an article: :func:`parse_page` raises :class:`PageError` whose
message says why each layout did not fit (the corpus loader reports it as ``file: reason`` and skips
the file, or stops under ``strict``). Pass ``layout`` to force one layout.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from bench.article import Article
from bench.errors import CorpusError
from bench.text import normalize_space

__all__ = ["LAYOUTS", "PageError", "parse_page", "detect_layout", "parse_date", "split_blocks"]

LAYOUTS = ("dw", "plain")
MAX_HEADLINE_WORDS = 30

_MONTHS = {m.lower(): i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
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

# Navigation: "1. Skip to content", "Skip to main menu"; numbered menu items above the headline.
_SKIP_TO = re.compile(r"^(?:\d+\.\s*)?Skip to\b", re.I)
_MENU_ITEM = re.compile(r"^\d+\.\s+\S")
# Footer: "Skip next section Explore more" and the headings of the site's footer sections.
_FOOTER_START = re.compile(r"^(?:Skip next section\b|Skip previous section\b)", re.I)
_FOOTER_HEADINGS = frozenset(h.lower() for h in (
    "DW's Top Story", "Explore more", "More stories from DW", "Related content", "Related topics",
    "Related Subjects", "Keywords", "Audios and videos on the topic", "More content"))
# Photo/video credit line ending a caption block.
_CREDIT = re.compile(r"^(?:Image|Images|Photo|Photos|Picture|Video|Bild|Foto)\s*:\s*\S", re.I)
# Agency byline: editors' initials and/or agencies in brackets, e.g. "es/rt (AP, Reuters)".
_BYLINE = re.compile(r"^(?:[a-z]{1,4}(?:\s*/\s*[a-z]{1,4})*\s*)?\((?:[A-Za-z][\w.&\- ]{0,20})"
                     r"(?:\s*,\s*[A-Za-z][\w.&\- ]{0,20})*\)$|^[a-z]{1,4}(?:\s*/\s*[a-z]{1,4})+$")
_PERMALINK = re.compile(r"^Permalink\s+(https?://\S+)$", re.I)
_SENTENCE_END = tuple(".!?…:;\"'”’»)]")


class PageError(CorpusError):
    """A page whose text matches no (or not the requested) layout; the message says why."""


@dataclass
class _Parsed:
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


# ---- layout "dw" ---------------------------------------------------------------------------------


def _is_nav(line: str) -> bool:
    return bool(_SKIP_TO.match(line) or _MENU_ITEM.match(line))


def _is_footer(line: str) -> bool:
    return bool(_FOOTER_START.match(line)) or line.lower() in _FOOTER_HEADINGS


def _find_date_block(blocks: list[list[str]]) -> int:
    """Index of the first one-line date block that has a headline block before it; raise if none."""
    for i, block in enumerate(blocks):
        if len(block) == 1 and parse_date(block[0]) and i > 0:
            before = [ln for ln in blocks[i - 1] if not _is_nav(ln)]
            if before and len(before[-1].split()) <= MAX_HEADLINE_WORDS:
                return i
    raise PageError("no date line (like 'April 12, 2017') directly after a headline")


def _header(blocks: list[list[str]], date_index: int) -> tuple[str, str | None]:
    """(headline, section) from the lines above the date line, skipping menu lines."""
    lines = [ln for block in blocks[:date_index] for ln in block if not _is_nav(ln)]
    headline = lines[-1]  # _find_date_block guarantees one
    section = lines[-2] if len(lines) > 1 and len(lines[-2].split()) <= 5 else None
    return headline, section


def _strip_caption(block: list[str], meta: dict[str, Any]) -> list[str]:
    """Drop a caption and its credit line ("...", "Image: ...") from a block, keeping them in meta."""
    for i, line in enumerate(block):
        if _CREDIT.match(line):
            caption = " ".join(block[:i])
            meta.setdefault("captions", []).append({"caption": caption or None, "credit": line})
            return block[i + 1:]
    return block


def _body_blocks(blocks: list[list[str]], meta: dict[str, Any]) -> list[str]:
    """Paragraphs between the standfirst and the footer, captions removed, lines joined."""
    paragraphs: list[str] = []
    for block in blocks:
        if any(_is_footer(ln) for ln in block):
            break
        kept = [ln for ln in _strip_caption(block, meta) if not (_SKIP_TO.match(ln) or _PERMALINK.match(ln))]
        if kept:
            paragraphs.append(" ".join(kept))
    return paragraphs


def _cut_byline(paragraphs: list[str], meta: dict[str, Any]) -> list[str]:
    """End the body at the agency byline; it and any paragraphs after it go to meta."""
    for i, para in enumerate(paragraphs):
        if i > 0 and _BYLINE.match(para):
            meta["byline"] = para
            if paragraphs[i + 1:]:
                meta["after_byline"] = paragraphs[i + 1:]
            return paragraphs[:i]
    return paragraphs


def join_broken_sentences(paragraphs: list[str]) -> list[str]:
    """Join a paragraph without final punctuation to the next when that one starts in lower case."""
    out: list[str] = []
    for para in paragraphs:
        if out and not out[-1].endswith(_SENTENCE_END) and para[:1].islower():
            out[-1] = f"{out[-1]} {para}"
        else:
            out.append(para)
    return out


def _parse_dw(blocks: list[list[str]]) -> _Parsed:
    date_index = _find_date_block(blocks)
    headline, section = _header(blocks, date_index)
    meta: dict[str, Any] = {}
    rest = blocks[date_index + 1:]
    url = next((m.group(1) for b in blocks for ln in b if (m := _PERMALINK.match(ln))), None)
    paragraphs = _cut_byline(_body_blocks(rest, meta), meta)
    if len(paragraphs) < 2:
        raise PageError("no body after the standfirst (the page ends or its footer starts right after it)")
    # The site names itself in its menu and footer ("Skip to more DW sites", "More stories from DW").
    chrome = [ln for b in blocks for ln in b if _is_nav(ln) or _is_footer(ln)]
    source = "DW" if any(re.search(r"\bDW\b", ln) for ln in chrome) else None
    return _Parsed(headline=headline, standfirst=paragraphs[0], date=parse_date(blocks[date_index][0]),
                   paragraphs=join_broken_sentences(paragraphs[1:]), category=section, source=source,
                   url=url, meta=meta)


# ---- layout "plain" ------------------------------------------------------------------------------


def _parse_plain(blocks: list[list[str]]) -> _Parsed:
    if not blocks:
        raise PageError("the page is empty")
    if len(blocks[0]) != 1:
        raise PageError(f"the first block has {len(blocks[0])} lines, expected a one-line headline "
                        "followed by a blank line")
    headline = blocks[0][0]
    if headline.startswith("<"):
        raise PageError("the page looks like HTML or XML markup; save the page as text first")
    if len(headline.split()) > MAX_HEADLINE_WORDS:
        raise PageError(f"the first line has {len(headline.split())} words, too long for a headline "
                        f"(at most {MAX_HEADLINE_WORDS})")
    if len(blocks) < 3:
        raise PageError("expected a headline, a standfirst paragraph and at least one body paragraph, "
                        f"found {len(blocks)} block(s)")
    paragraphs = [" ".join(b) for b in blocks[1:]]
    return _Parsed(headline=headline, standfirst=paragraphs[0], paragraphs=paragraphs[1:])


_PARSERS = {"dw": _parse_dw, "plain": _parse_plain}


def detect_layout(text: str) -> str:
    """The first layout (in :data:`LAYOUTS` order) that parses ``text``; PageError naming why none does."""
    return _parse_any(split_blocks(text))[0]


def _parse_any(blocks: list[list[str]]) -> tuple[str, _Parsed]:
    reasons = []
    for name in LAYOUTS:
        try:
            return name, _PARSERS[name](blocks)
        except PageError as exc:
            reasons.append(f"{name}: {exc}")
    raise PageError("matches no known page layout (" + "; ".join(reasons) + "); set the layout to force one")


def parse_page(text: str, page_id: str, layout: str = "auto", language: str = "en",
               category: str | None = None) -> Article:
    """Parse one page's text into an Article with id ``page_id``.

    ``layout`` is ``auto`` or one of :data:`LAYOUTS`. ``category`` (e.g. from the page's folder) is used
    when the page itself names no section. Raises :class:`PageError` when the page does not fit.
    """
    blocks = split_blocks(text.lstrip("\ufeff"))
    if not blocks:
        raise PageError("the page is empty")
    if layout == "auto":
        name, parsed = _parse_any(blocks)
    elif layout in _PARSERS:
        name = layout
        try:
            parsed = _PARSERS[layout](blocks)
        except PageError as exc:
            raise PageError(f"not a {layout!r} page: {exc}") from None
    else:
        raise CorpusError(f"unknown page layout {layout!r}; known layouts: auto, {', '.join(LAYOUTS)}")
    return Article(id=page_id, body="\n\n".join(parsed.paragraphs), headline=parsed.headline,
                   standfirst=parsed.standfirst, language=language, source=parsed.source,
                   url=parsed.url, date=parsed.date, category=parsed.category or category,
                   meta={"layout": name, **parsed.meta})
