"""The ``corpus.clean`` settings: which boilerplate rules run, their thresholds, and the compiled patterns.

``clean: true`` (the default) is :class:`CleanSettings` with its defaults; ``clean: false`` turns the pass
off; a mapping sets any of the fields below. :meth:`CleanSettings.signature` names every setting (and a
hash of the pattern lists, so an edited default list shows), for the run's record of its corpus.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bench.corpus.boilerplate_patterns import CAPTION_PATTERNS, PLACEHOLDER_PATTERNS
from bench.errors import CorpusError
from bench.typed import build

__all__ = ["RULES", "CleanSettings", "LineRules", "resolve_clean", "LINK_MAX_CHARS"]

#: The rules, in the order a line is tested (the first that matches is credited).
RULES = ("patterns", "captions", "repeated", "link_runs")
LINK_MAX_CHARS = 100  # a link-like line is "very short": longer lines never are
_BULLET = r"(?:[-•*·][ \t]{1,3})?"


@dataclass(frozen=True)
class CleanSettings:
    """``corpus.clean``: the boilerplate rules (bench.corpus.clean). Shares are of a source's distinct bodies."""

    repeated_lines: bool = True  # (a) lines repeated across many articles of the same source
    min_share: float = 0.02  # ... in at least this share of the source's articles
    min_articles: int = 5  # ... and in at least this many
    repeated_max_chars: int = 300  # ... and no longer than this (page furniture is short; a shared paragraph is not)
    default_patterns: bool = True  # (b) the shipped widget/placeholder list (bench.corpus.boilerplate_patterns)
    patterns: tuple[str, ...] = ()  # ... plus these regexes, each matching a whole line (case-insensitive)
    captions: bool = True  # (c) caption and credit lines
    link_runs: bool = True  # (d) runs of very short link-like lines
    link_run_lines: int = 3  # ... at least this many in a row
    link_run_words: int = 4  # ... each of at most this many words, no sentence punctuation, no digits
    max_loss: float = 0.5  # an article that would lose more of its words is kept uncleaned (and reported)

    def validate(self, where: str) -> None:
        if not 0 < self.min_share <= 1:
            raise CorpusError(
                f"{where}.min_share: a share of a source's articles in (0, 1] such as 0.02, got {self.min_share}"
            )
        if self.min_articles < 2:
            raise CorpusError(
                f"{where}.min_articles: a line repeated in fewer than 2 articles is not repeated; got {self.min_articles}"
            )
        if self.repeated_max_chars < 1:
            raise CorpusError(f"{where}.repeated_max_chars: must be ≥ 1 (default 300), got {self.repeated_max_chars}")
        if self.link_run_lines < 2:
            raise CorpusError(
                f"{where}.link_run_lines: a run needs at least 2 lines (default 3), got {self.link_run_lines}"
            )
        if self.link_run_words < 1:
            raise CorpusError(f"{where}.link_run_words: must be ≥ 1 (default 4), got {self.link_run_words}")
        if not 0 < self.max_loss < 1:
            raise CorpusError(
                f"{where}.max_loss: a share of the body's words in (0, 1) such as 0.5, got {self.max_loss}"
            )
        for i, pattern in enumerate(self.patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise CorpusError(
                    f"{where}.patterns[{i}]: {pattern!r} is not a regular expression ({exc}); "
                    "write one that matches a whole line, e.g. 'subscribe to .{0,80}'"
                ) from None

    @property
    def placeholder_patterns(self) -> tuple[str, ...]:
        return (PLACEHOLDER_PATTERNS if self.default_patterns else ()) + tuple(self.patterns)

    @cached_property
    def line_rules(self) -> LineRules:
        """Rules (b) and (c) compiled (once per settings object)."""
        shipped = _groups(
            ("patterns", PLACEHOLDER_PATTERNS if self.default_patterns else ()),
            ("captions", CAPTION_PATTERNS if self.captions else ()),
        )
        user = _groups(("patterns", self.patterns))
        shipped_rx = re.compile(shipped) if shipped else None
        user_rx = re.compile(user, re.IGNORECASE) if user else None
        widths = [_max_width(rx.pattern, rx.flags) for rx in (shipped_rx, user_rx) if rx is not None]
        return LineRules(shipped_rx, user_rx, max(widths, default=0.0))

    def signature(self) -> str:
        """Every setting in one line, e.g. ``clean:repeated=0.02/5,patterns=26@1a2b3c,captions,...``."""
        parts = []
        if self.repeated_lines:
            parts.append(f"repeated={self.min_share:g}/{self.min_articles}/{self.repeated_max_chars}c")
        if self.placeholder_patterns:
            parts.append(f"patterns={len(self.placeholder_patterns)}@{_digest(self.placeholder_patterns)}")
        if self.captions:
            parts.append(f"captions={len(CAPTION_PATTERNS)}@{_digest(CAPTION_PATTERNS)}")
        if self.link_runs:
            parts.append(f"link_runs={self.link_run_lines}x{self.link_run_words}w")
        return "clean:" + ",".join(parts + [f"max_loss={self.max_loss:g}"])


@dataclass(frozen=True)
class LineRules:
    """Rules (b) and (c) compiled. The shipped lists are written in lower case and matched against the
    lowered line (faster than a case-insensitive match); the config's own patterns match case-insensitively."""

    shipped: re.Pattern[str] | None
    user: re.Pattern[str] | None
    max_chars: float  # the longest line either can match (inf: unbounded): longer lines are not tried

    def rule(self, line: str) -> str | None:
        """The rule that names ``line`` (stripped), or None."""
        if len(line) > self.max_chars:
            return None
        if self.shipped is not None and (m := self.shipped.fullmatch(line.lower())):
            return m.lastgroup
        if self.user is not None and self.user.fullmatch(line):
            return "patterns"
        return None


def _groups(*rules: tuple[str, tuple[str, ...]]) -> str:
    """One regex source with a named group per rule (``match.lastgroup`` names the rule), "" for none."""
    groups = [f"(?P<{rule}>" + "|".join(f"(?:{p})" for p in patterns) + ")" for rule, patterns in rules if patterns]
    return _BULLET + "(?:" + "|".join(groups) + ")" if groups else ""


@functools.lru_cache(maxsize=32)
def _max_width(pattern: str, flags: int) -> float:
    """The parser's bound on what ``pattern`` can match (inf: unbounded, or a Python without the parser)."""
    try:
        width = re._parser.parse(pattern, flags).getwidth()[1]  # type: ignore[attr-defined]
        unbounded = re._constants.MAXREPEAT  # type: ignore[attr-defined]
    except AttributeError:
        return float("inf")
    return float("inf") if width >= unbounded else float(width)


def _digest(patterns: tuple[str, ...]) -> str:
    return hashlib.sha256("\n".join(patterns).encode("utf-8")).hexdigest()[:6]


def resolve_clean(value: Any, where: str) -> CleanSettings | None:
    """``corpus.clean`` as settings (None: off): true, false, a mapping of settings, or CleanSettings."""
    if value is True:
        return CleanSettings()
    if value is False or value is None:
        return None
    if isinstance(value, CleanSettings):
        return value
    if isinstance(value, Mapping):
        return build(CleanSettings, value, where)
    raise CorpusError(
        f"{where}: expected true, false or a mapping of settings (e.g. {{max_loss: 0.4, patterns: ['...']}}), "
        f"got {value!r}"
    )
