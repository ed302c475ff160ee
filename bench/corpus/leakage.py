"""Leakage: a body whose opening repeats the headline or the standfirst puts the reference into the input.

Some sources print the standfirst (or the headline) again as the body's first line; a copying system then
"writes" the reference and every score is inflated. :func:`check_leakage` looks at the opening of each
body: the first paragraph, or the same number of words at its start, whose word overlap with a reference
is at least ``threshold`` (0.9: verbatim, or with other quotes, punctuation or a word or two changed)
is a leak. ``strip`` (the default) cuts it from the body; ``flag`` keeps the body. Either way the article's
``meta["leakage"]`` names the target and what was done, and the returned counts say how many there were.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

from bench.article import TARGETS, Article
from bench.errors import CorpusError

__all__ = ["LEAKAGE_MODES", "LeakageReport", "overlap", "leaked_span", "check_leakage"]

LEAKAGE_MODES = ("strip", "flag", "off")
_WORD = re.compile(r"\w+")
_BOUNDARY = re.compile(r"[\"'”’)\]]*(?:[.!?:…]+[\"'”’)\]]*\s+|[ \t]*\n\s*)")
_HEAD_CHARS, _HEAD_WORDS = 100, 10
_MAX_ROUNDS = 3  # a body may open with the headline, then the standfirst


@dataclass
class LeakageReport:
    """How many bodies opened with each reference, and what was done."""

    mode: str
    counts: Counter = field(default_factory=Counter)  # (target, action) -> articles
    emptied: list[str] = field(default_factory=list)  # ids whose body was nothing but the reference (kept)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def overlap(a: list[str], b: list[str]) -> float:
    """Shared words (with multiplicity) over the longer of the two: 1.0 only for the same words."""
    if not a or not b:
        return 0.0
    return _shared(a, b) / max(len(a), len(b))


def _shared(a: list[str], b: list[str]) -> int:
    """How many words of ``a`` are also in ``b``, each word of ``b`` used once (the multiset intersection)."""
    left = Counter(b)
    shared = 0
    for word in a:
        n = left.get(word, 0)
        if n:
            left[word] = n - 1
            shared += 1
    return shared


def _reaches(a: list[str], b: list[str], threshold: float) -> bool:
    """``overlap(a, b) >= threshold``, without counting when the lengths alone rule it out."""
    if not a or not b:
        return False
    longer = max(len(a), len(b))
    return min(len(a), len(b)) / longer >= threshold and _shared(a, b) / longer >= threshold


def _head(body: str) -> list[str]:
    return _WORD.findall(body[:_HEAD_CHARS].lower())[:_HEAD_WORDS]


def _plausible(head: list[str], reference: str) -> bool:
    """Cheap test first: do at least half of the body's first words occur in the reference text?"""
    ref = reference.lower()
    return bool(head) and len([w for w in head if w in ref]) * 2 >= len(head)


def leaked_span(body: str, reference: str, threshold: float = 0.9, head: list[str] | None = None) -> int:
    """The number of characters at the start of ``body`` that repeat ``reference`` (0: no leak).

    ``head``: the body's first words (:func:`_head`), when the caller already has them.
    """
    if not reference or not _plausible(_head(body) if head is None else head, reference):
        return 0
    ref = _words(reference)
    lead = body.lstrip()
    offset = len(body) - len(lead)
    first = lead.split("\n\n", 1)[0][: 3 * len(reference) + 100]  # a longer paragraph cannot match as a whole
    if _reaches(_words(first), ref, threshold):
        return offset + len(first)
    matches = list(_WORD.finditer(first))
    if len(matches) > len(ref) and _reaches([m.group().lower() for m in matches[: len(ref)]], ref, threshold):
        end = matches[len(ref) - 1].end()
        boundary = _BOUNDARY.match(first, end)
        if boundary:  # the repeat ends a sentence or a line, not mid-sentence
            return offset + boundary.end()
    return 0


def _references(article: Article) -> list[tuple[str, str]]:
    """(target, text) of the references the article has (``Article.reference`` without its checks)."""
    return [(t, text) for t in TARGETS if (text := getattr(article, t)) and text.strip()]


def _check_one(article: Article, mode: str, threshold: float, report: LeakageReport) -> Article:
    body, found = article.body, {}
    refs = _references(article)
    head = _head(body) if refs else []
    if not any(_plausible(head, ref) for _, ref in refs):  # most bodies: one cheap look at the opening
        return article
    for _ in range(_MAX_ROUNDS):
        head = _head(body)
        hit = next(((t, n) for t, ref in refs if (n := leaked_span(body, ref, threshold, head))), None)
        if hit is None:
            break
        target, n = hit
        if not body[n:].strip():  # nothing but the reference: keep the body, say so
            report.emptied.append(article.id)
            found[target] = "flagged (the body is only the reference)"
            break
        found[target] = "stripped" if mode == "strip" else "flagged"
        if mode != "strip":
            break
        body = body[n:].lstrip()
    if not found:
        return article
    for target, action in found.items():
        report.counts[(target, action.split(" ")[0])] += 1
    return dataclasses.replace(article, body=body, meta={**article.meta, "leakage": found})


def check_leakage(
    articles: list[Article], mode: str = "strip", threshold: float = 0.9
) -> tuple[list[Article], LeakageReport]:
    """The articles with leaked openings stripped (or flagged), and the counts (see the module docstring)."""
    if mode not in LEAKAGE_MODES:
        raise CorpusError(f"corpus.leakage: {mode!r} is not one of {', '.join(LEAKAGE_MODES)}")
    if not 0 < threshold <= 1:
        raise CorpusError(f"corpus.leakage_threshold: must be in (0, 1], got {threshold}")
    report = LeakageReport(mode)
    if mode == "off":
        return list(articles), report
    return [_check_one(a, mode, threshold, report) for a in articles], report
