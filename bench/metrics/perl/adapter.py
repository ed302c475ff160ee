"""The perl engine behind :class:`~bench.metrics.rouge.Rouge`: the ROUGE-1.5.5 port of
:mod:`bench.metrics.perl.engine` with the script's tokens, languages, corpus numbers and flags."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from bench.errors import MetricError
from bench.metrics.engine_base import PERL_TYPES, Score, check_types
from bench.metrics.tokenize import (
    ASCII_ALNUM,
    normalize_language,
)
from bench.metrics.visibility import Probe
from bench.text import split_sentences

log = logging.getLogger(__name__)


def _never(text: str) -> bool:
    return False


class PerlEngine:
    """The perl-compatible ROUGE-1.5.5 port; sentences come from the project's splitter (it splits them
    itself), tokens are ROUGE-1.5.5's (ASCII only: English only), the corpus numbers the script's."""

    name = "perl"
    TYPES = PERL_TYPES
    prepares_sentences = False
    uses_sentences = True
    own_bootstrap = True  # the script's -r, named in its flags

    @classmethod
    def validate_config(cls, config: Any, where: str) -> None:
        """Types it computes, its own tokenizer, English, and the script's own checks of its options."""
        hint = "perl's rougeL is already summary-level (as rougeLsum)" if "rougeLsum" in config.types else ""
        check_types("perl", config.types, cls.TYPES, hint, where)
        if config.tokenizer == "unicode":
            raise MetricError(
                f"{where}.tokenizer: engine 'perl' tokenizes like ROUGE-1.5.5 (ASCII only); "
                "use tokenizer 'auto', or engine 'fast' for tokenizer 'unicode'"
            )
        if config.language is not None:
            cls.check_language(normalize_language(config.language, f"{where}.language"), f"{where}.language")
        from bench.metrics.perl.engine import PerlSettings

        try:
            PerlSettings(resamples=config.bootstrap, **asdict(config.perl)).validate()
        except MetricError as exc:
            raise MetricError(f"{where}.perl: {exc}") from None

    @staticmethod
    def check_language(language: str, where: str) -> None:
        if language != "en":
            raise MetricError(
                f"{where}: engine 'perl' scores English only (ROUGE-1.5.5 drops every non-ASCII "
                f"letter, so {language!r} text would score near 0), got {language!r}; use engine "
                f"'fast', which reads {language!r} with tokenizer unicode-v1"
            )

    def __init__(
        self, types: Sequence[str], stem: bool, options: Mapping[str, Any] | None = None, resamples: int = 1000
    ) -> None:
        """``options``: further :class:`~bench.metrics.perl.engine.PerlSettings` fields (``-s -l -b -p -f``);
        ``resamples``: the script's ``-r``."""
        try:
            from bench.metrics.perl import engine as perl_engine
        except ImportError as exc:
            raise MetricError(
                "metrics.rouge.engine: engine 'perl' is not available in this install "
                f"({exc}); choose engine 'fast' or 'reference'"
            ) from exc
        self.types = tuple(types)
        self._module = perl_engine
        skip = 4 if "rougeSU4" in self.types else None
        self.settings = perl_engine.PerlSettings(
            max_n=2, skip_distance=skip, stem=stem, resamples=resamples, **dict(options or {})
        )

    def signature(self) -> str:
        return f"perl-{self._module.perl_engine_version()}"

    def flags(self) -> str:
        """The ROUGE-1.5.5 command-line flags these settings correspond to."""
        return str(self.settings.flags()).replace("|", "/")

    def tokenizer(self, language: str) -> None:
        return None  # its own, always

    def tokenizer_name(self, language: str) -> str:
        return "perl-1.5.5"

    def stemmer_name(self, language: str) -> str:
        return "porter-perl" if self.settings.stem else "none"

    def probe(self, language: str) -> Probe:
        return Probe(
            self.tokenizer_name(language),
            language,
            ASCII_ALNUM.search,
            _never,
            "score them with engine 'fast' and their language: bench score --engine fast --lang {lang}; "
            "in a config, metrics.rouge.engine: fast and corpus.language: {lang} (engine 'perl' reads "
            "ASCII letters only)",
        )

    def aggregate(self, scores: Sequence[Mapping[str, Score]]) -> dict[str, tuple[Score, Score, Score]]:
        """The script's corpus numbers: see :meth:`corpus`."""
        return self.corpus(scores)

    def corpus(self, scores: Sequence[Mapping[str, Score]]) -> dict[str, tuple[Score, Score, Score]]:
        """What the script prints for the corpus: ``{type: (average, CI low, CI high)}``.

        The average is the script's bootstrap average (``-r``, its own ``srand``), not the plain
        mean, so tables match papers scored with ROUGE-1.5.5 digit for digit.
        """
        triples = [{t: (s[t].precision, s[t].recall, s[t].f1) for t in self.types} for s in scores]
        resamples = self.settings.resamples
        means = self._module.corpus_mean(triples, resamples=resamples)
        intervals = self._module.corpus_interval(triples, confidence=95.0, resamples=resamples)
        return {t: (Score(*means[t]), Score(*intervals[t][0]), Score(*intervals[t][1])) for t in self.types}

    def score(
        self, predictions: Sequence[str], references: Sequence[Sequence[str]], tokenizer: Any = None
    ) -> list[dict[str, Score]]:
        if tokenizer is not None:
            raise MetricError(
                "metrics.rouge.tokenizer: engine 'perl' tokenizes like ROUGE-1.5.5; leave tokenizer 'auto'"
            )
        out = []
        for pred, refs in zip(predictions, references):
            raw = self._module.score_perl(split_sentences(pred), [split_sentences(r) for r in refs], self.settings)
            out.append({t: Score(*(float(v) for v in raw[t])) for t in self.types})
        return out
