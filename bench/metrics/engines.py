"""The three ROUGE engines behind :class:`bench.metrics.rouge.Rouge`.

* ``reference`` — Google's rouge-score, as the ecosystem uses it.
* ``fast`` — rouge-score-rs (Rust), the same numbers bit for bit, scored on all cores.
* ``perl`` — :mod:`bench.metrics.perl.engine`, a port of the original ROUGE-1.5.5 script; its ROUGE-L is
  summary-level (union LCS over sentences) and it adds ROUGE-SU4.

Every engine takes one list of references per prediction and returns one ``{type: Score}`` per
prediction. Everything in which the engines differ lives here, behind :class:`Engine`, so
:class:`~bench.metrics.rouge.Rouge` has no branch on an engine's name: the types it computes and the
checks of its settings (``validate_config``, before it is built), the languages it refuses, its
tokenizer and stemmer per language, whether it wants ``"\\n"``-joined sentences from ``Rouge``, its
corpus aggregate (perl: the script's bootstrap average; the others: None, the default seeded bootstrap
of means), its signature and ``flags``, and its :class:`~bench.metrics.visibility.Probe` for texts that
yield no token. ``auto`` resolves to ``fast`` when rouge-score-rs imports, else ``reference``, and the
signature says which.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any, NamedTuple, Protocol

from bench.errors import MetricError
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
from bench.text import split_sentences

__all__ = [
    "Score",
    "ENGINES",
    "ROUGE_SCORE_TYPES",
    "PERL_TYPES",
    "ALL_TYPES",
    "ENGINE_TYPES",
    "Engine",
    "RougeScoreEngine",
    "PerlEngine",
    "ENGINE_CLASSES",
    "engine_class",
    "resolve_engine",
    "make_engine",
]

log = logging.getLogger(__name__)

ENGINES = ("auto", "reference", "fast", "perl")
ROUGE_SCORE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
PERL_TYPES = ("rouge1", "rouge2", "rougeL", "rougeSU4")
ALL_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum", "rougeSU4")
ENGINE_TYPES = {"reference": ROUGE_SCORE_TYPES, "fast": ROUGE_SCORE_TYPES, "perl": PERL_TYPES}


class Score(NamedTuple):
    """Precision, recall and F1 of one prediction against its reference(s), each in [0, 1].

    An immutable named tuple, like rouge-score's ``Score`` (whose third field is ``fmeasure``): the
    ``fast`` engine builds these directly in Rust, so per-pair results cost no Python conversion.
    """

    precision: float
    recall: float
    f1: float


class Engine(Protocol):
    """What :class:`Rouge` needs from an engine: every way the engines differ lives behind it.

    Class level (settings are checked before an engine is built): ``TYPES`` it computes and
    ``validate_config(config, where)``. Built for one config, an engine says whether :class:`Rouge` must
    hand it sentence-split text (``prepares_sentences``), whether its scores read sentences at all
    (``uses_sentences``, the signature's ``split:``), whether it aggregates with its own bootstrap
    (``own_bootstrap``: then ``aggregate`` returns its numbers and the signature names the bootstrap in
    ``flags``), which tokenizer and stemmer it uses per language, which languages it refuses, and how
    to tell whether a text yields any token (``probe``).
    """

    name: str
    types: tuple[str, ...]
    prepares_sentences: bool
    uses_sentences: bool
    own_bootstrap: bool

    def signature(self) -> str:
        """``<name>-<package>-<version>``, e.g. ``fast-rouge-score-rs-0.2.1``."""
        ...

    def flags(self) -> str | None:
        """Settings the signature's ``flags:`` names (perl: the script's options), or None."""
        ...

    def check_language(self, language: str, where: str) -> None:
        """MetricError when this engine cannot score ``language``."""
        ...

    def tokenizer(self, language: str) -> Any:
        """The tokenizer object for ``score``; None means the engine's own."""
        ...

    def tokenizer_name(self, language: str) -> str: ...

    def stemmer_name(self, language: str) -> str: ...

    def probe(self, language: str) -> Probe:
        """How to tell whether a text yields a token for ``language`` (see :mod:`bench.metrics.visibility`)."""
        ...

    def score(
        self, predictions: Sequence[str], references: Sequence[Sequence[str]], tokenizer: Any = None
    ) -> list[dict[str, Score]]:
        """One ``{type: Score}`` per prediction; ``tokenizer`` None means the engine's own."""
        ...

    def aggregate(self, scores: Sequence[Mapping[str, Score]]) -> dict[str, tuple[Score, Score, Score]] | None:
        """``{type: (average, CI low, CI high)}`` by the engine's own rules, or None for the default
        seeded bootstrap of the means."""
        ...


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def resolve_engine(name: str) -> str:
    """``auto`` -> ``fast`` when rouge-score-rs is installed, else ``reference``; others unchanged."""
    if name not in ENGINES:
        from bench.typed import suggest

        raise MetricError(
            f"metrics.rouge.engine: unknown engine {name!r}{suggest(name, ENGINES)}; known: {', '.join(ENGINES)}"
        )
    if name != "auto":
        return name
    resolved = "fast" if _importable("rouge_score_rs") else "reference"
    log.info("ROUGE engine auto -> %s", resolved)
    return resolved


_FAST_FIX = (
    "give the texts' language so tokenizer unicode-v1 reads them: bench score --lang {lang}; in a "
    "config, corpus.language: {lang} (or a language field per record)"
)


def _check_types(engine: str, types: Sequence[str], supported: Sequence[str], hint: str, where: str) -> None:
    bad = [t for t in types if t not in supported]
    if bad:
        raise MetricError(
            f"{where}.types: engine {engine!r} cannot compute {', '.join(bad)}{'; ' + hint if hint else ''}"
        )


class RougeScoreEngine:
    """rouge-score (``reference``) or rouge-score-rs (``fast``): the same API, the same numbers."""

    TYPES = ROUGE_SCORE_TYPES
    own_bootstrap = False

    @classmethod
    def validate_config(cls, config: Any, where: str) -> None:
        """Types it computes, no ROUGE-1.5.5 options, a language its tokenizer can read."""
        _check_types(config.engine, config.types, cls.TYPES, "rougeSU4 is computed by engine 'perl' only", where)
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
        if not _importable(module):
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
            _FAST_FIX
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
        _check_types("perl", config.types, cls.TYPES, hint, where)
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


ENGINE_CLASSES: dict[str, type[RougeScoreEngine | PerlEngine]] = {
    "auto": RougeScoreEngine,
    "reference": RougeScoreEngine,
    "fast": RougeScoreEngine,
    "perl": PerlEngine,
}


def engine_class(name: str) -> type[RougeScoreEngine | PerlEngine]:
    """The class behind engine ``name`` (``auto`` resolves to a rouge-score engine either way)."""
    if name not in ENGINE_CLASSES:
        from bench.typed import suggest

        raise MetricError(
            f"metrics.rouge.engine: unknown engine {name!r}{suggest(name, ENGINES)}; known: {', '.join(ENGINES)}"
        )
    return ENGINE_CLASSES[name]


def make_engine(name: str, config: Any) -> RougeScoreEngine | PerlEngine:
    """Build engine ``name`` (already resolved, not ``auto``) for a validated ``RougeConfig``: its types and
    stemmer, the tokenizer (rouge-score engines), the script options and ``-r`` (perl)."""
    types = tuple(config.types)
    if engine_class(name) is PerlEngine:
        return PerlEngine(types, config.stemmer, asdict(config.perl), config.bootstrap)
    return RougeScoreEngine(name, types, config.stemmer, config.tokenizer)
