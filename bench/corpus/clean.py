"""Boilerplate removal: lines of a body that are page furniture, not the story, are taken out before anything reads it.

Scraped bodies carry share bars, media placeholders, captions and credits, "read more" links, sign-up and
cookie prompts; a lead baseline would "summarise" them. :func:`clean_articles` looks at each line of each
body (``Article.body`` keeps paragraphs apart with a blank line; a paragraph may hold several lines) and
removes those that one of four rules names, tested in this order (the first that matches is credited):

* ``patterns``: a line that is wholly one of the known placeholder/widget patterns
  (:data:`~bench.corpus.boilerplate_patterns.PLACEHOLDER_PATTERNS`, plus ``corpus.clean.patterns``);
* ``captions``: a caption or credit line (:data:`~bench.corpus.boilerplate_patterns.CAPTION_PATTERNS`);
* ``repeated``: a line found in at least ``min_share`` of the distinct bodies of the article's source
  (``Article.source``; the whole corpus for articles without one), and in at least ``min_articles`` of
  them: counted corpus-wide before anything is removed;
* ``link_runs``: ``link_run_lines`` or more lines in a row (blank lines between them allowed) that are each
  link-like: at most ``link_run_words`` words, at most 100 characters, no sentence punctuation, quotes,
  brackets or digits, and not a fixture such as "Arsenal v Stoke" (results tables and rankings are content).

An article that would lose more than ``max_loss`` of its words keeps its body uncleaned; it is listed in the
report. A cleaned article's ``meta["boilerplate"]`` counts its removed lines by rule. Settings:
:class:`~bench.corpus.clean_settings.CleanSettings`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.article import Article
from bench.corpus.clean_settings import LINK_MAX_CHARS, RULES, CleanSettings

__all__ = ["CleanReport", "clean_articles", "repeated_lines", "link_like"]

_LINK_WORD = r"[^\s.!?…:;,\"'“”„‚‘’«»()\[\]{}/|\d]+"
_LINK_LINE = re.compile(rf"(?:[-•*·][ \t]{{1,3}})?{_LINK_WORD}(?:[ \t]+{_LINK_WORD})*")
_FIXTURE = {"v", "vs", "gegen"}  # "Arsenal v Stoke": a results or fixtures table, not links
_KEPT_LISTED = 50  # articles kept uncleaned named in the summary (all are counted)
_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


@dataclass
class CleanReport:
    """What the boilerplate pass removed: lines per rule, the lines themselves, articles kept uncleaned."""

    enabled: bool
    signature: str = "clean:off"
    removed: Counter = field(default_factory=Counter)  # rule -> lines removed
    lines: Counter = field(default_factory=Counter)  # removed line -> times
    articles_cleaned: int = 0
    kept: list[str] = field(default_factory=list)  # "<id>: would lose 62% of its words (...)"

    def top_lines(self, n: int = 20, width: int = 100) -> list[tuple[str, int]]:
        """The ``n`` most often removed lines (cut to ``width`` characters), most frequent first."""
        return [(_cut(line, width), count) for line, count in self.lines.most_common(n)]

    def to_dict(self, top: int = 20) -> dict[str, Any]:
        """The JSON-ready summary (corpus-stats and the run manifest)."""
        return {
            "settings": self.signature,
            "removed": {rule: self.removed[rule] for rule in RULES if self.removed[rule]},
            "articles_cleaned": self.articles_cleaned,
            "kept_uncleaned_count": len(self.kept),
            "kept_uncleaned": self.kept[:_KEPT_LISTED],
            "top_lines": [[line, n] for line, n in self.top_lines(top)],
        }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def link_like(line: str, max_words: int) -> bool:
    """A very short line that reads like a link or a menu entry (see the module docstring)."""
    if len(line) > LINK_MAX_CHARS or not _LINK_LINE.fullmatch(line):
        return False
    words = line.lstrip("-•*· \t").split()
    return len(words) <= max_words and _FIXTURE.isdisjoint(w.lower() for w in words)


def _line_limit(settings: CleanSettings) -> int:
    """The longest line any rule reads (+ indent): longer lines are story, never looked at."""
    rmax = settings.repeated_max_chars if settings.repeated_lines else 0
    return max(settings.line_rules.max_chars, LINK_MAX_CHARS if settings.link_runs else 0, rmax) + 8


def _split(article: Article, limit: int) -> tuple[list[str], list[int]]:
    """The body's lines and the indexes of those short enough for some rule; ([], []) for a body with none.
    Called per article in each pass and never kept for the corpus: holding every body's lines at once
    doubled the memory of loading a corpus (50,000 BBC articles: 244 → 468 MB peak)."""
    lines = article.body.split("\n")
    shortest = min(filter(None, lines), key=len, default="")  # one quick look first
    if shortest and len(shortest) <= limit:
        return lines, [i for i, raw in enumerate(lines) if raw and len(raw) <= limit]
    return [], []


def _first_pass(
    articles: Sequence[Article], settings: CleanSettings, limit: int
) -> tuple[dict[str | None, Counter], set[int]]:
    """One look at every body: (source -> how many distinct bodies hold each short line, when the repeated
    rule is on; the indexes of the articles another rule already hits). The second pass splits only those
    and the articles of a source that has repeated lines, so a clean corpus is read once."""
    counts: dict[str | None, Counter] = defaultdict(Counter)
    flagged: set[int] = set()
    seen: set[str] = set()
    rmax, none = settings.repeated_max_chars, frozenset()
    for index, article in enumerate(articles):
        lines, candidates = _split(article, limit)
        if not candidates:
            continue
        if _find(lines, candidates, settings, none):
            flagged.add(index)
        if settings.repeated_lines and article.body not in seen:  # a duplicate body counts once
            seen.add(article.body)
            counts[article.source].update({s for i in candidates if (s := lines[i].strip()) and len(s) <= rmax})
    return counts, flagged


def repeated_lines(
    articles: Sequence[Article], counts: dict[str | None, Counter], settings: CleanSettings
) -> dict[str | None, frozenset[str]]:
    """source -> the lines (of at most ``repeated_max_chars``) repeated in enough of its distinct bodies."""
    articles_of = Counter(article.source for article in articles)  # the share's denominator: all articles
    out = {}
    for source, counter in counts.items():
        need = max(settings.min_articles, math.ceil(settings.min_share * articles_of[source]))
        found = frozenset(line for line, n in counter.items() if n >= need)
        if found:
            out[source] = found
    return out


def _find(lines: list[str], candidates: list[int], settings: CleanSettings, repeated: frozenset[str]) -> dict[int, str]:
    """line index -> the rule that removes it, for the ``candidates`` (the lines short enough for a rule)."""
    rules = settings.line_rules
    links, words, min_run = settings.link_runs, settings.link_run_words, settings.link_run_lines
    hits: dict[int, str] = {}
    run: list[int] = []
    for i in candidates:
        line = lines[i].strip()
        if not line:
            continue
        if rule := rules.rule(line):
            hits[i] = rule
        elif line in repeated:
            hits[i] = "repeated"
        if not links:
            continue
        if run and i > run[-1] + 1 and any(lines[k].strip() for k in range(run[-1] + 1, i)):  # a long line between
            _end_run(run, hits, min_run)
        if link_like(line, words):
            run.append(i)
        elif run:
            _end_run(run, hits, min_run)
    if run:
        _end_run(run, hits, min_run)
    return hits


def _end_run(run: list[int], hits: dict[int, str], min_run: int) -> None:
    if len(run) >= min_run:
        for i in run:
            hits.setdefault(i, "link_runs")
    run.clear()


def _clean_one(
    article: Article, lines: list[str], hits: dict[int, str], settings: CleanSettings, report: CleanReport
) -> Article:
    removed = Counter(hits.values())
    lost = sum(len(lines[i].split()) for i in hits)
    total = len(article.body.split())
    body = _BLANK_RUNS.sub("\n\n", "\n".join(line for i, line in enumerate(lines) if i not in hits)).strip()
    if not body or lost > settings.max_loss * total:
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(removed.items()))
        report.kept.append(
            f"{article.id}: would lose {lost / max(total, 1):.0%} of its words ({rules}); kept uncleaned "
            f"(max_loss {settings.max_loss:g})"
        )
        return dataclasses.replace(article, meta={**article.meta, "boilerplate": {"kept_uncleaned": dict(removed)}})
    report.articles_cleaned += 1
    report.removed.update(removed)
    report.lines.update(lines[i].strip() for i in hits)
    counts = {rule: removed[rule] for rule in RULES if removed[rule]}
    return dataclasses.replace(article, body=body, meta={**article.meta, "boilerplate": counts})


def clean_articles(articles: Sequence[Article], settings: CleanSettings | None) -> tuple[list[Article], CleanReport]:
    """The articles with boilerplate lines removed (``settings`` None: unchanged), and what was removed."""
    if settings is None:
        return list(articles), CleanReport(enabled=False)
    report = CleanReport(enabled=True, signature=settings.signature())
    limit = _line_limit(settings)
    counts, flagged = _first_pass(articles, settings, limit)
    found = repeated_lines(articles, counts, settings)
    none: frozenset[str] = frozenset()
    out = []
    for index, article in enumerate(articles):
        repeated = found.get(article.source, none)
        if index not in flagged and not repeated:
            out.append(article)
            continue
        lines, candidates = _split(article, limit)
        hits = _find(lines, candidates, settings, repeated) if candidates else None
        out.append(_clean_one(article, lines, hits, settings, report) if hits else article)
    return out, report
