"""How ROUGE-1.5.5.pl reads and tokenises a summary, ported step for step.

A summary is a list of sentences, which the script reads as an SPL file (one sentence a line):

1. lines are split on ``\\n`` only; empty lines are dropped; ``A-Z`` is lower-cased (ASCII only --
   perl reads the file as bytes, so every byte of a non-ASCII character is just a non-alphanumeric);
2. the length limit is cut on the raw lines (``readText``): ``-l N`` counts ``split /\\s+/`` words
   (a line with leading blanks counts an empty first word), ``-b N`` counts bytes (the space that
   joins two sentences is not counted); the sentence that reaches the limit is cut and reading stops;
3. the text is cleaned: every ``-`` becomes `` - ``, every byte outside ``[A-Za-z0-9-]`` a space,
   blanks are squeezed; tokens are the space-separated pieces;
4. each token is dropped if ``-s`` and it is in the SMART list, or if it does not start with
   ``[a-z0-9$]`` (so the ``-`` tokens always go); with ``-m`` tokens longer than 3 are stemmed.

ROUGE-N, ROUGE-S/SU and the unigram clipping of ROUGE-L use the whole text joined (``readText``);
ROUGE-L's LCS uses the sentences as units (``readText_LCS``). ``readText_LCS`` has its own copy of
the length cut, and its ``-b`` branch never adds up the bytes read: every sentence shorter than N
bytes is kept whole and only the first one of N bytes or more is cut (and ends the text). That bug is
reproduced: with ``-b`` the LCS units can be longer than the text the other scores see.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bench.metrics.perl.data import load_stopwords
from bench.metrics.perl.stem import stem_token

__all__ = ["TokenOptions", "SummaryTokens", "read_summary", "perl_split"]

_WS = re.compile(r"[ \t\n\r\f\v]+")  # perl's \s on a byte string
_NON_WORD = re.compile(r"[^A-Za-z0-9\-]")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_KEEP_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789$")


@dataclass(frozen=True)
class TokenOptions:
    """The reading/tokenising switches of the script: ``-m``, ``-s``, ``-l N``, ``-b N``."""

    stem: bool = True
    remove_stopwords: bool = False
    length_limit_words: int = 0  # 0: no limit, as in the script
    length_limit_bytes: int = 0


@dataclass(frozen=True)
class SummaryTokens:
    """One summary as the scorers see it: ``tokens`` of the joined text, ``units`` for the LCS."""

    tokens: tuple[str, ...]
    units: tuple[tuple[str, ...], ...]


def perl_split(text: str) -> list[str]:
    """``split(/\\s+/, $text)``: a leading empty field is kept, trailing empty fields are dropped."""
    fields = _WS.split(text)
    while fields and fields[-1] == "":
        fields.pop()
    return fields


def _spl_lines(sentences: Sequence[str]) -> list[str]:
    """The lines the script reads from a file holding ``sentences`` one a line, as byte strings."""
    raw = "\n".join(sentences).encode("utf-8", "surrogateescape").decode("latin-1")
    return [line.translate(_LOWER) for line in raw.split("\n") if line]


def _cut_words(lines: list[str], limit: int) -> list[str]:
    """The ``-l`` cut shared by ``readText`` and ``readText_LCS``: the kept (possibly cut) lines."""
    kept: list[str] = []
    used = 0
    for line in lines:
        words = perl_split(line)
        if used + len(words) < limit:
            kept.append(line)
            used += len(words)
        else:
            kept.append(" ".join(words[: limit - used]))
            break
    return kept


def _joined_text(lines: list[str], options: TokenOptions) -> str:
    """``readText``: the text of the summary, length-limited, before cleaning."""
    if options.length_limit_words:
        limit, text, used = options.length_limit_words, "", 0
        for line in lines:
            words = perl_split(line)
            if used + len(words) < limit:
                text += (" " if used else "") + line
                used += len(words)
            else:
                text += (" " if used else "") + " ".join(words[: limit - used])
                break
        return text
    if options.length_limit_bytes:
        limit, text, used = options.length_limit_bytes, "", 0
        for line in lines:
            if used + len(line) < limit:
                text += (" " if used else "") + line
                used += len(line)
            else:
                text += (" " if used else "") + line[: limit - used]
                break
        return text
    return " ".join(lines)


def _lcs_lines(lines: list[str], options: TokenOptions) -> list[str]:
    """``readText_LCS``: the sentences used as LCS units, with the script's own length cut."""
    if options.length_limit_words:
        return _cut_words(lines, options.length_limit_words)
    if options.length_limit_bytes:
        limit, kept = options.length_limit_bytes, []
        for line in lines:
            if len(line) < limit:  # the script never adds to its byte counter here
                kept.append(line)
            else:
                kept.append(line[:limit])
                break
        return kept
    return lines


def _tokens(text: str, options: TokenOptions) -> tuple[str, ...]:
    """Clean one text and turn it into the tokens ``createNGram``/``tokenizeText_LCS`` count."""
    words = _NON_WORD.sub(" ", text.replace("-", " - ")).split()
    stopwords = load_stopwords() if options.remove_stopwords else frozenset()
    out = [w for w in words if w not in stopwords and w[0] in _KEEP_FIRST]
    if options.stem:
        out = [stem_token(w) for w in out]
    return tuple(out)


def read_summary(sentences: Sequence[str], options: TokenOptions) -> SummaryTokens:
    """Read a summary (a list of sentences) the way ROUGE-1.5.5.pl reads an SPL file."""
    lines = _spl_lines(sentences)
    units = tuple(_tokens(line, options) for line in _lcs_lines(lines, options))
    return SummaryTokens(tokens=_tokens(_joined_text(lines, options), options), units=units)
