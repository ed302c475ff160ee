"""The sentence splitter: abbreviations, quotes, decimals, initials, paragraphs."""

from bench.text import first_words, normalize_space, split_sentences, word_count


def test_splits_plain_sentences():
    assert split_sentences("One two. Three four! Five six? Seven.") == ["One two.", "Three four!", "Five six?", "Seven."]


def test_keeps_titles_and_dotted_acronyms_together():
    text = "Mr. Smith met Dr. Jones in the U.S. capital. They talked."
    assert split_sentences(text) == ["Mr. Smith met Dr. Jones in the U.S. capital.", "They talked."]


def test_acronym_at_sentence_end_before_a_sentence_opener():
    assert split_sentences("He lives in the U.S. The weather is fine.") == ["He lives in the U.S.", "The weather is fine."]


def test_decimals_and_money_do_not_split():
    text = "Profits rose 2.5% to $1.13bn. Sales were 10.9bn."
    assert split_sentences(text) == ["Profits rose 2.5% to $1.13bn.", "Sales were 10.9bn."]


def test_closing_quotes_stay_with_their_sentence():
    text = '"We consider it of utmost importance," Lavrov said. "It is over." Then he left.'
    assert split_sentences(text) == ['"We consider it of utmost importance," Lavrov said.', '"It is over."', "Then he left."]


def test_question_inside_quotes_followed_by_lowercase_continues():
    assert split_sentences('"Why?" he asked. Nobody knew.') == ['"Why?" he asked.', "Nobody knew."]


def test_initials_do_not_split():
    assert split_sentences("J. K. Rowling wrote it. It sold well.") == ["J. K. Rowling wrote it.", "It sold well."]


def test_paragraph_break_always_ends_a_sentence():
    assert split_sentences("Subhead without stop\n\nBody text here.") == ["Subhead without stop", "Body text here."]


def test_lowercase_after_period_does_not_split():
    assert split_sentences("The vote was held on Wed. the 12th of April.") == ["The vote was held on Wed. the 12th of April."]


def test_whitespace_helpers():
    assert normalize_space("  a \u00a0 b\n c ") == "a b c"
    assert word_count("one  two\nthree") == 3
    assert first_words("one two three four", 2) == "one two"
