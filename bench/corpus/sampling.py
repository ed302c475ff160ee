"""Deterministic sampling: ``limit``, ``seed``, ``stratify_by``, and a disjoint few-shot pool.

Each article gets a rank: sha256 of the seed and its content hash. A sample of ``n`` takes the ``n``
lowest ranks (per stratum when stratified), then keeps the corpus order. Ranks do not depend on
Python's ``random`` module, the platform or the corpus order, so the same config picks the same
articles on any machine, and a larger limit picks a superset of a smaller one.

Stratified samples allocate ``n`` across the values of a field (``category`` ...) in proportion to their
sizes, by the largest-remainder method (ties broken by value name); articles lacking the field form
their own stratum ``(none)``.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bench.article import ARTICLE_FIELDS, Article
from bench.errors import CorpusError

if TYPE_CHECKING:
    from bench.corpus.load import Corpus

__all__ = ["rank", "sample_articles", "stratum", "allocate", "few_shot_pool", "split_few_shot"]

NO_VALUE = "(none)"


def rank(article: Article, seed: int) -> str:
    """The article's sampling rank for ``seed`` (hex digest; lower is picked first)."""
    return hashlib.sha256(f"{seed}\x00{article.content_hash}\x00{article.id}".encode()).hexdigest()


def stratum(article: Article, by: str) -> str:
    """The value of ``by`` for the article (an article field, or a key of ``meta``)."""
    value = getattr(article, by) if by in ARTICLE_FIELDS else article.meta.get(by)
    return NO_VALUE if value in (None, "") else str(value)


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Split ``n`` over groups in proportion to ``sizes`` (largest remainder; ties by group name)."""
    total = sum(sizes.values())
    if n >= total:
        return dict(sizes)
    quotas = {g: n * s / total for g, s in sizes.items()}
    counts = {g: int(q) for g, q in quotas.items()}
    left = n - sum(counts.values())
    order = sorted(sizes, key=lambda g: (-(quotas[g] - counts[g]), g))
    for g in order[:left]:
        counts[g] += 1
    return counts


def sample_articles(
    articles: Sequence[Article], limit: int | None, seed: int, stratify_by: str | None = None
) -> list[Article]:
    """``limit`` articles chosen by rank (per stratum), returned in corpus order."""
    if limit is None or limit >= len(articles):
        return list(articles)
    if stratify_by is None:
        chosen = set(sorted(range(len(articles)), key=lambda i: rank(articles[i], seed))[:limit])
    else:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, article in enumerate(articles):
            groups[stratum(article, stratify_by)].append(i)
        counts = allocate({g: len(ix) for g, ix in groups.items()}, limit)
        chosen = set()
        for g, ix in groups.items():
            chosen.update(sorted(ix, key=lambda i: rank(articles[i], seed))[: counts[g]])
    return [a for i, a in enumerate(articles) if i in chosen]


def take(articles: Sequence[Article], n: int, *, stratify_by: str | None = None, seed: int = 0) -> list[Article]:
    """``n`` of ``articles`` for a run's ``--limit``: never the first ``n`` (a corpus sorted by category would
    give one category) but :func:`sample_articles` by rank, in corpus order, the same on any machine.

    With ``stratify_by`` every value keeps its share of ``articles`` (largest remainder: within one article
    of ``n * share``); values that get none, when ``n`` is too small, are named in a warning. Without it, the
    sample is by rank alone. Given the corpus's own ``seed`` and ``stratify_by``, ``take`` of a loaded corpus
    picks what loading it with ``limit: n`` picks (exactly without strata; with them, each value's count may
    differ by one, as largest-remainder shares of a sample are not always those of the whole).
    ``n`` at least ``len(articles)`` returns them all.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise CorpusError(f"limit: expected a number of articles >= 1, got {n!r}")
    picked = sample_articles(articles, n, seed, stratify_by)
    if stratify_by is not None:
        missing = sorted({stratum(a, stratify_by) for a in articles} - {stratum(a, stratify_by) for a in picked})
        if missing:
            logging.getLogger(__name__).warning(
                "limit %d leaves out %d %s value(s) of the corpus (%s): the sample is not stratified over them; "
                "raise the limit",
                n,
                len(missing),
                stratify_by,
                ", ".join(missing[:10]),
            )
    return picked


def split_few_shot(articles: Sequence[Article], n: int, seed: int) -> tuple[list[Article], list[Article]]:
    """(examples, rest): ``n`` few-shot examples drawn by rank with a seed of their own, and the others.

    Examples and rest never share a body (an article whose body equals an example's is left out of rest).
    """
    if n < 0:
        raise CorpusError(f"few_shot: must be ≥ 0, got {n}")
    if n >= len(articles):
        raise CorpusError(
            f"few_shot: asked for {n} examples but the corpus has only {len(articles)} "
            "articles; lower few_shot or give few_shot_path/few_shot_split"
        )
    order = sorted(articles, key=lambda a: rank(a, seed ^ 0x5EED))
    examples = order[:n]
    taken = {a.body_hash for a in examples}
    rest = [a for a in articles if a.body_hash not in taken]
    return examples, rest


def few_shot_pool(corpus: Corpus, n: int, seed: int) -> tuple[list[Article], Corpus]:
    """Draw ``n`` few-shot examples from ``corpus``; return them and the corpus without them."""
    examples, rest = split_few_shot(corpus.articles, n, seed)
    return examples, replace(corpus, articles=rest, few_shot=examples)
