"""An HTML page's main text as an Article body: paragraphs, minus the teaser, the headline and widget lines.

trafilatura's main-text tree (``<p>``, ``<head>``, ``<list>``, ``<quote>``, ...) becomes one paragraph per
block (list items one each, as "- item"), whitespace collapsed. Then, at the top of the text only: the
teaser and what precedes it (a repeated headline, a date line, a photo caption), a repeat of the headline,
and a leading bullet-point summary followed by prose (kept in ``meta``, it would leak the reference).
Anywhere: lines of known page widgets (read more, share, newsletter, cookie prompts, video placeholders),
in English and German. Each removal is counted in the returned :class:`Body`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bench.corpus.formats.html_fields import norm_text

__all__ = ["WIDGET_PATTERNS", "Body", "blocks", "make_body"]

#: Lines that are page furniture, not article text (matched case-insensitively against a whole paragraph).
WIDGET_PATTERNS = (
    r"(read|see) (more|also)\b.{0,200}",
    r"(more|also) on (this|that)( story| topic)?\b.{0,200}",
    r"related:.{0,200}",
    r"(lesen|hören|sehen) sie (auch|mehr|hier)\b.{0,200}",
    r"(mehr|alles) (zum thema|dazu|über)\b.{0,200}",
    r"(auch )?interessant:.{0,200}",
    r"weiterlesen\b.{0,100}",
    r"(share|teilen)( this( article| story)?| on \w+| den artikel)?\W{0,3}",
    r".{0,120}\b(newsletter|cookies?)\b.{0,200}",
    r"(sign up|subscribe|abonnieren|jetzt abonnieren|melden sie sich an)\b.{0,200}",
    r"(advertisement|anzeige|werbung)\W{0,3}",
    r"this video is not supported.{0,100}",
    r"our standards:.{0,200}",
    r".{0,60}(your browser does not support|ihr browser unterstützt).{0,100}",
    r"(facebook|twitter|whatsapp|e-?mail|linkedin|pinterest|print|drucken)(\W+(facebook|twitter|whatsapp|e-?mail|linkedin|pinterest|print|drucken))*\W{0,3}",
)
_WIDGET = re.compile("|".join(f"(?:{p})" for p in WIDGET_PATTERNS), re.IGNORECASE)
_TOP = 6  # the teaser, a repeated headline or a summary is looked for in this many opening paragraphs


@dataclass
class Body:
    """The body text and what was taken out of the page's main text to get it."""

    text: str
    removed: dict[str, int] = field(default_factory=dict)  # reason -> paragraphs removed
    summary: list[str] = field(default_factory=list)  # leading bullet points, kept out of the body


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


_LEAVES = {"p", "head", "quote", "item", "code", "row", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}


def blocks(tree: Any) -> list[tuple[str, str]]:
    """(kind, text) of each block of trafilatura's main-text tree: 'item' for list items, else the tag.

    Containers (``div``, ``list``, ``section``, ... as a fallback extractor may leave them) are walked into.
    """
    out: list[tuple[str, str]] = []
    for el in tree:
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in _LEAVES:
            text = _text(el)
            if text:
                out.append(("item", "- " + text) if tag in ("item", "li") else (tag, text))
        else:
            if (el.text or "").strip():
                out.append(("p", " ".join(el.text.split())))
            out.extend(blocks(el))
        if (el.tail or "").strip():
            out.append(("p", " ".join(el.tail.split())))
    return out


def _count(removed: dict[str, int], reason: str, n: int = 1) -> None:
    if n:
        removed[reason] = removed.get(reason, 0) + n


def _drop_teaser(paras: list[tuple[str, str]], teaser: str | None, removed: dict[str, int]) -> list[tuple[str, str]]:
    """Without the teaser paragraph and the lines above it, when the teaser is one of the opening paragraphs."""
    if not teaser:
        return paras
    key = norm_text(teaser)
    for i, (_, text) in enumerate(paras[:_TOP]):
        if norm_text(text) == key:
            _count(removed, "teaser", 1)
            _count(removed, "above the teaser", i)
            return paras[i + 1 :]
    return paras


def _drop_headline(paras: list[tuple[str, str]], headline: str | None, removed: dict[str, int]) -> list:
    key = norm_text(headline or "")
    kept = [p for i, p in enumerate(paras) if not (key and i < _TOP and norm_text(p[1]) == key)]
    _count(removed, "headline", len(paras) - len(kept))
    return kept


def _split_summary(paras: list[tuple[str, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """A leading run of list items followed by prose is the page's summary box, not article text."""
    n = 0
    while n < len(paras) and paras[n][0] == "item":
        n += 1
    if 0 < n <= _TOP and n < len(paras) and paras[n][0] == "p":
        return [t.removeprefix("- ") for _, t in paras[:n]], paras[n:]
    return [], paras


def make_body(tree: Any, headline: str | None, teaser: str | None) -> Body:
    """The article body from trafilatura's main-text tree (see the module docstring)."""
    removed: dict[str, int] = {}
    paras = _drop_headline(_drop_teaser(blocks(tree), teaser, removed), headline, removed)
    summary, paras = _split_summary(paras)
    _count(removed, "summary bullets", len(summary))
    kept = [text for _, text in paras if not _WIDGET.fullmatch(text)]
    _count(removed, "widget", len(paras) - len(kept))
    return Body("\n\n".join(kept), removed, summary)
