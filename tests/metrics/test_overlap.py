"""The fast extra metrics give the numbers of the plain definitions, bit for bit.

The reference below is the implementation the package had before it was made fast (per-pair n-gram sets, a
positions dict for the fragments, the regex tokenizer, bench.text.word_count), kept here as the golden standard.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bench.errors import MetricError
from bench.metrics.extra import ExtraConfig, ExtraMetrics, _budget_words
from bench.metrics.overlap import TokenCodes, code_match_lengths, match_lengths
from bench.metrics.tokenize import _TOKEN_RE, _casefold, word_tokens
from bench.text import normalize_space, word_count

_BBC_PATH = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC_PATH for p in Path(__file__).resolve().parents if (p / _BBC_PATH).exists()), None)


# --- the reference: the code before the speed-up ------------------------------------------------------------
def ref_tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(_casefold(text))


def ref_fragments(summary: Sequence[str], article: Sequence[str]) -> list[int]:
    positions: dict[str, list[int]] = {}
    for j, tok in enumerate(article):
        positions.setdefault(tok, []).append(j)
    out: list[int] = []
    i = 0
    while i < len(summary):
        best = 0
        for j in positions.get(summary[i], ()):
            k = 0
            while i + k < len(summary) and j + k < len(article) and summary[i + k] == article[j + k]:
                k += 1
            best = max(best, k)
        if best:
            out.append(best)
        i += max(best, 1)
    return out


def ref_novel(summary: Sequence[str], article: Sequence[str], n: int) -> float | None:
    grams = [tuple(summary[i : i + n]) for i in range(len(summary) - n + 1)]
    if not grams:
        return None
    seen = {tuple(article[i : i + n]) for i in range(len(article) - n + 1)}
    return sum(g not in seen for g in grams) / len(grams)


def ref_row(pred: str, ref: str, article: str, ngrams: Sequence[int] = (1, 2, 3)) -> dict[str, float | None]:
    p, a = ref_tokens(pred), ref_tokens(article)
    row: dict[str, float | None] = {
        "pred_words": float(word_count(pred)),
        "pred_chars": float(len(normalize_space(pred))),
        "ref_words": float(word_count(ref)),
        "ref_chars": float(len(normalize_space(ref))),
        "compression": len(a) / len(p) if p else None,
    }
    for n in ngrams:
        row[f"novel_{n}gram"] = ref_novel(p, a, n)
    frags = ref_fragments(p, a)
    row["coverage"] = sum(frags) / len(p) if p else None
    row["density"] = sum(f * f for f in frags) / len(p) if p else None
    return row


# --- edge cases ------------------------------------------------------------------------------------------------
ARTICLE = "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs (fast) at £5."
EDGE_PREDICTIONS = [
    "",
    "   ",
    "!!! ... -- ?",
    "—",
    "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs (fast) at £5.",  # the article
    "the the the the fox fox",
    "quick brown fox quick brown fox jumps jumps over over",
    "A fox, a dog and a cat: nothing else happened at all, the end, the dog sleeps the fox",
    "Die Bürgermeisterin eröffnet l'École à Zürich",
    "東京都の人口 brown fox",
    "ﬁne ＡＢＣ STRASSE Straße fox",
    "e-mail_me at £5 “quoted” — dog’s",
    "x" * 300,
    "\u00a0 non\u00a0breaking\u2003spaces \u00a0",
]


@pytest.mark.parametrize("pred", EDGE_PREDICTIONS)
@pytest.mark.parametrize("article", [ARTICLE, "", "fox", "東京都 fox dog", "Straße in Zürich: the dog"])
def test_edge_cases_equal_the_reference(pred: str, article: str) -> None:
    [row] = ExtraMetrics(ExtraConfig(novel_ngrams=(1, 2, 3, 4, 9))).score([pred], ["The dog sleeps"], [article])
    assert row == ref_row(pred, "The dog sleeps", article, ngrams=(1, 2, 3, 4, 9))


@pytest.mark.skipif(BBC is None, reason="shared BBC corpus not found (../shared/corpora/bbc-news-2004)")
def test_bbc_pairs_equal_the_reference() -> None:
    """Extractive (lead), reference-like and unrelated predictions against real articles, as a run scores
    them: one ExtraMetrics for several systems and both targets (articles come back from its cache)."""
    records = [json.loads(line) for line in BBC.open(encoding="utf-8")][::14]  # 152 articles, every category
    bodies = [r["body"] for r in records]
    extra = ExtraMetrics()
    for target in ("headline", "standfirst"):
        refs = [r.get(target) or "" for r in records]
        systems = {
            "lead-1": [b.split(". ")[0] for b in bodies],
            "lead-40": [" ".join(b.split()[:40]) for b in bodies],
            "reference": refs,
            "other": refs[1:] + refs[:1],
        }
        for name, preds in systems.items():
            got = extra.score(preds, refs, bodies)
            want = [ref_row(p, r, b) for p, r, b in zip(preds, refs, bodies)]
            assert got == want, name


def test_word_tokens_equal_the_regex_for_every_character() -> None:
    """The C fast paths (ASCII; separators beyond ASCII) split as the unicode-v1 pattern does, for every BMP
    character and a sample of the others, alone and between letters."""
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    chars += [chr(c) for c in range(0x10000, sys.maxunicode + 1, 97)]
    for c in chars:
        for text in (c, f"Ab{c}cD 1{c}{c} y_z"):
            assert word_tokens(text) == ref_tokens(text), repr(text)


@pytest.mark.skipif(BBC is None, reason="shared BBC corpus not found (../shared/corpora/bbc-news-2004)")
def test_word_tokens_and_budget_words_equal_the_reference_on_bbc() -> None:
    records = [json.loads(line) for line in BBC.open(encoding="utf-8")][::3]
    assert any(not r["body"].isascii() for r in records)  # the '£' path is exercised
    for r in records:
        for text in (r["body"], r.get("headline") or "", r.get("standfirst") or ""):
            assert word_tokens(text) == ref_tokens(text)
            assert _budget_words(text) == word_count(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  - & — ",
        "high-speed 0.1% AOL's",
        "a\x1cb\tc",
        "Zürich — £5 “x” ’ –",
        "_ __ a_b",
        "\u2003x y\u00a0z",
        "—£ x",
    ],
)
def test_budget_words_is_word_count(text: str) -> None:
    assert _budget_words(text) == word_count(text)


def test_match_lengths_by_hand() -> None:
    article = "the quick brown fox jumps over the lazy dog".split()
    summary = "the brown fox jumps over a dog the quick".split()
    # at i: longest run of summary[i:] found in the article
    assert match_lengths(summary, article) == [1, 4, 3, 2, 1, 0, 1, 2, 1]
    assert match_lengths([], article) == []
    assert match_lengths(summary, []) == [0] * len(summary)


def test_token_codes_start_afresh_when_full_and_stay_exact() -> None:
    """A full table is cleared, articles included, and the pair is encoded again with one table."""
    codes = TokenCodes(max_chars=4, max_codes=7)
    article = "a b c d e"
    tokenize = str.split
    for summary in (["a", "b", "x"], ["y", "z", "a", "b"], ["c", "d", "e", "q"]):
        wanted, text = codes.pair(summary, article, tokenize)
        assert code_match_lengths(wanted, text) == match_lengths(summary, article.split())
    for body in ("p q", "r s", "t u", "p q"):  # more articles than kept: still exact
        wanted, text = codes.pair(["q", "r"], body, tokenize)
        assert code_match_lengths(wanted, text) == match_lengths(["q", "r"], body.split())
    with pytest.raises(MetricError, match="distinct tokens"):
        codes.pair(["1", "2", "3", "4"], "5 6 7 8", tokenize)


def test_token_codes_keep_the_first_articles_up_to_the_bound_and_encode_the_rest_each_time() -> None:
    """A corpus larger than the bound, scored unit after unit in the same order: the articles kept first stay
    kept (tokenized once for the whole run), the others are tokenized each time; every value stays exact."""
    tokenized: list[str] = []

    def tokenize(body: str) -> list[str]:
        tokenized.append(body)
        return body.split()

    codes = TokenCodes(max_chars=4)
    bodies = ["a b", "c d", "e f"]  # 6 tokens: the first two articles fill the bound
    for _ in range(3):  # three units over the same articles
        for body in bodies:
            wanted, text = codes.pair(["b", "c", "f"], body, tokenize)
            assert code_match_lengths(wanted, text) == match_lengths(["b", "c", "f"], body.split())
    assert tokenized == ["a b", "c d", "e f", "e f", "e f"]
