"""The rouge-score engines: Google's ``rouge-score`` (``reference``) and ``rouge-score-rs`` (``fast``), the
same API and the same numbers bit for bit."""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bench.errors import MetricError
from bench.metrics.engine_base import FAST_FIX, ROUGE_SCORE_TYPES, Score, check_types, importable
from bench.metrics.tokenize import (
    ASCII_ALNUM,
    UnicodeTokenizer,
    check_segmentable,
    normalize_language,
    rouge_score_sees,
    stemmer_name,
    tokenizer_for,
    tokenizer_name,
)
from bench.metrics.visibility import Probe

log = logging.getLogger(__name__)


class RougeScoreEngine:
    """rouge-score (``reference``) or rouge-score-rs (``fast``): the same API, the same numbers."""

    TYPES = ROUGE_SCORE_TYPES
    own_bootstrap = False

    @classmethod
    def validate_config(cls, config: Any, where: str) -> None:
        """Types it computes, no ROUGE-1.5.5 options, a language its tokenizer can read."""
        check_types(config.engine, config.types, cls.TYPES, "rougeSU4 is computed by engine 'perl' only", where)
        if config.perl != type(config.perl)():
            raise MetricError(
                f"{where}.perl: ROUGE-1.5.5 options are used by engine 'perl' only; set engine: "
                f"perl, or remove them (engine is {config.engine!r})"
            )
        if config.language is not None:
            check_segmentable(
                config.tokenizer, normalize_language(config.language, f"{where}.language"), f"{where}.language"
            )

    def __init__(self, name: str, types: Sequence[str], stem: bool, tokenizer: str = "auto") -> None:
        self.name = name
        self.types = tuple(types)
        self.stem = stem
        self.tokenizer_kind = tokenizer
        self.prepares_sentences = self.uses_sentences = "rougeLsum" in self.types
        module, dist = ("rouge_score_rs", "rouge-score-rs") if name == "fast" else ("rouge_score", "rouge-score")
        if not importable(module):
            raise MetricError(
                f"metrics.rouge.engine: engine {name!r} needs the {dist} package; "
                f"install it with 'pip install {dist}' or choose another engine"
            )
        self._dist = dist
        self._version = importlib.metadata.version(dist)
        self._module = importlib.import_module(f"{module}.rouge_scorer")

    def signature(self) -> str:
        return f"{self.name}-{self._dist}-{self._version}"

    def flags(self) -> str | None:
        return None

    def check_language(self, language: str, where: str) -> None:
        check_segmentable(self.tokenizer_kind, language, where)

    def tokenizer(self, language: str) -> UnicodeTokenizer | None:
        return tokenizer_for(self.tokenizer_kind, language, self.stem)

    def tokenizer_name(self, language: str) -> str:
        return tokenizer_name(self.tokenizer_kind, language)

    def stemmer_name(self, language: str) -> str:
        return stemmer_name(self.tokenizer_kind, language, self.stem)

    def probe(self, language: str) -> Probe:
        name = self.tokenizer_name(language)
        if name != "rouge-score":
            return Probe(
                name,
                language,
                UnicodeTokenizer.quick_sees,
                UnicodeTokenizer.sees,
                "check the inputs: these texts hold no letters or digits (markup? placeholders?)",
            )
        fix = (
            FAST_FIX
            if self.tokenizer_kind == "auto"
            else (
                "use tokenizer 'auto' or 'unicode' (bench score --tokenizer auto; metrics.rouge.tokenizer: auto) "
                "with the texts' language ({lang})"
            )
        )
        return Probe(name, language, ASCII_ALNUM.search, rouge_score_sees, fix)

    def aggregate(self, scores: Sequence[Mapping[str, Score]]) -> None:
        return None  # the default: seeded bootstrap of the means

    def score(
        self, predictions: Sequence[str], references: Sequence[Sequence[str]], tokenizer: Any = None
    ) -> list[dict[str, Score]]:
        single = all(len(refs) == 1 for refs in references)
        if self.name == "fast" and tokenizer is None:
            native = self._native(predictions, references, single)
            if native is not None:
                return native
        scorer = self._module.RougeScorer(list(self.types), use_stemmer=self.stem, tokenizer=tokenizer)
        if single and self.name == "fast":
            raw = scorer.score_batch([refs[0] for refs in references], list(predictions))
        elif single:
            raw = [scorer.score(refs[0], pred) for pred, refs in zip(predictions, references)]
        else:
            raw = [scorer.score_multi(list(refs), pred) for pred, refs in zip(predictions, references)]
        types = self.types
        return [{t: Score(*r[t]) for t in types} for r in raw]  # r[t]: (precision, recall, fmeasure)

    def _native(
        self, predictions: Sequence[str], references: Sequence[Sequence[str]], single: bool
    ) -> list[dict[str, Score]] | None:
        """rouge-score-rs's native scorer, making :class:`Score` itself (what its public ``RougeScorer``
        does with its own Score class). None when this build lacks it or a text holds a lone surrogate:
        the public API then gives the same numbers, converted."""
        try:
            from rouge_score_rs import _rougers

            scorer = _rougers.Scorer(list(self.types), self.stem, "rouge-score", Score)
            if single:
                return scorer.score_batch([refs[0] for refs in references], list(predictions))
            out = [scorer.score_multi(list(refs), pred) for pred, refs in zip(predictions, references)]
        except (ImportError, AttributeError, TypeError, UnicodeEncodeError) as exc:
            log.debug("rouge-score-rs native scorer unavailable (%s); using its public API", exc)
            return None
        return None if any(r is None for r in out) else out
