"""Field mapping and body normalisation, unit by unit."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.corpus.fields import RecordMapper, normalize_body
from bench.corpus.problems import Problems, RowError, summarize_problems
from bench.errors import CorpusError


@pytest.mark.parametrize(
    "text, lines, expected",
    [
        ("One.\r\n\r\nTwo.", False, "One.\n\nTwo."),
        ("  One.\n \n\n\nTwo.  ", False, "One.\n\nTwo."),
        ("One line\nwrapped.\n\nTwo.", False, "One line\nwrapped.\n\nTwo."),  # single newlines are kept
        ("First.\nSecond.\n\nThird.", True, "First.\n\nSecond.\n\nThird."),  # XSum: a paragraph a line
    ],
)
def test_normalize_body(text, lines, expected):
    assert normalize_body(text, line_paragraphs=lines) == expected


def test_mapper_converts_dates_ids_and_keeps_the_rest_in_meta():
    mapper = RecordMapper.make({"body": "text", "date": "when"}).resolve(["text", "when", "id", "extra", "meta"], "t")
    a = mapper.article(
        {
            "text": "Body.",
            "when": dt.datetime(2020, 1, 2, 3, 4),
            "id": 12,
            "extra": [dt.date(2020, 1, 1)],
            "meta": {"k": "v"},
        },
        "fallback",
    )
    assert a.id == "12" and a.date == "2020-01-02T03:04:00"
    assert a.meta == {"k": "v", "extra": ["2020-01-01"]}


def test_mapper_rejects_unknown_article_field():
    with pytest.raises(CorpusError, match="'titel' is not an article field"):
        RecordMapper.make({"titel": "x"})


def test_empty_optional_fields_become_none():
    a = RecordMapper.make().article({"body": "B.", "headline": "  ", "standfirst": ""}, "x")
    assert a.headline is None and a.standfirst is None and a.id == "x"


def test_bool_is_not_an_id():
    with pytest.raises(RowError, match="field 'id' \\(column 'id'\\) must be a string, got bool True"):
        RecordMapper.make().article({"body": "B.", "id": True}, "x")


def test_problems_collector_and_summary():
    problems = Problems()
    for i in range(7):
        problems.add(f"f:{i}", "bad")
    assert summarize_problems(problems.messages, 5) == [f"f:{i}: bad" for i in range(5)] + ["... and 2 more problem(s)"]
    with pytest.raises(CorpusError, match=r"^f:1: bad \(strict mode"):
        Problems(strict=True).add("f:1", "bad")
