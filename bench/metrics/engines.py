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

from dataclasses import asdict
from typing import Any

from bench.errors import MetricError
from bench.metrics.engine_base import (
    ALL_TYPES,
    ENGINE_TYPES,
    ENGINES,
    PERL_TYPES,
    ROUGE_SCORE_TYPES,
    Engine,
    Score,
    resolve_engine,
)
from bench.metrics.perl.adapter import PerlEngine
from bench.metrics.rouge_score_engine import RougeScoreEngine

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
