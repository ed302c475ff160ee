"""The sentence splitter: abbreviations, quotes, decimals, initials, paragraphs and line breaks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from bench.metrics.perl.engine import PerlSettings
from bench.metrics.perl.script import build_data_dir, run_perl, unavailable_reason
from bench.metrics.rouge import Rouge, RougeConfig
from bench.text import SPLITTER_NAME, first_words, normalize_space, split_sentences, word_count

_BBC_PATH = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC_PATH for p in Path(__file__).resolve().parents if (p / _BBC_PATH).exists()), None)


def test_splits_plain_sentences():
    assert split_sentences("One two. Three four! Five six? Seven.") == [
        "One two.",
        "Three four!",
        "Five six?",
        "Seven.",
    ]


def test_keeps_titles_and_dotted_acronyms_together():
    text = "Mr. Smith met Dr. Jones in the U.S. capital. They talked."
    assert split_sentences(text) == ["Mr. Smith met Dr. Jones in the U.S. capital.", "They talked."]


def test_acronym_at_sentence_end_before_a_sentence_opener():
    assert split_sentences("He lives in the U.S. The weather is fine.") == [
        "He lives in the U.S.",
        "The weather is fine.",
    ]


def test_decimals_and_money_do_not_split():
    text = "Profits rose 2.5% to $1.13bn. Sales were 10.9bn."
    assert split_sentences(text) == ["Profits rose 2.5% to $1.13bn.", "Sales were 10.9bn."]


def test_closing_quotes_stay_with_their_sentence():
    text = '"We consider it of utmost importance," Lavrov said. "It is over." Then he left.'
    assert split_sentences(text) == [
        '"We consider it of utmost importance," Lavrov said.',
        '"It is over."',
        "Then he left.",
    ]


def test_question_inside_quotes_followed_by_lowercase_continues():
    assert split_sentences('"Why?" he asked. Nobody knew.') == ['"Why?" he asked.', "Nobody knew."]


def test_initials_do_not_split():
    assert split_sentences("J. K. Rowling wrote it. It sold well.") == ["J. K. Rowling wrote it.", "It sold well."]


def test_paragraph_break_always_ends_a_sentence():
    assert split_sentences("Subhead without stop\n\nBody text here.") == ["Subhead without stop", "Body text here."]


def test_lowercase_after_period_does_not_split():
    assert split_sentences("The vote was held on Wed. the 12th of April.") == [
        "The vote was held on Wed. the 12th of April."
    ]


def test_whitespace_helpers():
    assert normalize_space("  a \u00a0 b\n c ") == "a b c"
    assert word_count("one  two\nthree") == 3
    assert first_words("one two three four", 2) == "one two"


def test_single_line_breaks_end_sentences():
    assert split_sentences("Storm closes schools\nRain floods roads") == ["Storm closes schools", "Rain floods roads"]
    assert split_sentences("- Storm closes schools\r\n- Rain floods roads\n") == [
        "- Storm closes schools",
        "- Rain floods roads",
    ]
    # a line still splits at its sentence ends, and blank or space-only lines add nothing
    assert split_sentences("One here. Two there.\n \n\nThree") == ["One here.", "Two there.", "Three"]
    assert SPLITTER_NAME == "rules-v2"  # rules-v1 folded single newlines: scores differ, so the name does


# Lines without terminal punctuation: rules-v1 saw one sentence in each, rouge-score sees two.
TWO_LINES = (
    "Storm closes schools across the region\nHeavy rain floods the main roads",
    "Heavy rain floods the main roads\nStorm closes schools across the region",
)
BULLETS = (
    "- Storm shuts schools in the region\n- Rain floods roads\n- Trains cancelled",
    "- Heavy rain floods the roads\n- Storm closes schools across the region",
)


@pytest.mark.parametrize("engine", ["fast", "reference"])
@pytest.mark.parametrize("prediction, reference", [TWO_LINES, BULLETS], ids=["reversed-lines", "bullets"])
def test_rouge_keeps_line_breaks_as_rouge_score_does(engine: str, prediction: str, reference: str):
    types = ("rouge1", "rouge2", "rougeL", "rougeLsum")
    [mine] = Rouge(RougeConfig(engine=engine, types=types, bootstrap=10)).score([prediction], [reference])
    # the independent reference: the rouge_score package fed the very same texts
    theirs = rouge_scorer.RougeScorer(list(types), use_stemmer=True).score(reference, prediction)
    for t in types:
        assert (mine[t].precision, mine[t].recall, mine[t].f1) == pytest.approx(
            (theirs[t].precision, theirs[t].recall, theirs[t].fmeasure), abs=1e-12
        ), t
    if prediction == TWO_LINES[0]:
        assert mine["rougeLsum"].f1 == 1.0  # each line finds itself; rules-v1 gave 0.5


@pytest.mark.skipif(unavailable_reason() is not None, reason=f"ROUGE-1.5.5.pl: {unavailable_reason()}")
@pytest.mark.parametrize("prediction, reference", [TWO_LINES, BULLETS], ids=["reversed-lines", "bullets"])
def test_perl_engine_reads_the_lines_as_the_script_does(tmp_path: Path, prediction: str, reference: str):
    [mine] = Rouge(RougeConfig(engine="perl", bootstrap=10)).score([prediction], [reference])
    # the real ROUGE-1.5.5.pl, given the texts one line a sentence (its SPL input)
    pairs = [(prediction.split("\n"), [reference.split("\n")])]
    perl = run_perl(
        pairs, PerlSettings(skip_distance=4, resamples=10).flags(), tmp_path / "run", build_data_dir(tmp_path / "data")
    )
    assert {t: (s.precision, s.recall, s.f1) for t, s in mine.items()} == {t: perl.per_summary[0][t] for t in mine}
    if prediction == TWO_LINES[0]:
        assert mine["rougeL"].f1 == 1.0


@pytest.mark.skipif(BBC is None, reason="shared BBC corpus not found (../shared/corpora/bbc-news-2004)")
def test_bbc_bodies_split_as_before():
    """BBC bodies have no single newline inside a paragraph, so lead/oracle/graph sentences are unchanged."""
    bodies = [json.loads(line)["body"] for line in BBC.read_text(encoding="utf-8").splitlines()]
    assert len(bodies) == 2127
    folded = 0
    for body in bodies:
        paragraphs = re.split(r"\n\s*\n", body)
        folded += sum("\n" in p for p in paragraphs)
        rules_v1 = [s for p in paragraphs for s in split_sentences(normalize_space(p))]
        assert split_sentences(body) == rules_v1
    assert folded == 0


def test_a_budget_word_holds_a_letter_or_digit():
    assert word_count("growth of just 0.1% - and AOL's high-speed & \u2014 sales") == 8
    assert first_words("- a - b & c d", 2) == "- a - b"  # lone punctuation rides along, uncounted
    assert first_words("a - ", 5) == "a -" and first_words("a b", 0) == ""
