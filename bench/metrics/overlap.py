"""How a summary's tokens overlap its article's: novel n-grams and the extractive fragments of Grusky et al.
(2018), all read off one list of *match lengths* (for each summary position, the longest run of summary tokens
from there that occurs in the article).

Speed without a compiled extension: :class:`TokenCodes` writes a token sequence as a string of one character
per token (one table for a summary and its article), so "does this run of tokens occur in the article" is a
substring test in C; an article's string is kept, so an article scored for several systems and targets is
tokenized once. The numbers are exactly those of the direct definitions (tests compare them with a plain
implementation on the BBC corpus).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice

from bench.errors import MetricError

__all__ = [
    "TokenCodes",
    "match_lengths",
    "code_match_lengths",
    "fragments_of",
    "coverage_density_of",
    "novel_rate_of",
]

_MAX_CODES = 0x110000  # one character per distinct token: as many as there are code points
_MAX_CHARS = 16_000_000  # tokens of encoded articles kept per table (~40,000 news articles, 32-64 MB)


class TokenCodes:
    """A table token -> one character, and the encoded articles it has seen (by body text, bounded).

    Codes are only comparable within one table, so :meth:`pair` encodes a summary and its article together;
    when the table is full (more distinct tokens than code points) it starts afresh, articles included.
    Encoded articles are kept until they hold ``max_chars`` tokens; later ones are encoded each time they are
    scored. (Clearing them instead made a corpus larger than the bound miss every time: each unit scores
    the articles in the same order, so the first ones were always gone again when the next unit came.)
    """

    def __init__(self, max_chars: int = _MAX_CHARS, max_codes: int = _MAX_CODES) -> None:
        self._codes: dict[str, str] = {}
        self._articles: dict[str, str] = {}
        self._chars = 0  # tokens in self._articles
        self._max_chars = max_chars
        self._max_codes = min(max_codes, _MAX_CODES)

    def _encode(self, tokens: Sequence[str]) -> str | None:
        """The tokens as one string, a character each; None when the table has no room for a new token."""
        codes = self._codes
        out = list(map(codes.get, tokens))
        if None in out:
            for i in [i for i, code in enumerate(out) if code is None]:  # tokens new to the table
                code = codes.get(tokens[i])  # (one may have been added just before, earlier in this sequence)
                if code is None:
                    if len(codes) >= self._max_codes:
                        return None
                    code = codes[tokens[i]] = chr(len(codes))
                out[i] = code
        return "".join(out)

    def _article(self, body: str, tokenize: Callable[[str], list[str]]) -> str | None:
        text = self._articles.get(body)
        if text is None:
            text = self._encode(tokenize(body))
            if text is not None and self._chars + len(text) <= self._max_chars:
                self._articles[body] = text
                self._chars += len(text)
        return text

    def pair(self, summary: Sequence[str], body: str, tokenize: Callable[[str], list[str]]) -> tuple[str, str]:
        """(summary, article) encoded with one table; the article is ``tokenize(body)``, remembered."""
        for _ in range(2):
            text = self._article(body, tokenize)
            wanted = self._encode(summary) if text is not None else None
            if text is not None and wanted is not None:
                return wanted, text
            self._codes.clear()
            self._articles.clear()
            self._chars = 0
        raise MetricError(
            f"extra metrics: a summary and its article hold more than {self._max_codes:,} distinct tokens; "
            "shorten the article (corpus.max_body_chars)"
        )


def code_match_lengths(wanted: str, text: str) -> list[int]:
    """For each position i of ``wanted``, the largest k with ``wanted[i:i+k]`` in ``text`` (0: not even one).

    Matching statistics: the run at i+1 is at least the run at i minus one, and a run is extended by doubling
    then bisection, so a summary copied from the article costs a few substring tests, not one per token."""
    m = len(wanted)
    lengths = [0] * m
    k = 0  # wanted[i:i+k] occurs: what is left of the previous run
    for i in range(m):
        if k:
            k -= 1
        if i + k < m and wanted[i : i + k + 1] in text:
            k = _longest(wanted, text, i, k + 1, m - i)
        lengths[i] = k
    return lengths


def _longest(wanted: str, text: str, i: int, good: int, cap: int) -> int:
    """The largest k <= cap with ``wanted[i:i+k]`` in ``text``, knowing ``good`` is such a k."""
    step = 1
    while good < cap:
        probe = min(good + step, cap)
        if wanted[i : i + probe] not in text:
            bad = probe
            while bad - good > 1:
                mid = (good + bad) // 2
                if wanted[i : i + mid] in text:
                    good = mid
                else:
                    bad = mid
            return good
        good, step = probe, step * 2
    return good


def match_lengths(summary: Sequence[str], article: Sequence[str]) -> list[int]:
    """For each summary position i, the length of the longest run ``summary[i:i+k]`` that occurs in
    ``article`` (token lists); 0 when ``summary[i]`` is not in it."""
    codes = TokenCodes()
    text = codes._encode(article)
    wanted = codes._encode(summary)
    if text is None or wanted is None:
        raise MetricError(f"match lengths: more than {_MAX_CODES:,} distinct tokens")
    return code_match_lengths(wanted, text)


def fragments_of(lengths: Sequence[int]) -> list[int]:
    """Grusky et al.'s greedy fragments: at each position the longest shared run (if any), then past it."""
    out: list[int] = []
    i = 0
    while i < len(lengths):
        best = lengths[i]
        if best:
            out.append(best)
        i += best or 1
    return out


def coverage_density_of(lengths: Sequence[int]) -> tuple[float | None, float | None]:
    """(coverage, density) = (sum |f|, sum |f|^2) / |S| over the fragments (:func:`fragments_of`, summed as it
    walks them); (None, None) for an empty summary."""
    m = len(lengths)
    if not m:
        return None, None
    covered = squares = i = 0
    while i < m:
        best = lengths[i]
        if best:
            covered += best
            squares += best * best
            i += best
        else:
            i += 1
    return covered / m, squares / m


def novel_rate_of(lengths: Sequence[int], n: int) -> float | None:
    """Share of the summary's n-grams absent from the article (the n-gram at i occurs iff its run is >= n);
    None when the summary has no n-gram."""
    grams = len(lengths) - n + 1
    if grams <= 0:
        return None
    return sum(map(n.__gt__, islice(lengths, grams))) / grams  # how many runs from the first `grams` are < n
