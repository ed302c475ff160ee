"""What a loaded corpus holds: counts, missing fields, duplicates, languages and length distributions.

Lengths are whitespace-delimited words (:func:`bench.text.word_count`). ``median`` is the middle value
(the mean of the two middle ones for an even count); ``p95`` is the nearest-rank 95th percentile (the
smallest value with at least 95% of the values at or below it).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.article import Article
from bench.corpus.load import Corpus
from bench.text import word_count

__all__ = ["LengthStats", "CorpusStats", "corpus_stats", "nearest_rank", "OPTIONAL_FIELDS", "LENGTH_FIELDS"]

OPTIONAL_FIELDS = ("headline", "standfirst", "date", "url", "category", "source")
LENGTH_FIELDS = ("headline", "standfirst", "body")


def nearest_rank(sorted_values: Sequence[int], q: float) -> int:
    """The nearest-rank ``q``-quantile (0 < q ≤ 1) of ascending ``sorted_values``."""
    k = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[k - 1]


@dataclass(frozen=True)
class LengthStats:
    """Word-length distribution of one field over the articles that have it."""

    count: int
    min: int
    median: float
    p95: int
    max: int
    mean: float

    @classmethod
    def of(cls, lengths: Sequence[int]) -> LengthStats | None:
        if not lengths:
            return None
        values = sorted(lengths)
        return cls(
            count=len(values),
            min=values[0],
            median=float(statistics.median(values)),
            p95=nearest_rank(values, 0.95),
            max=values[-1],
            mean=round(statistics.fmean(values), 1),
        )


@dataclass
class CorpusStats:
    """The figures ``bench corpus-stats`` prints (``to_dict`` for ``--json``)."""

    source: str
    articles: int
    rows_read: int
    skipped: int
    duplicates: int
    few_shot: int
    missing: dict[str, int]
    languages: dict[str, int]
    categories: dict[str, int]
    sources: dict[str, int]
    words: dict[str, LengthStats | None]
    paragraphs: LengthStats | None
    problems: list[str] = field(default_factory=list)
    leakage: dict[str, int] = field(default_factory=dict)  # "<target> <action>" -> bodies that repeated it
    clean: dict[str, Any] = field(default_factory=dict)  # boilerplate removed (CleanReport.to_dict); {} when off
    signature: str = ""  # the corpus settings that shaped the bodies (clean:...|leakage:...)
    duplicate_notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _counts(values: Sequence[str | None]) -> dict[str, int]:
    counter = Counter("(none)" if v is None else v for v in values)
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def corpus_stats(corpus: Corpus) -> CorpusStats:
    """Compute the statistics of a loaded corpus (after dedupe and sampling)."""
    arts: list[Article] = corpus.articles
    words = {
        name: LengthStats.of([word_count(getattr(a, name)) for a in arts if getattr(a, name)]) for name in LENGTH_FIELDS
    }
    return CorpusStats(
        source=corpus.source,
        articles=len(arts),
        rows_read=corpus.rows_read,
        skipped=len(corpus.problems),
        duplicates=corpus.duplicates,
        leakage=dict(corpus.leakage),
        clean=dict(corpus.clean),
        signature=corpus.signature,
        few_shot=len(corpus.few_shot),
        missing={name: corpus.missing(name) for name in OPTIONAL_FIELDS},
        languages=_counts([a.language for a in arts]),
        categories=_counts([a.category for a in arts]),
        sources=_counts([a.source for a in arts]),
        words=words,
        paragraphs=LengthStats.of([len(a.paragraphs) for a in arts]),
        problems=list(corpus.problems),
        duplicate_notes=list(corpus.duplicate_notes),
    )
