"""ROUGE behind one interface, with a signature that names every setting.

Like sacrebleu: build :class:`Rouge` from a :class:`RougeConfig`, call :meth:`Rouge.score` on
predictions and references (one string, or several for multi-reference), and print
:meth:`Rouge.signature` beside every number, e.g.::

    rouge|engine:fast-rouge-score-rs-0.2.1|nrefs:1|lang:en|tok:rouge-score|stem:porter|split:rules-v2|boot:1000|seed:12345|version:0.1.0

Engines (:mod:`bench.metrics.engines`): ``reference`` (rouge-score), ``fast`` (rouge-score-rs, the same
numbers) and ``perl`` (ROUGE-1.5.5 port; its ``flags:`` follow the engine). ``auto`` picks ``fast`` when
installed. Tokenizers (:mod:`bench.metrics.tokenize`): ``auto`` uses rouge-score's for English and
``unicode-v1`` with a Snowball stemmer for other languages.

Languages: each item may have its own language (``Article.language``, so a corpus that declares one is
scored in it); ``config.language``, when set, overrides them all. The signature describes every
language this instance has scored (and ``nrefs`` every reference count; ``var`` when they differ): one
language gives ``lang:de|tok:unicode-v1|stem:snowball-german``; several give
``lang:de,en|tok:de=unicode-v1,en=rouge-score|stem:de=...,en=porter``. Before any scoring it describes
``config.language`` (``en`` when unset). Use one :class:`Rouge` per table so its signature covers exactly
that table.

No silent zeros: :attr:`Rouge.invisible` counts the non-empty texts that yield no token under the
tokenizer in use (a Chinese text under rouge-score's ASCII tokenizer scores 0 against anything), and
:attr:`Rouge.language_mismatches` the languages whose texts look like another language (German scored
as English). :meth:`Rouge.warnings` gives one ready line per problem, with the fix; each is also logged
once (``logging.warning``) when it first shows.

rougeLsum (and every perl type) reads one sentence per line, split by the project's sentence splitter,
named ``split:rules-v2``; the field is dropped when no type uses sentences.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bench import __version__
from bench.errors import MetricError
from bench.metrics import stats
from bench.metrics.engines import (
    ALL_TYPES,
    ENGINE_TYPES,
    ENGINES,
    PERL_TYPES,
    ROUGE_SCORE_TYPES,
    Score,
    engine_class,
    make_engine,
    resolve_engine,
)
from bench.metrics.language_guess import LanguageCheck, Mismatch
from bench.metrics.tokenize import TOKENIZERS, normalize_language
from bench.metrics.visibility import InvisibleTexts, Probe
from bench.text import SPLITTER_NAME, split_sentences
from bench.typed import suggest

__all__ = [
    "ROUGE_TYPES",
    "PERL_TYPES",
    "ALL_TYPES",
    "ENGINES",
    "TOKENIZERS",
    "PerlOptions",
    "RougeConfig",
    "Score",
    "Rouge",
    "Aggregate",
    "InvisibleTexts",
    "Mismatch",
]

log = logging.getLogger(__name__)

# The types of the rouge-score engines (the default of ``reference``/``fast``); perl's are PERL_TYPES.
ROUGE_TYPES = ROUGE_SCORE_TYPES
_FIELDS = ("precision", "recall", "f1")
# The splitter can only break where terminal punctuation (and closers) is followed by space and more text,
# or at a blank line: a text with neither is one sentence, and needs no splitting.
_CANDIDATE_BREAK = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*\s+\S")
_CACHE_SIZE = 200_000  # prepared texts kept per Rouge (references recur when several systems are scored)


@dataclass(frozen=True)
class PerlOptions:
    """``metrics.rouge.perl``: the ROUGE-1.5.5.pl options that change scores, for engine ``perl`` only (its
    ``-r`` is ``bootstrap``; ``-a -c 95 -m -n 2`` and ``-2 4 -U`` for rougeSU4 follow from the other settings).
    They appear in the signature's ``flags:``, e.g. DUC-style ``length_limit_bytes: 665`` → ``-b 665``."""

    remove_stopwords: bool = False  # -s
    length_limit_words: int | None = None  # -l: only the first N words of prediction and references count
    length_limit_bytes: int | None = None  # -b: only the first N bytes
    alpha: float = 0.5  # -p: F = 1 / (alpha / P + (1 - alpha) / R)
    scoring: Literal["A", "B"] = "A"  # -f: A averages (pools) the references, B takes the best


@dataclass(frozen=True)
class RougeConfig:
    """The ``metrics.rouge`` section of a config.

    ``types`` None (the default) becomes the engine's defaults at construction: rouge1, rouge2, rougeL
    and rougeLsum, or rougeSU4 instead of rougeLsum for perl. ``bootstrap`` and ``seed`` drive the CIs
    of :meth:`Rouge.aggregate` (perl: ``bootstrap`` is the script's ``-r``, seeded as the script seeds it).
    ``language`` None (the default): each item is scored in its own language (``Article.language``), ``en``
    when it has none; a code: every item is scored in that language. ``perl``: :class:`PerlOptions`.
    """

    engine: Literal["auto", "reference", "fast", "perl"] = "auto"
    types: tuple[str, ...] | None = None
    stemmer: bool = True
    tokenizer: Literal["auto", "rouge-score", "unicode"] = "auto"
    language: str | None = None
    bootstrap: int = 1000
    seed: int = 12345
    perl: PerlOptions = field(default_factory=PerlOptions)

    def __post_init__(self) -> None:
        # ``types`` None -> the engine's defaults, so ``config.types`` is always the tuple that is scored.
        if self.types is None:
            types = ENGINE_TYPES.get(self.engine, ROUGE_SCORE_TYPES)
        else:
            types = (self.types,) if isinstance(self.types, str) else tuple(self.types)
        object.__setattr__(self, "types", types)

    def validate(self, where: str) -> None:
        """Raise MetricError naming the field for any setting that cannot work."""
        if self.engine not in ENGINES:
            raise MetricError(
                f"{where}.engine: unknown engine {self.engine!r}{suggest(str(self.engine), ENGINES)}; "
                f"known: {', '.join(ENGINES)}"
            )
        if self.tokenizer not in TOKENIZERS:
            raise MetricError(
                f"{where}.tokenizer: unknown tokenizer {self.tokenizer!r}"
                f"{suggest(str(self.tokenizer), TOKENIZERS)}; known: {', '.join(TOKENIZERS)}"
            )
        types = tuple(self.types or ())  # never None after __post_init__
        if not types:
            raise MetricError(f"{where}.types: name at least one ROUGE type")
        for t in types:
            if t not in ALL_TYPES:
                raise MetricError(
                    f"{where}.types: unknown ROUGE type {t!r}{suggest(str(t), ALL_TYPES)}; "
                    f"known: {', '.join(ALL_TYPES)}"
                )
        if len(set(types)) != len(types):
            raise MetricError(f"{where}.types: a ROUGE type is listed twice in {list(types)}")
        if self.language is not None:
            normalize_language(self.language, f"{where}.language")
        if isinstance(self.bootstrap, bool) or not isinstance(self.bootstrap, int) or self.bootstrap < 1:
            raise MetricError(
                f"{where}.bootstrap: expected a number of resamples >= 1 (e.g. 1000), got {self.bootstrap!r}"
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise MetricError(f"{where}.seed: expected an integer >= 0, got {self.seed!r}")
        engine_class(self.engine).validate_config(self, where)  # types, options and languages it can score


@dataclass(frozen=True)
class Aggregate:
    """Corpus-level result of one ROUGE type: the means of P, R and F1, each with its 95% CI."""

    precision: stats.Interval
    recall: stats.Interval
    f1: stats.Interval
    n: int


class Rouge:
    """Scores predictions against references with the configured engine; see the module docstring."""

    def __init__(self, config: RougeConfig | None = None) -> None:
        self.config = config or RougeConfig()
        self.config.validate("metrics.rouge")
        self.engine_name = resolve_engine(self.config.engine)
        self.types: tuple[str, ...] = tuple(self.config.types or ())
        self._engine = make_engine(self.engine_name, self.config)
        self._tokenizers: dict[str, Any] = {}
        self._probes: dict[str, Probe] = {}
        self._prepared: dict[str, str] = {}
        self._seen_languages: set[str] = set()  # over every score() call, for the signature
        self._seen_nrefs: set[int] = set()
        self.invisible = InvisibleTexts()  # over every score() call
        self.invisible_last = InvisibleTexts()  # the last score() call
        self._language_check = LanguageCheck()
        self._logged: set[str] = set()  # warnings already logged (each once per instance)

    def score(
        self,
        predictions: Sequence[str],
        references: Sequence[str | Sequence[str]],
        languages: Sequence[str] | None = None,
    ) -> list[dict[str, Score]]:
        """Per-pair scores, in order: ``[{rouge type: Score}, ...]``.

        ``references[i]`` is a string or a non-empty sequence of strings (multi-reference: rouge-score
        engines keep the best F1 per type, perl pools them as ``-f A`` does). ``languages[i]`` is item
        i's language (default and override: ``config.language``). Lengths must match. Texts that yield
        no token and texts that look like another language are counted (:meth:`warnings`).
        """
        if isinstance(predictions, str) or isinstance(references, str):
            raise MetricError("predictions and references must be sequences of texts, not one string")
        if len(predictions) != len(references):
            raise MetricError(
                f"{len(predictions)} predictions but {len(references)} references: they must be aligned one to one"
            )
        refs = [[r] if r.__class__ is str else self._as_references(r, i) for i, r in enumerate(references)]
        langs = self._item_languages(languages, len(predictions))
        groups = sorted(set(langs))
        call = InvisibleTexts()
        if len(groups) == 1:  # the common case: no index shuffling
            out = self._score_group(predictions, refs, groups[0], call)
        else:
            out = [None] * len(predictions)  # type: ignore[list-item]
            for lang in groups:
                idx = [i for i, lg in enumerate(langs) if lg == lang]
                scored = self._score_group([predictions[i] for i in idx], [refs[i] for i in idx], lang, call)
                for i, s in zip(idx, scored):
                    out[i] = s
        self._seen_languages.update(groups)
        self._seen_nrefs.update(len(r) for r in refs)
        self.invisible_last = call
        self.invisible.merge(call)
        self._log_new_warnings(call)
        return out

    def _score_group(
        self, predictions: Sequence[str], refs: list[list[str]], lang: str, call: InvisibleTexts
    ) -> list[dict[str, Score]]:
        flat = [r for rs in refs for r in rs]
        call.add(self._probe(lang), predictions)
        call.add(self._probe(lang), flat)
        self._language_check.observe(lang, flat)
        if self._engine.prepares_sentences:
            prep, search = self._prepare, _CANDIDATE_BREAK.search  # one-sentence texts skip the splitter
            predictions = [p if "\n" not in p and not search(p) else prep(p) for p in predictions]
            refs = [[r if "\n" not in r and not search(r) else prep(r) for r in rs] for rs in refs]
        return self._engine.score(predictions, refs, self._tokenizer(lang))

    def take_state(self) -> dict[str, Any]:
        """What :meth:`score` added since the last take to what :meth:`signature` and :meth:`warnings` read
        (languages and reference counts seen, texts that yield no token, the references sampled for the
        language check), as plain data; this instance then forgets it. See :meth:`merge_state`."""
        state = {
            "languages": sorted(self._seen_languages),
            "nrefs": sorted(self._seen_nrefs),
            "invisible": self.invisible.snapshot(),
            "sampled": self._language_check.sampled(),
        }
        self._seen_languages, self._seen_nrefs = set(), set()
        self.invisible, self._language_check = InvisibleTexts(), LanguageCheck()
        return state

    def merge_state(self, state: Mapping[str, Any]) -> None:
        """Fold in a :meth:`take_state` of one score() call of another instance (same config), as if this one
        had made the call: the signature, warnings and logged lines are then those of one instance."""
        call = InvisibleTexts.from_snapshot(state["invisible"], self._probe)
        for lang, texts in state["sampled"].items():
            self._language_check.observe(lang, texts)
        self._seen_languages.update(state["languages"])
        self._seen_nrefs.update(state["nrefs"])
        self.invisible_last = call
        self.invisible.merge(call)
        self._log_new_warnings(call)

    @property
    def language_mismatches(self) -> list[Mismatch]:
        """Languages whose texts (a bounded sample of the references) look like another language."""
        return self._language_check.mismatches()

    def warnings(self) -> list[str]:
        """One line per problem with the scores so far, each with its fix: most texts yield no token; texts
        look like another language than the one they are scored as. Empty when all is well."""
        out = [self.invisible.warning] if self.invisible.warning else []
        # Text in another script that yields no token is already said above, with its fix.
        return out + [m.warning for m in self.language_mismatches if not self.invisible.invisible_in(m.scored_as)]

    def _log_new_warnings(self, call: InvisibleTexts) -> None:
        """Log each problem once per instance: the first call where most texts yield no token, and each
        language whose texts look like another."""
        found = [("invisible", call.warning)] if call.warning else []
        found += [
            (f"language:{m.scored_as}", m.warning)
            for m in self.language_mismatches
            if not self.invisible.invisible_in(m.scored_as)
        ]
        for key, line in found:
            if key not in self._logged:
                self._logged.add(key)
                log.warning("%s", line)

    def aggregate(self, scores: Sequence[Mapping[str, Score]]) -> dict[str, Aggregate]:
        """Mean P/R/F1 per type with seeded bootstrap CIs (config ``bootstrap``, ``seed``), from
        per-article scores (never re-scores); or the engine's own corpus numbers (perl: the script's)."""
        if not scores:
            raise MetricError("no scores to aggregate: score at least one pair")
        own = self._engine.aggregate(scores)
        if own is not None:
            return {
                t: Aggregate(
                    *(stats.Interval(getattr(avg, f), getattr(low, f), getattr(high, f)) for f in _FIELDS),
                    n=len(scores),
                )
                for t, (avg, low, high) in own.items()
            }
        columns = [[s[t][k] for s in scores] for t in self.types for k in range(len(_FIELDS))]  # Score: P, R, F1
        ivs = self.bootstrap(columns)
        width = len(_FIELDS)
        return {t: Aggregate(*ivs[i * width : (i + 1) * width], n=len(scores)) for i, t in enumerate(self.types)}

    @property
    def engine_aggregates(self) -> bool:
        """Whether the engine computes corpus numbers itself (perl: the script's bootstrap), so :meth:`aggregate`
        needs the scores; otherwise corpus numbers are :meth:`bootstrap` of each column of per-article values."""
        return bool(self._engine.own_bootstrap)

    def bootstrap(self, columns: Sequence[Sequence[float]]) -> list[stats.Interval]:
        """Mean and seeded bootstrap CI (config ``bootstrap``, ``seed``) of each column of per-article values."""
        return stats.bootstrap_cis(columns, n=self.config.bootstrap, seed=self.config.seed)

    def _as_references(self, ref: str | Sequence[str], i: int) -> list[str]:
        if isinstance(ref, str):
            return [ref]
        refs = list(ref)
        if not refs or not all(isinstance(r, str) for r in refs):
            raise MetricError(f"references[{i}]: expected a text or a non-empty list of texts, got {ref!r}")
        return refs

    def _item_languages(self, languages: Sequence[str] | None, n: int) -> list[str]:
        if languages is not None and (isinstance(languages, str) or len(languages) != n):
            raise MetricError(f"languages: expected one language per prediction ({n}), got {languages!r}"[:300])
        if languages is None or self.config.language is not None:  # the config's language wins
            lang = self._config_language()
            self._engine.check_language(lang, "metrics.rouge.language")
            return [lang] * n
        known: dict[str, str] = {}
        for i, lg in enumerate(languages):  # normalise and check each distinct code once, naming the first item
            if lg not in known:
                known[lg] = normalize_language(lg, f"languages[{i}]")
                self._engine.check_language(known[lg], f"languages[{i}]")
        return [known[lg] for lg in languages]

    def _config_language(self) -> str:
        return normalize_language(self.config.language or "en")

    def _tokenizer(self, lang: str) -> Any:
        if lang not in self._tokenizers:
            self._tokenizers[lang] = self._engine.tokenizer(lang)
        return self._tokenizers[lang]

    def _probe(self, lang: str) -> Probe:
        if lang not in self._probes:
            self._probes[lang] = self._engine.probe(lang)
        return self._probes[lang]

    def _prepare(self, text: str) -> str:
        """One sentence per line for rougeLsum (cached: references recur across systems)."""
        if "\n" not in text and not _CANDIDATE_BREAK.search(text):
            return text  # one sentence: the splitter would only normalise its spaces, which no tokenizer sees
        cached = self._prepared.get(text)
        if cached is None:
            if len(self._prepared) >= _CACHE_SIZE:
                self._prepared.clear()
            cached = self._prepared[text] = "\n".join(split_sentences(text))
        return cached

    def signature(self) -> str:
        """``rouge|engine:...|nrefs:..|lang:..|tok:..|stem:..|split:..|boot:..|seed:..|version:..``."""
        engine = self._engine
        fields: list[tuple[str, str | None]] = [("engine", engine.signature()), ("flags", engine.flags())]
        nrefs = sorted(self._seen_nrefs) or [1]
        fields += [
            ("nrefs", str(nrefs[0]) if len(nrefs) == 1 else "var"),
            ("lang", ",".join(self._languages())),
            ("tok", self._per_language(engine.tokenizer_name)),
            ("stem", self._per_language(engine.stemmer_name)),
            ("split", SPLITTER_NAME if engine.uses_sentences else None),
        ]
        if not engine.own_bootstrap:  # an engine's own bootstrap is named in its flags
            fields += [("boot", str(self.config.bootstrap)), ("seed", str(self.config.seed))]
        fields.append(("version", __version__))
        return "|".join(["rouge"] + [f"{k}:{v}" for k, v in fields if v is not None])

    def _languages(self) -> list[str]:
        return sorted(self._seen_languages) or [self._config_language()]

    def _per_language(self, name_of: Callable[[str], str]) -> str:
        names = {lang: name_of(lang) for lang in self._languages()}
        if len(set(names.values())) == 1:
            return next(iter(names.values()))
        return ",".join(f"{lang}={name}" for lang, name in names.items())
