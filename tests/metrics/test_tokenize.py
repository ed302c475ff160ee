"""Tokenizers per language: Unicode words survive whole, stemmers are chosen and named per language."""

from __future__ import annotations

import pytest

from bench.errors import MetricError
from bench.metrics.tokenize import (
    UnicodeTokenizer,
    check_segmentable,
    normalize_language,
    rouge_score_sees,
    stemmer_name,
    tokenizer_for,
    tokenizer_name,
    word_tokens,
)


def test_umlauts_and_accents_survive() -> None:
    assert word_tokens("Die Bürgermeisterin eröffnet l'École à Zürich.") == [
        "die",
        "bürgermeisterin",
        "eröffnet",
        "l",
        "école",
        "à",
        "zürich",
    ]


def test_cyrillic_greek_and_devanagari_words_stay_whole() -> None:
    assert word_tokens("Москва — столица; Αθήνα! हिन्दी भाषा") == ["москва", "столица", "αθήνα", "हिन्दी", "भाषा"]


def test_case_folding_and_compatibility_forms() -> None:
    # NFKC turns the "fi" ligature and full-width letters into plain ones; casefold makes ß -> ss.
    assert word_tokens("ﬁne ＡＢＣ STRASSE Straße") == ["fine", "abc", "strasse", "strasse"]


def test_punctuation_and_numbers_split_like_rouge_score() -> None:
    assert word_tokens("It's 3.5% of $1,000 — e-mail_me") == ["it", "s", "3", "5", "of", "1", "000", "e", "mail", "me"]


def test_cjk_characters_are_one_token_each() -> None:
    assert word_tokens("東京都の人口") == ["東", "京", "都", "の", "人", "口"]


def test_german_snowball_brings_inflections_together() -> None:
    tok = UnicodeTokenizer("de")
    assert tok.tokenize("neue neues") == ["neu", "neu"]
    assert tok.stemmer == "snowball-german"


def test_no_stemmer_keeps_the_words() -> None:
    tok = UnicodeTokenizer("de", stem=False)
    assert tok.tokenize("Neues Rathaus in München") == ["neues", "rathaus", "in", "münchen"]
    assert tok.stemmer == "none"


def test_language_without_snowball_is_unstemmed_and_says_so() -> None:
    assert UnicodeTokenizer("pl").tokenize("Nowy ratusz") == ["nowy", "ratusz"]
    assert stemmer_name("auto", "pl", True) == "none"


@pytest.mark.parametrize(
    "kind, lang, tok, stem",
    [
        ("auto", "en", "rouge-score", "porter"),
        ("auto", "de", "unicode-v1", "snowball-german"),
        ("unicode", "en", "unicode-v1", "snowball-english"),
        ("rouge-score", "fr", "rouge-score", "porter"),
    ],
)
def test_names_per_language(kind: str, lang: str, tok: str, stem: str) -> None:
    assert tokenizer_name(kind, lang) == tok
    assert stemmer_name(kind, lang, True) == stem


def test_english_auto_means_the_engine_tokenizer() -> None:
    assert tokenizer_for("auto", "en", True) is None
    assert isinstance(tokenizer_for("auto", "fr", True), UnicodeTokenizer)


@pytest.mark.parametrize("code, expected", [("de", "de"), ("DE", "de"), ("de-AT", "de"), ("pt_BR", "pt")])
def test_language_codes_are_normalised(code: str, expected: str) -> None:
    assert normalize_language(code) == expected


def test_bad_language_code_and_tokenizer_are_refused() -> None:
    with pytest.raises(MetricError, match="'German' is not a language code"):
        normalize_language("German")
    with pytest.raises(MetricError, match='did you mean "unicode"'):
        tokenizer_for("unicod", "en", True)


@pytest.mark.parametrize("text", ["Storm", "2004", "\u0130stanbul", "\u212a", "中国 2004", "x—"])
def test_rouge_score_sees_what_its_tokenizer_keeps(text: str) -> None:
    from rouge_score.tokenize import tokenize

    assert rouge_score_sees(text) is True and tokenize(text, None) != []  # U+0130, U+212A lower to i, k


@pytest.mark.parametrize("text", ["中国经济", "Москва", "— … «»", "   "])
def test_rouge_score_misses_what_its_tokenizer_drops(text: str) -> None:
    from rouge_score.tokenize import tokenize

    assert rouge_score_sees(text) is False and tokenize(text, None) == []


@pytest.mark.parametrize(
    "text, seen", [("中国经济", True), ("Москва", True), ("ⓐ", True), ("— … «»", False), ("😀 #", False)]
)
def test_unicode_tokenizer_sees_exactly_what_it_tokenizes(text: str, seen: bool) -> None:
    assert UnicodeTokenizer.sees(text) is seen and bool(word_tokens(text)) is seen


def test_unsegmented_scripts_are_refused_by_auto_only() -> None:
    with pytest.raises(MetricError, match=r"lang: Khmer \('km'\) is written without spaces"):
        check_segmentable("auto", "km", "lang")
    check_segmentable("unicode", "th", "lang")  # texts already segmented: the user says so
    check_segmentable("auto", "zh", "lang")  # CJK: one token a character


def test_chinese_needs_no_stemmer_and_does_not_warn(caplog: pytest.LogCaptureFixture) -> None:
    UnicodeTokenizer("zh")
    UnicodeTokenizer("pl")
    assert [r.getMessage()[:40] for r in caplog.records] == ["no Snowball stemmer for language 'pl': i"]
