"""Graph-based extractive systems: ``textrank`` and ``lexrank``.

Both build a graph of the body's sentences and rank them by PageRank (damping ``damping``), then output
the top ``sentences`` in article order (ties go to the earlier sentence).

* TextRank (Mihalcea & Tarau, 2004): edge weight = shared words / (log |S_i| + log |S_j|).
* LexRank (Erkan & Radev, 2004): tf-idf cosine similarity, idf over the article's sentences; with
  ``threshold`` (default 0.1) edges are 1 above it and absent below; ``threshold: null`` keeps the
  cosine weights (continuous LexRank).

Words are rouge-score's tokens (lower-cased alphanumerics, Porter-stemmed), so "rising" meets "rises".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.article import Article
from bench.errors import ConfigError
from bench.systems.base import System, Task, register
from bench.systems.extractive import Selection, compose
from bench.text import split_sentences

__all__ = ["pagerank", "textrank_matrix", "lexrank_matrix", "TextRank", "LexRank"]


def pagerank(weights: np.ndarray, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 1000) -> np.ndarray:
    """PageRank of a weighted graph given as a square matrix (row i: edges out of i).

    Rows without edges jump uniformly (as networkx does for dangling nodes). Scores sum to 1.
    """
    n = weights.shape[0]
    if n == 0:
        return np.zeros(0)
    sums = weights.sum(axis=1, keepdims=True)
    trans = np.where(sums > 0, weights / np.where(sums > 0, sums, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = (1.0 - damping) / n + damping * (trans.T @ rank)
        if np.abs(new - rank).sum() < n * tol:
            return new
        rank = new
    return rank


def textrank_matrix(tokens: Sequence[Sequence[str]]) -> np.ndarray:
    """TextRank similarity: |S_i ∩ S_j| / (log|S_i| + log|S_j|), zero diagonal."""
    sets = [set(t) for t in tokens]
    n = len(sets)
    m = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            denom = math.log(len(sets[i]) or 1) + math.log(len(sets[j]) or 1)
            overlap = len(sets[i] & sets[j])
            if denom > 0 and overlap:
                m[i, j] = m[j, i] = overlap / denom
    return m


def lexrank_matrix(tokens: Sequence[Sequence[str]], threshold: float | None) -> np.ndarray:
    """tf-idf cosine similarity between sentences (idf over these sentences), thresholded if asked."""
    n = len(tokens)
    df = Counter(w for t in tokens for w in set(t))
    vocab = {w: k for k, w in enumerate(sorted(df))}
    vecs = np.zeros((n, len(vocab)))
    for i, sent in enumerate(tokens):
        for w, tf in Counter(sent).items():
            vecs[i, vocab[w]] = tf * math.log(n / df[w])
    norms = np.linalg.norm(vecs, axis=1)
    norms[norms == 0] = 1.0
    unit = vecs / norms[:, None]
    sim = unit @ unit.T
    np.fill_diagonal(sim, 0.0)
    if threshold is None:
        return sim
    return (sim > threshold).astype(float)


class _GraphRanker(System):
    """Shared: split, tokenize, build the matrix, rank, compose."""

    version = "2"  # a word cut counts words only (bench.text.first_words): cached cuts are regenerated

    def __init__(self, name: str, config: Any) -> None:
        super().__init__(name, config)
        from rouge_score import tokenizers

        self._tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)

    def matrix(self, tokens: list[list[str]]) -> np.ndarray:
        raise NotImplementedError

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        out = []
        for article in articles:
            sentences = split_sentences(article.body)
            tokens = [self._tokenizer.tokenize(s) for s in sentences]
            scores = pagerank(self.matrix(tokens), self.config.damping)
            order = sorted(range(len(sentences)), key=lambda i: (-round(float(scores[i]), 12), i))
            out.append(compose(sentences, order[: self.config.sentences], self.config, task))
        return out


@dataclass(frozen=True)
class _GraphSettings(Selection):
    damping: float = 0.85

    def validate(self, where: str) -> None:
        Selection.validate(self, where)
        if not 0.0 < self.damping < 1.0:
            raise ConfigError(f"{where}.damping: must be between 0 and 1 (exclusive), got {self.damping}")


@register("textrank")
class TextRank(_GraphRanker):
    """TextRank sentence extraction (word-overlap graph + PageRank)."""

    @dataclass(frozen=True)
    class Config(_GraphSettings):
        pass

    def matrix(self, tokens: list[list[str]]) -> np.ndarray:
        return textrank_matrix(tokens)


@register("lexrank")
class LexRank(_GraphRanker):
    """LexRank sentence extraction (tf-idf cosine graph + PageRank)."""

    @dataclass(frozen=True)
    class Config(_GraphSettings):
        threshold: float | None = 0.1

        def validate(self, where: str) -> None:
            _GraphSettings.validate(self, where)
            if self.threshold is not None and not 0.0 <= self.threshold < 1.0:
                raise ConfigError(f"{where}.threshold: must be in [0, 1) or null (continuous), got {self.threshold}")

    def matrix(self, tokens: list[list[str]]) -> np.ndarray:
        return lexrank_matrix(tokens, self.config.threshold)
