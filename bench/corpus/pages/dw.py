"""Page layout ``dw``: a news web page saved as text, as scraped from Deutsche Welle (dw.com).

Navigation menu lines ("1. Skip to content", ...), the section ("Politics"), the headline, a date line
("April 12, 2017", "12 April 2017", "12.04.2017" or "2017-04-12"), the standfirst, then the body with
photo captions ("<caption>" followed by "Image: <credit>"), subheads, an agency byline ("es/rt (AP,
Reuters)") and footer sections ("Skip next section ...", "DW's Top Story", ...). The page is anchored on
its date line (the headline is the line just before it, the section the last non-menu line above that),
so any number of menu or footer lines parses. Menu lines, captions with their credit line, the byline
and the footer are left out of the body; captions, credits and byline are kept in ``meta``. A sentence
that the page broke across two paragraphs (a paragraph without final punctuation followed by one
starting in lower case) is joined again; subheads stay paragraphs of their own.
"""

from __future__ import annotations

import re
from typing import Any

from bench.corpus.pages import register_layout
from bench.corpus.pages.common import MAX_HEADLINE_WORDS, PageError, ParsedPage, parse_date

__all__ = ["parse_dw", "join_broken_sentences"]

# Navigation: "1. Skip to content", "Skip to main menu"; numbered menu items above the headline.
_SKIP_TO = re.compile(r"^(?:\d+\.\s*)?Skip to\b", re.I)
_MENU_ITEM = re.compile(r"^\d+\.\s+\S")
# Footer: "Skip next section Explore more" and the headings of the site's footer sections.
_FOOTER_START = re.compile(r"^(?:Skip next section\b|Skip previous section\b)", re.I)
_FOOTER_HEADINGS = frozenset(
    h.lower()
    for h in (
        "DW's Top Story",
        "Explore more",
        "More stories from DW",
        "Related content",
        "Related topics",
        "Related Subjects",
        "Keywords",
        "Audios and videos on the topic",
        "More content",
    )
)
# Photo/video credit line ending a caption block.
_CREDIT = re.compile(r"^(?:Image|Images|Photo|Photos|Picture|Video|Bild|Foto)\s*:\s*\S", re.I)
# Agency byline: editors' initials and/or agencies in brackets, e.g. "es/rt (AP, Reuters)".
_BYLINE = re.compile(
    r"^(?:[a-z]{1,4}(?:\s*/\s*[a-z]{1,4})*\s*)?\((?:[A-Za-z][\w.&\- ]{0,20})"
    r"(?:\s*,\s*[A-Za-z][\w.&\- ]{0,20})*\)$|^[a-z]{1,4}(?:\s*/\s*[a-z]{1,4})+$"
)
_PERMALINK = re.compile(r"^Permalink\s+(https?://\S+)$", re.I)
_SENTENCE_END = tuple(".!?…:;\"'”’»)]")


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
            return block[i + 1 :]
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
            if paragraphs[i + 1 :]:
                meta["after_byline"] = paragraphs[i + 1 :]
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


@register_layout(
    "dw",
    order=10,
    description="a news page saved as text as scraped from Deutsche Welle: "
    "menu, section, headline, date line, standfirst, body, byline, footer",
)
def parse_dw(blocks: list[list[str]]) -> ParsedPage:
    date_index = _find_date_block(blocks)
    headline, section = _header(blocks, date_index)
    meta: dict[str, Any] = {}
    rest = blocks[date_index + 1 :]
    url = next((m.group(1) for b in blocks for ln in b if (m := _PERMALINK.match(ln))), None)
    paragraphs = _cut_byline(_body_blocks(rest, meta), meta)
    if len(paragraphs) < 2:
        raise PageError("no body after the standfirst (the page ends or its footer starts right after it)")
    # The site names itself in its menu and footer ("Skip to more DW sites", "More stories from DW").
    chrome = [ln for b in blocks for ln in b if _is_nav(ln) or _is_footer(ln)]
    source = "DW" if any(re.search(r"\bDW\b", ln) for ln in chrome) else None
    return ParsedPage(
        headline=headline,
        standfirst=paragraphs[0],
        date=parse_date(blocks[date_index][0]),
        paragraphs=join_broken_sentences(paragraphs[1:]),
        category=section,
        source=source,
        url=url,
        meta=meta,
    )
