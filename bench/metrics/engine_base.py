"""What every ROUGE engine shares: the type names, :class:`Score`, the :class:`Engine` protocol, ``auto``
resolution and the check of the types an engine computes (see :mod:`bench.metrics.engines`)."""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from bench.errors import MetricError
from bench.metrics.visibility import Probe

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


def importable(module: str) -> bool:
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
    resolved = "fast" if importable("rouge_score_rs") else "reference"
    log.info("ROUGE engine auto -> %s", resolved)
    return resolved


FAST_FIX = (
    "give the texts' language so tokenizer unicode-v1 reads them: bench score --lang {lang}; in a "
    "config, corpus.language: {lang} (or a language field per record)"
)


def check_types(engine: str, types: Sequence[str], supported: Sequence[str], hint: str, where: str) -> None:
    bad = [t for t in types if t not in supported]
    if bad:
        raise MetricError(
            f"{where}.types: engine {engine!r} cannot compute {', '.join(bad)}{'; ' + hint if hint else ''}"
        )
