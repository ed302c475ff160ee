"""Tokenizers for ROUGE, one per language, each naming itself for the metric signature.

Two kinds:

* ``rouge-score`` — Google rouge-score's tokenizer (lower-case, everything outside ``[a-z0-9]`` is a
  separator, Porter stemmer on words longer than three characters). English scores stay identical to
  rouge-score and rouge-score-rs; the engines run it natively, so :func:`tokenizer_for` returns ``None``
  for it (meaning "the engine's own default tokenizer").
* ``unicode-v1`` — for every language: NFKC, case folding, tokens are runs of Unicode letters, marks and
  digits (so "Bürgermeisterin", "élection", "Москва" survive whole); Han, Hiragana and Katakana
  characters are one token each (what Chinese and Japanese ROUGE count: characters, as no space marks
  a word). The stemmer is Snowball (nltk, no download) for the article's language when Snowball has
  one, else none; the signature names which.

Thai, Lao, Burmese and Khmer are written without spaces between words and ``unicode-v1`` cannot find
their words (a whole phrase would be one token): tokenizer ``auto`` refuses them
(:func:`check_segmentable`); tokenizer ``unicode`` takes them as they are, for texts already segmented
with spaces.

:func:`rouge_score_sees` and :meth:`UnicodeTokenizer.sees` say whether a text yields any token at all,
without tokenizing it, so texts a tokenizer cannot see are counted cheaply
(:mod:`bench.metrics.visibility`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from bench.errors import MetricError

__all__ = [
    "TOKENIZERS",
    "SNOWBALL_LANGUAGES",
    "UNSEGMENTED_LANGUAGES",
    "UnicodeTokenizer",
    "normalize_language",
    "snowball_name",
    "tokenizer_for",
    "tokenizer_name",
    "stemmer_name",
    "word_tokens",
    "check_segmentable",
    "rouge_score_sees",
    "ASCII_ALNUM",
]

log = logging.getLogger(__name__)

TOKENIZERS = ("auto", "rouge-score", "unicode")
UNICODE_PROFILE = "unicode-v1"

# ISO 639-1 (and a few 639-3) codes -> nltk Snowball language names.
SNOWBALL_LANGUAGES = {
    "ar": "arabic",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "hu": "hungarian",
    "it": "italian",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "es": "spanish",
    "sv": "swedish",
}

# A CJK character (Han, Hiragana, Katakana) is one token; otherwise a run of letters/marks/digits.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(
    rf"[{_CJK}]|(?:(?![{_CJK}])[^\W_]|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7"
    rf"\u0610-\u061a\u064b-\u065f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
    rf"\u0981-\u0983\u09bc-\u09d7\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])+"
)
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
# Languages written without spaces between words, whose words unicode-v1 cannot find.
UNSEGMENTED_LANGUAGES = {"th": "Thai", "lo": "Lao", "my": "Burmese", "km": "Khmer"}
# Languages whose tokens are characters (CJK): a stemmer means nothing there, so its absence is not news.
_CHARACTER_LANGUAGES = frozenset({"zh", "ja"})
# A text holding one of these has a rouge-score (and ROUGE-1.5.5) token; one without may still have one
# after lower-casing (U+0130 and U+212A lower-case to ASCII): see rouge_score_sees.
ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_LOWER_ALNUM = re.compile(r"[a-z0-9]")


def normalize_language(code: str, where: str = "language") -> str:
    """``"de-DE"``/``"DE"``/``"de_AT"`` -> ``"de"``; MetricError naming ``where`` for anything else."""
    if not isinstance(code, str):
        raise MetricError(f"{where}: expected a language code such as 'en' or 'de', got {code!r}")
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if not _LANG_RE.match(base):
        raise MetricError(f"{where}: {code!r} is not a language code; use ISO 639-1 such as 'en', 'de', 'fr'")
    return base


def check_segmentable(kind: str, language: str, where: str = "language") -> None:
    """MetricError when tokenizer ``kind`` would read ``language`` as whole phrases (Thai, Lao, ...)."""
    name = UNSEGMENTED_LANGUAGES.get(language)
    if name is not None and kind == "auto":
        raise MetricError(
            f"{where}: {name} ({language!r}) is written without spaces between words and the "
            f"{UNICODE_PROFILE} tokenizer cannot find its words (a whole phrase would be one token, "
            "so ROUGE would be near 0); segment the texts into space-separated words first, then "
            "score them with tokenizer 'unicode'"
        )


def rouge_score_sees(text: str) -> bool:
    """Whether rouge-score's tokenizer finds any token in ``text`` (it keeps ``[a-z0-9]`` after lower())."""
    return ASCII_ALNUM.search(text) is not None or _LOWER_ALNUM.search(text.lower()) is not None


def snowball_name(language: str) -> str | None:
    """The nltk Snowball stemmer name for ``language`` (an ISO code), or None when Snowball has none."""
    return SNOWBALL_LANGUAGES.get(language)


def _casefold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


# The same split by faster means where it is exact: in ASCII text the tokens are the runs of [a-z0-9] after
# lower() (NFKC leaves ASCII as it is and case folding lowers A-Z only), i.e. what str.split() leaves once every
# other character is a space; a non-ASCII character that is neither a word character, nor a listed mark, nor
# CJK (a '£', a curly quote, a dash) separates tokens exactly as a space does.
_ASCII_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})  # A-Z stay, as [^\W_]
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_RUN_CHAR = _TOKEN_RE  # a single character that matches is part of a run or (CJK) a token of its own


def word_tokens(text: str) -> list[str]:
    """Unicode word tokens of ``text`` (NFKC, case-folded, no stemming): the ``unicode-v1`` split."""
    if text.isascii():
        return text.lower().translate(_ASCII_SEPARATORS).split()
    folded = _casefold(text)
    others = set("".join(_NON_ASCII.findall(folded)))
    if any(_RUN_CHAR.match(c) for c in others):  # letters, marks or CJK beyond ASCII: the full pattern
        return _TOKEN_RE.findall(folded)
    for c in others:  # only separators beyond ASCII
        folded = folded.replace(c, " ")
    return folded.translate(_ASCII_SEPARATORS).split()


@dataclass
class UnicodeTokenizer:
    """``unicode-v1`` tokens, stemmed with Snowball for ``language`` when ``stem`` and Snowball has one.

    Has the ``tokenize(text) -> list[str]`` method that rouge-score and rouge-score-rs accept as a
    custom tokenizer. Stems are cached per instance (a tokenizer belongs to one :class:`Rouge`).
    """

    language: str = "en"
    stem: bool = True
    _stemmer: Any = field(default=None, init=False, repr=False)
    _stemmer_name: str = field(default="none", init=False, repr=False)
    _cache: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        name = snowball_name(self.language) if self.stem else None
        if self.stem and name is None and self.language not in _CHARACTER_LANGUAGES:
            log.warning(
                "no Snowball stemmer for language %r: its tokens are not stemmed (signature says stem:none)",
                self.language,
            )
        if name is not None:
            from nltk.stem.snowball import SnowballStemmer

            self._stemmer = SnowballStemmer(name)
            self._stemmer_name = f"snowball-{name}"

    @property
    def stemmer(self) -> str:
        """``snowball-<language>`` or ``none``."""
        return self._stemmer_name

    @staticmethod
    def sees(text: str) -> bool:
        """Whether ``text`` yields any token (the stemmer never empties one)."""
        return _TOKEN_RE.search(text) is not None or bool(word_tokens(text))

    @staticmethod
    def quick_sees(text: str) -> re.Match[str] | None:
        """A match when ``text`` surely yields a token (before normalisation); None: ask :meth:`sees`."""
        return _TOKEN_RE.search(text)

    def tokenize(self, text: str) -> list[str]:
        """Tokens of ``text``: case-folded Unicode words, stemmed when a stemmer is set."""
        tokens = word_tokens(text)
        if self._stemmer is None:
            return tokens
        cache = self._cache
        out = []
        for tok in tokens:
            stem = cache.get(tok)
            if stem is None:
                stem = cache[tok] = self._stemmer.stem(tok) or tok
            out.append(stem)
        return out


def tokenizer_name(kind: str, language: str) -> str:
    """The tokenizer that ``kind`` ('auto', 'rouge-score', 'unicode') means for ``language``."""
    if kind == "auto":
        return "rouge-score" if language == "en" else UNICODE_PROFILE
    return UNICODE_PROFILE if kind == "unicode" else "rouge-score"


def stemmer_name(kind: str, language: str, stem: bool) -> str:
    """The stemmer ``kind`` uses for ``language``: 'porter', 'snowball-<lang>' or 'none'."""
    if not stem:
        return "none"
    if tokenizer_name(kind, language) == "rouge-score":
        return "porter"
    name = snowball_name(language)
    return f"snowball-{name}" if name else "none"


def tokenizer_for(kind: str, language: str, stem: bool) -> UnicodeTokenizer | None:
    """The tokenizer object for ``language``; None means the engine's own rouge-score tokenizer."""
    if kind not in TOKENIZERS:
        from bench.typed import suggest

        raise MetricError(
            f"tokenizer: unknown tokenizer {kind!r}{suggest(kind, TOKENIZERS)}; known: {', '.join(TOKENIZERS)}"
        )
    if tokenizer_name(kind, language) == "rouge-score":
        return None
    return UnicodeTokenizer(language=language, stem=stem)
