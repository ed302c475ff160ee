"""Prompt templates, few-shot rendering and clean-up of LLM answers."""

from __future__ import annotations

import pytest

from bench.article import Article
from bench.errors import ConfigError
from bench.systems.prompts import Example, build_prompt, check_template, clean_output, render


def test_check_template_accepts_known_placeholders() -> None:
    check_template("Body: {body}\nHeadline ({max_words} words max): {headline}", "p")


@pytest.mark.parametrize(
    "template, message",
    [
        ("Text: {article}", r"unknown placeholder \{article\}"),
        ("Headline please", r"must contain \{body\}"),
        ("{body} {", "bad template"),
    ],
)
def test_check_template_rejects(template: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_template(template, "systems[0].prompts.headline")


def test_render_fills_missing_references_with_empty() -> None:
    assert render("{body}|{headline}|{standfirst}|{max_words}|{target}", "B", "headline", 9, "H") == "B|H||9|headline"


def test_plain_few_shot_prompt() -> None:
    art = Article("a", "Body text.", headline="Real")
    ex = Example("Other body.", headline="Other headline")
    got = build_prompt(
        None, "{body}\nHeadline:", art, "Body text.", "headline", 8, [ex], use_chat=False, system="You write headlines."
    )
    assert got == "You write headlines.\n\nOther body.\nHeadline: Other headline\n\nBody text.\nHeadline:"


def test_example_without_the_target_answer_is_an_error() -> None:
    with pytest.raises(ConfigError, match="has no standfirst"):
        build_prompt(None, "{body}", Article("a", "x"), "x", "standfirst", 8, [Example("b", headline="h")])


@pytest.mark.parametrize(
    "raw, target, expected",
    [
        (' Headline: "Council backs bridge"\nArticle: more', "headline", "Council backs bridge"),
        ("**Title:** Council backs bridge", "headline", "Council backs bridge"),
        ("\n\nCouncil backs bridge\nSecond line", "headline", "Council backs bridge"),
        ("“Council backs bridge”", "headline", "Council backs bridge"),
        ("'Quoted' start only", "headline", "'Quoted' start only"),
        (
            "Standfirst: The council approved\na bridge.\n\nNext paragraph",
            "standfirst",
            "The council approved a bridge.",
        ),
        ("<strong>Council backs bridge</strong>", "headline", "Council backs bridge"),
        ("", "headline", ""),
    ],
)
def test_clean_output(raw: str, target: str, expected: str) -> None:
    assert clean_output(raw, target) == expected
