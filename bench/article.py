"""The Article: what every system reads and every metric scores against.

``body`` keeps paragraphs separated by one blank line; ``headline`` and ``standfirst`` may be ``None``
when a corpus lacks them (a task whose reference is missing skips that article and counts it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bench.errors import ConfigError, CorpusError

__all__ = ["Article", "Task", "TARGETS", "ARTICLE_FIELDS"]

TARGETS = ("headline", "standfirst")
ARTICLE_FIELDS = ("id", "headline", "standfirst", "body", "language", "source", "url", "date", "category")


@dataclass(frozen=True)
class Article:
    """One news article: the input (``body``) and its real references (``headline``, ``standfirst``)."""

    id: str
    body: str
    headline: str | None = None
    standfirst: str | None = None
    language: str = "en"
    source: str | None = None
    url: str | None = None
    date: str | None = None
    category: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def paragraphs(self) -> list[str]:
        """The body's paragraphs (split on blank lines, stripped, empty ones dropped)."""
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @cached_property  # frozen: computed once (the runner asks for it several times per prediction)
    def content_hash(self) -> str:
        """sha256 of the body, headline and standfirst: the article's identity in caches."""
        h = hashlib.sha256()
        for part in (self.body, self.headline or "", self.standfirst or ""):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()[:16]

    @property
    def body_hash(self) -> str:
        """sha256 of the body with whitespace collapsed: two articles with the same text are duplicates."""
        text = " ".join(self.body.split())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def reference(self, target: str) -> str | None:
        """The real text for ``target`` ('headline' or 'standfirst'), or None when the corpus lacks it."""
        if target not in TARGETS:
            raise CorpusError(f"unknown target {target!r}; known targets: {', '.join(TARGETS)}")
        value = getattr(self, target)
        return value if value and value.strip() else None

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict (the JSONL corpus format); ``meta`` only when non-empty."""
        rec = {name: getattr(self, name) for name in ARTICLE_FIELDS}
        rec = {k: v for k, v in rec.items() if v is not None}
        if self.meta:
            rec["meta"] = self.meta
        return rec


@dataclass(frozen=True)
class Task:
    """What to write: the ``target`` field and a length budget in words (a hint for systems).

    ``raw``: return the model's text as written — no clean-up of echoed labels, quotes or extra lines, no
    stop at a headline's line end (the LLM judge reads whole answers); prompted systems honour it."""

    target: str
    max_words: int
    raw: bool = False

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ConfigError(f"unknown target {self.target!r}; known targets: {', '.join(TARGETS)}")

    @property
    def key(self) -> str:
        return f"{self.target}:w{self.max_words}" + (":raw" if self.raw else "")
