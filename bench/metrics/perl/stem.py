"""The stemmer of ROUGE-1.5.5.pl (``-m``): WordNet exception lookup, then the script's own Porter.

``MorphStem`` in the script looks the lower-cased token up in the WordNet 2.0 exception DB
(``children -> child``, ``went -> go``, ``mice -> mouse``) and only falls back to Porter when the
token is not there. The script calls it only for tokens longer than 3 characters. Its Porter is
Martin Porter's perl reference code with one change by C.-Y. Lin (02/14/2004): step 4 tries
``-ement``, then ``-ment``, then ``-ent`` as three separate rules, so ``-ement`` words are not cut
twice in one rule. ``y`` always counts as a vowel in the measure patterns (unlike NLTK's Porter), and
an initial ``y`` is upper-cased during stemming so the patterns treat it as a consonant.
This module ports that code rule for rule; Python's ``re`` gives the same leftmost-first matches
as perl for these patterns.
"""

from __future__ import annotations

import functools
import re

from bench.metrics.perl.data import load_exceptions

__all__ = ["porter_stem", "morph_stem", "stem_token"]

_C = "[^aeiou][^aeiouy]*"  # consonant sequence
_V = "[aeiouy][aeiou]*"  # vowel sequence
_MGR0 = re.compile(f"^({_C})?{_V}{_C}")  # [C]VC... is m>0
_MEQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?$")  # [C]VC[V] is m=1
_MGR1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")  # [C]VCVC... is m>1
_HAS_V = re.compile(f"^({_C})?[aeiouy]")  # vowel in stem
_CVC = re.compile(f"^{_C}[aeiouy][^aeiouwxy]$")

_STEP1A_IES = re.compile("(ss|i)es$")
_STEP1A_S = re.compile("([^s])s$")
_STEP1B_EED = re.compile("eed$")
_STEP1B_ED = re.compile("(ed|ing)$")
_STEP1B_ATE = re.compile("(at|bl|iz)$")
_STEP1B_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_STEP2 = re.compile(
    "(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator"
    "|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$"
)
_STEP2_MAP = {
    "ational": "ate",
    "tional": "tion",
    "enci": "ence",
    "anci": "ance",
    "izer": "ize",
    "bli": "ble",
    "alli": "al",
    "entli": "ent",
    "eli": "e",
    "ousli": "ous",
    "ization": "ize",
    "ation": "ate",
    "ator": "ate",
    "alism": "al",
    "iveness": "ive",
    "fulness": "ful",
    "ousness": "ous",
    "aliti": "al",
    "iviti": "ive",
    "biliti": "ble",
    "logi": "log",
}
_STEP3 = re.compile("(icate|ative|alize|iciti|ical|ful|ness)$")
_STEP3_MAP = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_STEP4 = re.compile("(al|ance|ence|er|ic|able|ible|ant|ement|ou|ism|ate|iti|ous|ive|ize)$")
_STEP4_MENT = re.compile("ment$")
_STEP4_ENT = re.compile("ent$")
_STEP4_ION = re.compile("(s|t)(ion)$")


def _step1(w: str) -> str:
    if m := _STEP1A_IES.search(w):
        w = w[: m.start()] + m.group(1)
    elif m := _STEP1A_S.search(w):
        w = w[: m.start()] + m.group(1)
    if m := _STEP1B_EED.search(w):
        if _MGR0.search(w[: m.start()]):
            w = w[:-1]
    elif m := _STEP1B_ED.search(w):
        stem = w[: m.start()]
        if _HAS_V.search(stem):
            w = stem
            if _STEP1B_ATE.search(w):
                w += "e"
            elif _STEP1B_DOUBLE.search(w):
                w = w[:-1]
            elif _CVC.search(w):
                w += "e"
    if w.endswith("y"):
        stem = w[:-1]
        if _HAS_V.search(stem):
            w = stem + "i"
    return w


def _step234(w: str) -> str:
    if m := _STEP2.search(w):
        stem = w[: m.start()]
        if _MGR0.search(stem):
            w = stem + _STEP2_MAP[m.group(1)]
    if m := _STEP3.search(w):
        stem = w[: m.start()]
        if _MGR0.search(stem):
            w = stem + _STEP3_MAP[m.group(1)]
    if m := _STEP4.search(w):
        stem = w[: m.start()]
        if _MGR1.search(stem):
            w = stem
    if m := _STEP4_MENT.search(w):
        stem = w[: m.start()]
        if _MGR1.search(stem):
            w = stem
    if m := _STEP4_ENT.search(w):
        stem = w[: m.start()]
        if _MGR1.search(stem):
            w = stem
    elif m := _STEP4_ION.search(w):
        stem = w[: m.start()] + m.group(1)
        if _MGR1.search(stem):
            w = stem
    return w


def porter_stem(word: str) -> str:
    """The script's ``stem`` subroutine (Porter with the step-4 ``-ement`` change)."""
    if len(word) < 3:
        return word
    initial_y = word.startswith("y")
    w = "Y" + word[1:] if initial_y else word
    w = _step234(_step1(w))
    if w.endswith("e"):
        stem = w[:-1]
        if _MGR1.search(stem) or (_MEQ1.search(stem) and not _CVC.search(stem)):
            w = stem
    if w.endswith("ll") and _MGR1.search(w):
        w = w[:-1]
    if initial_y:
        w = w[:1].lower() + w[1:]
    return w


def morph_stem(token: str) -> str:
    """The script's ``MorphStem``: WordNet exception base if listed, else :func:`porter_stem`."""
    lowered = token.translate(_ASCII_LOWER)
    base = load_exceptions().get(lowered)
    return base if base is not None else porter_stem(lowered)


@functools.lru_cache(maxsize=1 << 18)
def stem_token(token: str) -> str:
    """What ``-m`` does to one cleaned token: tokens of 3 characters or fewer are kept as they are."""
    return morph_stem(token) if len(token) > 3 else token


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
