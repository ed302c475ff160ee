"""The three ROUGE engines behind :class:`bench.metrics.rouge.Rouge`.

* ``reference`` — Google's rouge-score, as the ecosystem uses it.
* ``fast`` — rouge-score-rs (Rust), the same numbers bit for bit, scored on all cores.
* ``perl`` — :mod:`bench.metrics.perl.engine`, a port of the original ROUGE-1.5.5 script; its ROUGE-L is
  summary-level (union LCS over sentences) and it adds ROUGE-SU4.

Every engine takes already prepared texts (``"\\n"``-joined sentences where rougeLsum needs them) and
one list of references per prediction, and returns one ``{type: Score}`` per prediction. An engine
names itself and its version in :meth:`signature`; ``auto`` resolves to ``fast`` when rouge-score-rs
imports, else ``reference``, and the signature says which.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from bench.errors import MetricError
from bench.text import split_sentences

__all__ = ["Score", "ENGINES", "ROUGE_SCORE_TYPES", "PERL_TYPES", "ALL_TYPES", "ENGINE_TYPES", "Engine",
           "RougeScoreEngine", "PerlEngine", "resolve_engine", "make_engine"]

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
    """What :class:`Rouge` needs from an engine."""

    name: str
    types: tuple[str, ...]

    def signature(self) -> str:
        """``<name>-<package>-<version>``, e.g. ``fast-rouge-score-rs-0.2.1``."""
        ...

    def score(self, predictions: Sequence[str], references: Sequence[Sequence[str]],
              tokenizer: Any = None) -> list[dict[str, Score]]:
        """One ``{type: Score}`` per prediction; ``tokenizer`` None means the engine's own."""
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

        raise MetricError(f"metrics.rouge.engine: unknown engine {name!r}{suggest(name, ENGINES)}; "
                          f"known: {', '.join(ENGINES)}")
    if name != "auto":
        return name
    resolved = "fast" if _importable("rouge_score_rs") else "reference"
    log.info("ROUGE engine auto -> %s", resolved)
    return resolved


class RougeScoreEngine:
    """rouge-score (``reference``) or rouge-score-rs (``fast``): the same API, the same numbers."""

    def __init__(self, name: str, types: Sequence[str], stem: bool) -> None:
        self.name = name
        self.types = tuple(types)
        self.stem = stem
        module, dist = ("rouge_score_rs", "rouge-score-rs") if name == "fast" else ("rouge_score", "rouge-score")
        if not _importable(module):
            raise MetricError(f"metrics.rouge.engine: engine {name!r} needs the {dist} package; "
                              f"install it with 'pip install {dist}' or choose another engine")
        self._dist = dist
        self._version = importlib.metadata.version(dist)
        self._module = importlib.import_module(f"{module}.rouge_scorer")

    def signature(self) -> str:
        return f"{self.name}-{self._dist}-{self._version}"

    def score(self, predictions: Sequence[str], references: Sequence[Sequence[str]],
              tokenizer: Any = None) -> list[dict[str, Score]]:
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

    def _native(self, predictions: Sequence[str], references: Sequence[Sequence[str]],
                single: bool) -> list[dict[str, Score]] | None:
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


class PerlEngine:
    """The perl-compatible ROUGE-1.5.5 port; sentences come from the project's splitter."""

    name = "perl"

    def __init__(self, types: Sequence[str], stem: bool, options: Mapping[str, Any] | None = None,
                 resamples: int = 1000) -> None:
        """``options``: further :class:`~bench.metrics.perl.engine.PerlSettings` fields (``-s -l -b -p -f``);
        ``resamples``: the script's ``-r``."""
        try:
            from bench.metrics.perl import engine as perl_engine
        except ImportError as exc:
            raise MetricError("metrics.rouge.engine: engine 'perl' is not available in this install "
                              f"({exc}); choose engine 'fast' or 'reference'") from exc
        self.types = tuple(types)
        self._module = perl_engine
        skip = 4 if "rougeSU4" in self.types else None
        self.settings = perl_engine.PerlSettings(max_n=2, skip_distance=skip, stem=stem, resamples=resamples,
                                                 **dict(options or {}))

    def signature(self) -> str:
        return f"perl-{self._module.perl_engine_version()}"

    def flags(self) -> str:
        """The ROUGE-1.5.5 command-line flags these settings correspond to."""
        return str(self.settings.flags()).replace("|", "/")

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

    def score(self, predictions: Sequence[str], references: Sequence[Sequence[str]],
              tokenizer: Any = None) -> list[dict[str, Score]]:
        if tokenizer is not None:
            raise MetricError("metrics.rouge.tokenizer: engine 'perl' tokenizes like ROUGE-1.5.5; "
                              "leave tokenizer 'auto'")
        out = []
        for pred, refs in zip(predictions, references):
            raw = self._module.score_perl(split_sentences(pred), [split_sentences(r) for r in refs],
                                          self.settings)
            out.append({t: Score(*(float(v) for v in raw[t])) for t in self.types})
        return out


def make_engine(name: str, types: Sequence[str], stem: bool, perl_options: Mapping[str, Any] | None = None,
                resamples: int = 1000) -> RougeScoreEngine | PerlEngine:
    """Build the engine ``name`` (already resolved, not ``auto``) for ``types``; the perl engine also takes
    its script options and ``-r``."""
    if name == "perl":
        return PerlEngine(types, stem, perl_options, resamples)
    return RougeScoreEngine(name, types, stem)
