"""Reading ratings out of judge answers as real judges write them; never raising on any text."""

from __future__ import annotations

import pytest

from bench.judge.parse import parse_answer

HEADLINE = ("accuracy", "specificity", "no_sensationalism")


@pytest.mark.parametrize(
    "answer, expected",
    [
        ('{"accuracy": 4, "specificity": 3, "no_sensationalism": 5}', (4, 3, 5)),
        (  # chatter, a markdown fence, title-case keys with spaces, a "3/5" string and a nested score
            (
                'Sure! Here are my ratings:\n\n```json\n{\n  "Accuracy": 4,\n  "Specificity": "3/5",\n'
                '  "No sensationalism": {"score": 5, "reason": "calm wording"}\n}\n```\n\nLet me know!'
            ),
            (4, 3, 5),
        ),
        ('{"ratings": {"accuracy": 2, "specificity": 1.5, "no-sensationalism": 4}, "comment": "vague"}', (2, 1.5, 4)),
        ("**Accuracy**: 4/5\n\n**Specificity**: 2/5\n\n**No sensationalism**: 5/5", (4, 2, 5)),
        ("Accuracy (1-5): 3\nSpecificity - 2\nno_sensationalism = 4\n\nOverall a fair headline.", (3, 2, 4)),
        ("accuracy: 5, specificity: 5, no sensationalism: 1", (5, 5, 1)),
        ("{'accuracy': 4, 'specificity': 4, 'no_sensationalism': 4}", (4, 4, 4)),  # Python dict, not JSON
    ],
)
def test_ratings_are_read_from_the_formats_judges_write(answer, expected):
    parsed = parse_answer(answer, HEADLINE)
    assert parsed.status == "ok", parsed.problems
    assert tuple(parsed.scores[c] for c in HEADLINE) == expected
    assert parsed.problems == ()


def test_out_of_range_and_other_scales_are_not_read():
    parsed = parse_answer('{"accuracy": 7, "specificity": 0, "no_sensationalism": "8/10"}', HEADLINE)
    assert parsed.status == "unparseable"
    assert parsed.scores == {"accuracy": None, "specificity": None, "no_sensationalism": None}
    assert parsed.problems == (
        "accuracy: 7 is outside 1-5",
        "specificity: 0 is outside 1-5",
        "no_sensationalism: 8/10 is not on the 1-5 scale",
    )


def test_a_missing_criterion_leaves_the_others():
    parsed = parse_answer("Accuracy: 4\nSpecificity: 2", HEADLINE)
    assert parsed.status == "partial"
    assert parsed.scores == {"accuracy": 4.0, "specificity": 2.0, "no_sensationalism": None}
    assert parsed.problems == ("no no_sensationalism rating",)


@pytest.mark.parametrize(
    "answer",
    [
        "",
        None,
        "The headline is correct.\n\nThe headline is correct.",
        '- headline: "Ad sales boost Time Warner profit"\n- headline: "Ad sales',  # gemma-3-270m, cut off
        '{"accuracy": <1-5>, "specificity": <1-5>, "no_sensationalism": <1-5>}',  # the prompt's example echoed
        "- accuracy: everything it states is supported by the news article",  # the criteria list echoed
        '{"accuracy": null, "specificity": true, "no_sensationalism": "high"}',
        "{" * 50 + "accuracy" + "}" * 3,
    ],
)
def test_garbage_is_unparseable_never_an_exception(answer):
    parsed = parse_answer(answer, HEADLINE)
    assert parsed.status == "unparseable"
    assert all(v is None for v in parsed.scores.values())
    assert len(parsed.problems) == 3


def test_json_wins_over_words_that_look_like_ratings():
    parsed = parse_answer('Accuracy is 2 in my first view, but final: {"accuracy": 5, "specificity": 4}', HEADLINE)
    assert parsed.scores == {"accuracy": 5.0, "specificity": 4.0, "no_sensationalism": None}
