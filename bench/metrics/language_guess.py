"""Cheap guesses of the language texts are written in, to catch texts scored as the wrong language.

A corpus whose records carry no language is scored as English: German text then loses its umlauts to
rouge-score's ASCII tokenizer and gets Porter stems, and no score says so. :class:`LanguageCheck` looks
at the first :data:`SAMPLE_TEXTS` references of each language they are scored as (the corpus's own
texts; predictions are what a system made of them), :data:`SAMPLE_CHARS` characters of each, so its
cost is bounded however many pairs are scored, and reads two signals:

* the letters' Unicode script: Latin letters scored as Russian, Cyrillic scored as English, CJK scored
  as German, ... (:data:`SCRIPT_LANGUAGE` names a language to suggest for each script);
* for texts in Latin script scored as one of seven languages, function words that belong to one of
  them only (:data:`FUNCTION_WORDS`): German text is full of "der", "und", "nicht", English of "the",
  "and", "was". A guess needs :data:`MIN_HITS` hits, :data:`HIT_SHARE` of the sampled words, and
  :data:`HIT_RATIO` times the hits of the language the texts are scored as.

Languages outside these lists are not second-guessed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "SAMPLE_TEXTS",
    "SAMPLE_CHARS",
    "SCRIPT_LANGUAGE",
    "FUNCTION_WORDS",
    "letter_scripts",
    "Mismatch",
    "LanguageCheck",
]

SAMPLE_TEXTS = 100  # references looked at per language they are scored as
SAMPLE_CHARS = 300  # characters looked at per reference
MIN_LETTERS = 200  # letters needed before the script is judged
MIN_HITS = 8  # function words needed before a Latin-script language is guessed
HIT_SHARE = 0.05  # ... and that share of the sampled words
HIT_RATIO = 3  # ... and that many times the hits of the language the texts are scored as

# The language to suggest for texts mostly in a script (the first word of the letters' Unicode names).
SCRIPT_LANGUAGE = {
    "CYRILLIC": "ru",
    "GREEK": "el",
    "ARABIC": "ar",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "TAMIL": "ta",
    "TELUGU": "te",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "THAI": "th",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
}
SCRIPT_NAMES = {"CJK": "CJK (Chinese/Japanese)", "HANGUL": "Hangul (Korean)"}
# Languages written in other scripts than Latin, with the scripts their letters come from.
LANGUAGE_SCRIPTS = {
    **{lang: frozenset({"CYRILLIC"}) for lang in ("ru", "uk", "bg", "be", "mk", "kk", "ky", "mn", "tg")},
    "el": frozenset({"GREEK"}),
    **{lang: frozenset({"ARABIC"}) for lang in ("ar", "fa", "ur", "ps")},
    "he": frozenset({"HEBREW"}),
    "yi": frozenset({"HEBREW"}),
    **{lang: frozenset({"DEVANAGARI"}) for lang in ("hi", "mr", "ne")},
    "bn": frozenset({"BENGALI"}),
    "ta": frozenset({"TAMIL"}),
    "te": frozenset({"TELUGU"}),
    "ka": frozenset({"GEORGIAN"}),
    "hy": frozenset({"ARMENIAN"}),
    "th": frozenset({"THAI"}),
    "ko": frozenset({"HANGUL", "CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "zh": frozenset({"CJK"}),
}
LATIN_LANGUAGES = frozenset(
    "en de fr es it nl pt sv da no nb nn fi hu ro pl cs sk sl hr bs tr id ms vi ca et lv lt ga is sq eu gl af "
    "sw tl cy mt lb".split()
)
LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
}
# Frequent function words that belong to one of these languages only (words two of them share are left out).
FUNCTION_WORDS = {
    "en": "the and of to for with that was were are has have had from this will after said says its their been which",
    "de": "der die das und ist nicht mit den dem ein eine einen einem auf für sich von zu im wird bei nach "
    "auch über wurde sind",
    "fr": "les une est et pour dans qui sur au aux pas avec par sont cette ont été",
    "es": "el los las y fue más pero muy ya según",
    "it": "di che della gli nel sono alla dei anche più delle stato",
    "nl": "het een van niet zijn voor ook wordt naar bij deze heeft werd",
    "pt": "os não foi na em ao pela pelo são também às",
}
_WORD_LANGUAGE = {w: lang for lang, words in FUNCTION_WORDS.items() for w in words.split()}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """The script of a non-ASCII letter: the first word of its Unicode name (LATIN, CYRILLIC, CJK, ...)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def letter_scripts(text: str) -> Counter[str]:
    """How many letters of ``text`` are in each script (``{"LATIN": 40, "CYRILLIC": 3}``)."""
    counts: Counter[str] = Counter()
    latin = len(text.encode("utf-8", "replace").translate(None, _NOT_ASCII_LETTER))
    if latin:
        counts["LATIN"] = latin
    for ch in _NON_ASCII.findall(text):
        if ch.isalpha():
            counts[_script(ch)] += 1
    return counts


def script_name(script: str) -> str:
    return SCRIPT_NAMES.get(script, script.capitalize())


@dataclass
class _Sample:
    texts: int = 0
    letters: Counter[str] = field(default_factory=Counter)
    words: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)  # the sampled texts, to hand to another LanguageCheck

    def add(self, text: str) -> None:
        text = text[:SAMPLE_CHARS]
        self.texts += 1
        self.kept.append(text)
        letters = self.letters
        letters["LATIN"] += len(text.encode("utf-8", "replace").translate(None, _NOT_ASCII_LETTER))
        if not text.isascii():
            for ch in _NON_ASCII.findall(text):
                if ch.isalpha():
                    letters[_script(ch)] += 1
        words = text.lower().split()  # punctuation stays on its word: a few function words are missed
        self.words += len(words)
        hits = self.hits
        for lang in map(_WORD_LANGUAGE.get, words):
            if lang is not None:
                hits[lang] += 1


@dataclass(frozen=True)
class Mismatch:
    """Texts scored as ``scored_as`` that look like ``looks_like`` (None: some other script's language)."""

    scored_as: str
    looks_like: str | None
    evidence: str
    texts: int

    @property
    def warning(self) -> str:
        guess = self.looks_like or "xx"
        what = LANGUAGE_NAMES.get(
            self.looks_like or "", f"language {guess!r}" if self.looks_like else "another language"
        )
        return (
            f"ROUGE: texts scored as language {self.scored_as!r} look like {what} ({self.evidence}, in the "
            f"first {self.texts} references), so the tokenizer and stemmer for {self.scored_as!r} misread "
            f"them and the scores are wrong. Fix: declare their language: corpus.language: {guess} in the "
            f"config (or a language field per record), or bench score --lang {guess}"
        )


class LanguageCheck:
    """Samples the references of each scored language and says which look like another language."""

    def __init__(self) -> None:
        self._samples: dict[str, _Sample] = {}

    def observe(self, language: str, texts: Iterable[str]) -> None:
        """Look at ``texts`` (references scored as ``language``) until the sample is full."""
        sample = self._samples.setdefault(language, _Sample())
        if sample.texts >= SAMPLE_TEXTS:
            return
        for text in texts:
            sample.add(text)
            if sample.texts >= SAMPLE_TEXTS:
                break

    def sampled(self) -> dict[str, list[str]]:
        """The texts sampled so far per language (at most SAMPLE_TEXTS of SAMPLE_CHARS characters each), in
        the order seen: :meth:`observe` of them on another instance samples what this one did."""
        return {language: list(sample.kept) for language, sample in self._samples.items()}

    def mismatch(self, language: str) -> Mismatch | None:
        """The evidence that texts scored as ``language`` are in another language, or None."""
        sample = self._samples.get(language)
        if sample is None:
            return None
        return _by_script(language, sample) or _by_function_words(language, sample)

    def mismatches(self) -> list[Mismatch]:
        return [m for lang in sorted(self._samples) if (m := self.mismatch(lang)) is not None]


def _by_script(language: str, sample: _Sample) -> Mismatch | None:
    total = sum(sample.letters.values())
    if total < MIN_LETTERS:
        return None
    script, count = sample.letters.most_common(1)[0]
    if 2 * count <= total:
        return None
    expected = LANGUAGE_SCRIPTS.get(language) or (frozenset({"LATIN"}) if language in LATIN_LANGUAGES else None)
    if expected is None or script in expected:
        return None
    guess = SCRIPT_LANGUAGE.get(script) if script != "LATIN" else _function_word_guess(sample, None)
    return Mismatch(
        language, guess, f"{100 * count / total:.0f}% of their letters are {script_name(script)}", sample.texts
    )


def _function_word_guess(sample: _Sample, scored_as: str | None) -> str | None:
    """The language whose function words stand out in ``sample`` (and beat ``scored_as``'s), or None."""
    if not sample.hits:
        return None
    best, hits = max(
        ((lang, n) for lang, n in sample.hits.items() if lang != scored_as), key=lambda item: item[1], default=(None, 0)
    )
    if best is None or hits < MIN_HITS or hits < HIT_SHARE * sample.words:
        return None
    return best if hits >= HIT_RATIO * sample.hits.get(scored_as or "", 0) else None


def _by_function_words(language: str, sample: _Sample) -> Mismatch | None:
    if language not in FUNCTION_WORDS:
        return None
    guess = _function_word_guess(sample, language)
    if guess is None:
        return None
    evidence = (
        f"{sample.hits[guess]} {LANGUAGE_NAMES[guess]} function words vs {sample.hits[language]} "
        f"{LANGUAGE_NAMES[language]} among {sample.words} words"
    )
    return Mismatch(language, guess, evidence, sample.texts)
