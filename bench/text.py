"""Sentence splitting and whitespace normalisation shared by systems and metrics.

The splitter is rule-based and deterministic (no downloads): it breaks after ``.``, ``!`` or ``?``
(optionally followed by closing quotes/brackets) when the next token starts a sentence, and it does not
break after known abbreviations ("Mr.", "U.S.", "e.g."), single initials ("J. K. Rowling"), or inside
numbers ("3.5", "$1.13bn"). Every line break the text already has ends a sentence: a blank line (a
paragraph) and a single newline alike, as rouge-score's rougeLsum and ROUGE-1.5.5 (one sentence a line) read
them, so a two-line or bulleted output keeps its lines. Its name and version go into every metric signature
that uses it: ``rules-v2`` (``rules-v1`` folded a single newline into a space).
"""

from __future__ import annotations

import re

__all__ = ["SPLITTER_NAME", "split_sentences", "normalize_space", "is_word", "word_count", "first_words"]

SPLITTER_NAME = "rules-v2"

# Lower-cased, without the final dot. Titles and common abbreviations that rarely end a sentence.
_ABBREVIATIONS = frozenset(
    """
mr mrs ms dr prof sr jr st mt ft rev gen col lt sgt capt cmdr adm gov sen rep pres supt insp
no nos vol vols fig figs ed eds pp p approx est dept univ assn bros co corp inc ltd plc
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
vs etc al e.g i.e a.m p.m u.s u.k u.n e.u u.s.a cf viz ca
""".split()
)

_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
# A candidate end: terminal punctuation, optional closers, then whitespace.
_END = re.compile(r"([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_DOTTED_LOWER = re.compile(r"(?:[a-z]\.)+[a-z]")
_DOTTED_UPPER = re.compile(r"(?:[A-Z]\.)+[A-Z]")
_NEXT_WORD = re.compile(r"[" + re.escape(_OPENERS) + r"]*([A-Za-z]+)")
# Only the last word before and the first word after a candidate end matter: look at this many
# characters on each side instead of slicing the rest of the paragraph (which made long paragraphs
# quadratic).
_WINDOW = 64


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to single spaces and strip."""
    return " ".join(text.replace("\u00a0", " ").split())


def _is_abbreviation(before: str) -> bool:
    """True when the word just before a '.' is an abbreviation or an initial."""
    last = before.rsplit(None, 1)[-1:]
    if not last or before[-1:].isspace():
        return False
    word = last[0].lstrip(_OPENERS).lower()
    if word.endswith("."):
        word = word[:-1]
    if word in _ABBREVIATIONS:
        return True
    # Single letters ("J." in "J. K. Rowling") and dotted acronyms ("U.S", "a.m") are not sentence ends.
    return ("a" <= word <= "z" and len(word) == 1) or bool(_DOTTED_LOWER.fullmatch(word))


def _starts_sentence(rest: str) -> bool:
    """True when the text after a candidate break looks like the start of a sentence."""
    rest = rest.lstrip(_OPENERS + " ")
    if not rest:
        return False
    ch = rest[0]
    return ch.isupper() or ch.isdigit() or not ch.isalpha()


def split_sentences(text: str) -> list[str]:
    r"""Split ``text`` into sentences; every line break (a single newline or a blank line) ends one.

    A line break is ``\n`` (``\r\n`` too: the ``\r`` is whitespace), where rouge-score splits rougeLsum
    texts; a lone ``\r`` or U+2028 is whitespace there and here.
    """
    sentences: list[str] = []
    for line in text.split("\n"):
        line = normalize_space(line)
        if line:
            sentences.extend(_split_paragraph(line))
    return sentences


def _split_paragraph(para: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _END.finditer(para):
        punct, end_idx = m.group(1), m.end(2)
        before = para[max(start, m.start(1) - _WINDOW) : m.start(1)]
        after = para[m.end() : m.end() + _WINDOW]
        if punct == "." and not m.group(2) and _is_abbreviation(before):
            # "U.S. officials" stays together; "in the U.S. The" is ambiguous: break only if a
            # capitalised common word follows and the abbreviation is a dotted acronym.
            if not (_is_acronym(before) and _next_is_sentence_opener(after)):
                continue
        if not _starts_sentence(after):
            continue
        out.append(para[start:end_idx].strip())
        start = m.end()
    tail = para[start:].strip()
    if tail:
        out.append(tail)
    return out


def _is_acronym(before: str) -> bool:
    last = before.rsplit(None, 1)[-1:]
    return bool(last and not before[-1:].isspace() and _DOTTED_UPPER.fullmatch(last[0]))


# Words that, capitalised after "U.S.", almost always open a new sentence.
_OPENER_WORDS = frozenset("the a an it he she they we i but and this that there in on at his her its our".split())


def _next_is_sentence_opener(after: str) -> bool:
    m = _NEXT_WORD.match(after)
    return bool(m and m.group(1)[0].isupper() and m.group(1).lower() in _OPENER_WORDS)


def is_word(token: str) -> bool:
    """True when a whitespace token counts against a word budget: it holds a letter or a digit ("0.1%",
    "high-speed", "AOL's" are one word each); lone punctuation ("-", "&", "—") does not count."""
    return any(ch.isalnum() for ch in token)


def word_count(text: str) -> int:
    """Words as a ``max_words`` budget counts them: whitespace tokens holding a letter or digit (:func:`is_word`)."""
    return sum(1 for token in text.split() if is_word(token))


def first_words(text: str, n: int) -> str:
    """The whitespace tokens of ``text`` up to and including its ``n``-th word (:func:`is_word`), joined by
    single spaces.

    Lone punctuation before or between the words rides along uncounted, so the output stays a verbatim
    (space-normalised) prefix of the text; none is kept after the ``n``-th word.
    """
    out: list[str] = []
    words = 0
    for token in text.split():
        if words >= n:
            break
        out.append(token)
        words += is_word(token)
    return " ".join(out)
