"""ROUGE behind one interface, with a signature that names every setting.

Like sacrebleu: build :class:`Rouge` from a :class:`RougeConfig`, call :meth:`Rouge.score` on
predictions and references (one string, or several for multi-reference), and print
:meth:`Rouge.signature` beside every number, e.g.::

    rouge|engine:fast-rouge-score-rs-0.2.1|nrefs:1|lang:en|tok:rouge-score|stem:porter|split:rules-v1|boot:1000|seed:12345|version:0.1.0

Engines (:mod:`bench.metrics.engines`): ``reference`` (rouge-score), ``fast`` (rouge-score-rs, the same
numbers) and ``perl`` (ROUGE-1.5.5 port; its ``flags:`` follow the engine). ``auto`` picks ``fast`` when
installed. Tokenizers (:mod:`bench.metrics.tokenize`): ``auto`` uses rouge-score's for English and
``unicode-v1`` with a Snowball stemmer for other languages.

Languages: each item may have its own language (``Article.language``). The signature describes every
language this instance has scored (and ``nrefs`` every reference count; ``var`` when they differ): one
language gives ``lang:de|tok:unicode-v1|stem:snowball-german``; several give
``lang:de,en|tok:de=unicode-v1,en=rouge-score|stem:de=...,en=porter``. Before any scoring it describes
``config.language``. Use one :class:`Rouge` per table so its signature covers exactly that table.

rougeLsum (and every perl type) reads one sentence per line, split by the project's sentence splitter,
named ``split:rules-v1``; the field is dropped when no type uses sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

from bench import __version__
from bench.errors import MetricError
from bench.metrics import stats
from bench.metrics.engines import (ALL_TYPES, ENGINE_TYPES, ENGINES, PERL_TYPES, ROUGE_SCORE_TYPES, PerlEngine,
                                   Score, make_engine, resolve_engine)
from bench.metrics.tokenize import (TOKENIZERS, UnicodeTokenizer, normalize_language, stemmer_name,
                                    tokenizer_for, tokenizer_name)
from bench.text import SPLITTER_NAME, split_sentences
from bench.typed import suggest

__all__ = ["ROUGE_TYPES", "PERL_TYPES", "ALL_TYPES", "ENGINES", "TOKENIZERS", "PerlOptions", "RougeConfig",
           "Score", "Rouge", "Aggregate"]

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
    ``language`` is used for items given no language of their own. ``perl``: :class:`PerlOptions`.
    """

    engine: Literal["auto", "reference", "fast", "perl"] = "auto"
    types: tuple[str, ...] | None = None
    stemmer: bool = True
    tokenizer: Literal["auto", "rouge-score", "unicode"] = "auto"
    language: str = "en"
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
            raise MetricError(f"{where}.engine: unknown engine {self.engine!r}{suggest(str(self.engine), ENGINES)}; "
                              f"known: {', '.join(ENGINES)}")
        if self.tokenizer not in TOKENIZERS:
            raise MetricError(f"{where}.tokenizer: unknown tokenizer {self.tokenizer!r}"
                              f"{suggest(str(self.tokenizer), TOKENIZERS)}; known: {', '.join(TOKENIZERS)}")
        types = tuple(self.types or ())  # never None after __post_init__
        if not types:
            raise MetricError(f"{where}.types: name at least one ROUGE type")
        for t in types:
            if t not in ALL_TYPES:
                raise MetricError(f"{where}.types: unknown ROUGE type {t!r}{suggest(str(t), ALL_TYPES)}; "
                                  f"known: {', '.join(ALL_TYPES)}")
        if len(set(types)) != len(types):
            raise MetricError(f"{where}.types: a ROUGE type is listed twice in {list(types)}")
        self._validate_engine_types(types, where)
        if self.engine != "perl" and self.perl != PerlOptions():
            raise MetricError(f"{where}.perl: ROUGE-1.5.5 options are used by engine 'perl' only; set engine: "
                              f"perl, or remove them (engine is {self.engine!r})")
        if self.engine == "perl" and self.tokenizer == "unicode":
            raise MetricError(f"{where}.tokenizer: engine 'perl' tokenizes like ROUGE-1.5.5 (ASCII only); "
                              "use tokenizer 'auto', or engine 'fast' for tokenizer 'unicode'")
        normalize_language(self.language, f"{where}.language")
        if isinstance(self.bootstrap, bool) or not isinstance(self.bootstrap, int) or self.bootstrap < 1:
            raise MetricError(f"{where}.bootstrap: expected a number of resamples >= 1 (e.g. 1000), "
                              f"got {self.bootstrap!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise MetricError(f"{where}.seed: expected an integer >= 0, got {self.seed!r}")
        if self.engine == "perl":  # the script's own checks, before any work starts
            from bench.metrics.perl.engine import PerlSettings

            try:
                PerlSettings(resamples=self.bootstrap, **asdict(self.perl)).validate()
            except MetricError as exc:
                raise MetricError(f"{where}.perl: {exc}") from None

    def _validate_engine_types(self, types: tuple[str, ...], where: str) -> None:
        if self.engine == "perl":
            bad = [t for t in types if t not in PERL_TYPES]
            hint = "perl's rougeL is already summary-level (as rougeLsum)" if "rougeLsum" in bad else ""
        else:
            bad = [t for t in types if t not in ROUGE_SCORE_TYPES]
            hint = "rougeSU4 is computed by engine 'perl' only"
        if bad:
            raise MetricError(f"{where}.types: engine {self.engine!r} cannot compute {', '.join(bad)}"
                              f"{'; ' + hint if hint else ''}")


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
        self._engine = make_engine(self.engine_name, self.types, self.config.stemmer, asdict(self.config.perl),
                                   self.config.bootstrap)
        self._tokenizers: dict[str, UnicodeTokenizer | None] = {}
        self._prepared: dict[str, str] = {}
        self._seen_languages: set[str] = set()  # over every score() call, for the signature
        self._seen_nrefs: set[int] = set()

    def score(self, predictions: Sequence[str], references: Sequence[str | Sequence[str]],
              languages: Sequence[str] | None = None) -> list[dict[str, Score]]:
        """Per-pair scores, in order: ``[{rouge type: Score}, ...]``.

        ``references[i]`` is a string or a non-empty sequence of strings (multi-reference: rouge-score
        engines keep the best F1 per type, perl pools them as ``-f A`` does). ``languages[i]`` is item
        i's language (default ``config.language``). Lengths must match.
        """
        if isinstance(predictions, str) or isinstance(references, str):
            raise MetricError("predictions and references must be sequences of texts, not one string")
        if len(predictions) != len(references):
            raise MetricError(f"{len(predictions)} predictions but {len(references)} references: "
                              "they must be aligned one to one")
        refs = [[r] if r.__class__ is str else self._as_references(r, i) for i, r in enumerate(references)]
        langs = self._item_languages(languages, len(predictions))
        groups = sorted(set(langs))
        if len(groups) == 1:  # the common case: no index shuffling
            out = self._score_group(predictions, refs, groups[0])
        else:
            out = [None] * len(predictions)  # type: ignore[list-item]
            for lang in groups:
                idx = [i for i, lg in enumerate(langs) if lg == lang]
                scored = self._score_group([predictions[i] for i in idx], [refs[i] for i in idx], lang)
                for i, s in zip(idx, scored):
                    out[i] = s
        self._seen_languages.update(groups)
        self._seen_nrefs.update(len(r) for r in refs)
        return out

    def _score_group(self, predictions: Sequence[str], refs: list[list[str]], lang: str) -> list[dict[str, Score]]:
        if self.engine_name != "perl" and "rougeLsum" in self.types:
            prep, search = self._prepare, _CANDIDATE_BREAK.search  # one-sentence texts skip the splitter
            predictions = [p if "\n" not in p and not search(p) else prep(p) for p in predictions]
            refs = [[r if "\n" not in r and not search(r) else prep(r) for r in rs] for rs in refs]
        return self._engine.score(predictions, refs, self._tokenizer(lang))

    def aggregate(self, scores: Sequence[Mapping[str, Score]]) -> dict[str, Aggregate]:
        """Mean P/R/F1 per type with seeded bootstrap CIs (config ``bootstrap``, ``seed``), from
        per-article scores (never re-scores)."""
        if not scores:
            raise MetricError("no scores to aggregate: score at least one pair")
        if isinstance(self._engine, PerlEngine):
            return self._perl_aggregate(scores)
        out = {}
        for t in self.types:
            ivs = [stats.bootstrap_ci([getattr(s[t], f) for s in scores], n=self.config.bootstrap,
                                      seed=self.config.seed) for f in _FIELDS]
            out[t] = Aggregate(*ivs, n=len(scores))
        return out

    def _perl_aggregate(self, scores: Sequence[Mapping[str, Score]]) -> dict[str, Aggregate]:
        """The script's own corpus numbers (bootstrap average and 95% CI over its -r resamples)."""
        corpus = self._engine.corpus(scores)  # type: ignore[union-attr]
        out = {}
        for t, (avg, low, high) in corpus.items():
            ivs = [stats.Interval(getattr(avg, f), getattr(low, f), getattr(high, f)) for f in _FIELDS]
            out[t] = Aggregate(*ivs, n=len(scores))
        return out

    def _as_references(self, ref: str | Sequence[str], i: int) -> list[str]:
        if isinstance(ref, str):
            return [ref]
        refs = list(ref)
        if not refs or not all(isinstance(r, str) for r in refs):
            raise MetricError(f"references[{i}]: expected a text or a non-empty list of texts, got {ref!r}")
        return refs

    def _item_languages(self, languages: Sequence[str] | None, n: int) -> list[str]:
        if languages is None:
            return [normalize_language(self.config.language)] * n
        if isinstance(languages, str) or len(languages) != n:
            raise MetricError(f"languages: expected one language per prediction ({n}), got {languages!r}"[:300])
        known: dict[str, str] = {}
        for i, lg in enumerate(languages):  # normalise each distinct code once, naming the first bad item
            if lg not in known:
                known[lg] = normalize_language(lg, f"languages[{i}]")
        langs = [known[lg] for lg in languages]
        if self.engine_name == "perl" and set(langs) - {"en"}:
            raise MetricError(f"languages: engine 'perl' scores English only (ROUGE-1.5.5 drops non-ASCII "
                              f"letters), got {', '.join(sorted(set(langs) - {'en'}))}; use engine 'fast'")
        return langs

    def _tokenizer(self, lang: str) -> UnicodeTokenizer | None:
        if isinstance(self._engine, PerlEngine):
            return None
        if lang not in self._tokenizers:
            self._tokenizers[lang] = tokenizer_for(self.config.tokenizer, lang, self.config.stemmer)
        return self._tokenizers[lang]

    def _uses_sentences(self) -> bool:
        return self.engine_name == "perl" or "rougeLsum" in self.types

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
        fields: list[tuple[str, str | None]] = [("engine", self._engine.signature())]
        if isinstance(self._engine, PerlEngine):
            fields.append(("flags", self._engine.flags()))
        nrefs = sorted(self._seen_nrefs) or [1]
        fields += [("nrefs", str(nrefs[0]) if len(nrefs) == 1 else "var"), ("lang", ",".join(self._languages())),
                   ("tok", self._per_language(self._tok_name)),
                   ("stem", self._per_language(self._stem_name)),
                   ("split", SPLITTER_NAME if self._uses_sentences() else None)]
        if not isinstance(self._engine, PerlEngine):  # perl: its -r is in its flags
            fields += [("boot", str(self.config.bootstrap)), ("seed", str(self.config.seed))]
        fields.append(("version", __version__))
        return "|".join(["rouge"] + [f"{k}:{v}" for k, v in fields if v is not None])

    def _tok_name(self, lang: str) -> str:
        return "perl-1.5.5" if self.engine_name == "perl" else tokenizer_name(self.config.tokenizer, lang)

    def _stem_name(self, lang: str) -> str:
        if self.engine_name == "perl":
            return "porter-perl" if self.config.stemmer else "none"
        return stemmer_name(self.config.tokenizer, lang, self.config.stemmer)

    def _languages(self) -> list[str]:
        return sorted(self._seen_languages) or [normalize_language(self.config.language)]

    def _per_language(self, name_of: Callable[[str], str]) -> str:
        names = {lang: name_of(lang) for lang in self._languages()}
        if len(set(names.values())) == 1:
            return next(iter(names.values()))
        return ",".join(f"{lang}={name}" for lang, name in names.items())
