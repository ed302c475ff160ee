"""Prompts for decoder LLMs: templates per target, chat templates, few-shot examples, output clean-up.

A template is a Python format string with the placeholders in :data:`PLACEHOLDERS`; an unknown
placeholder is a config error caught before any model loads. With a tokenizer that has a chat template
(and ``chat_template`` not ``never``) the rendered prompt is the user turn and each few-shot example a
user/assistant pair; otherwise examples are written out as prompt + answer blocks before the real prompt.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.article import TARGETS, Article
from bench.errors import ConfigError

__all__ = [
    "PLACEHOLDERS",
    "DEFAULT_PROMPTS",
    "Example",
    "check_template",
    "render",
    "build_messages",
    "build_prompt",
    "clean_output",
]

PLACEHOLDERS = ("body", "headline", "standfirst", "max_words", "target")

DEFAULT_PROMPTS: dict[str, str] = {
    "headline": "Write a short news headline for this article.\n\nArticle: {body}\n\nHeadline:",
    "standfirst": "Write a one-sentence standfirst (the summary under a news headline) of at most {max_words} "
    "words for this article.\n\nArticle: {body}\n\nStandfirst:",
}

# Labels a model may echo before its answer: "Headline:", "**Title:**", "Standfirst -" ...
_ECHO = re.compile(
    r"^\s*[*_#>\s]*(?:headline|title|standfirst|summary|answer|teaser|subheading)\s*[*_]*\s*[:\-–]\s*[*_]*\s*",
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’«»`"


@dataclass(frozen=True)
class Example:
    """A few-shot example: an article body and the answers for one or both targets."""

    body: str
    headline: str | None = None
    standfirst: str | None = None


def template_fields(template: str, placeholders: Sequence[str], where: str, what: str = "the prompt") -> list[str]:
    """The placeholders ``template`` uses; ConfigError for bad format syntax or one outside ``placeholders``."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"{where}: bad template ({exc}); write literal braces as {{{{ and }}}}") from None
    known = ", ".join("{" + p + "}" for p in placeholders)
    for name in fields:
        if name not in placeholders:
            raise ConfigError(f"{where}: unknown placeholder {{{name}}} in {what}; known: {known}")
    return fields


def check_template(template: str, where: str) -> None:
    """Raise ConfigError for bad format syntax or a placeholder outside :data:`PLACEHOLDERS`."""
    fields = template_fields(template, PLACEHOLDERS, where)
    if "body" not in fields:
        raise ConfigError(f"{where}: the prompt must contain {{body}} (where the article text goes)")


def render(
    template: str, body: str, target: str, max_words: int, headline: str | None = None, standfirst: str | None = None
) -> str:
    """Fill a checked template; missing references become empty strings."""
    return template.format(
        body=body, headline=headline or "", standfirst=standfirst or "", max_words=max_words, target=target
    )


def _answer(example: Example, target: str) -> str:
    value = getattr(example, target)
    if not value:
        raise ConfigError(
            f"few-shot example {example.body[:40]!r}... has no {target}; give one for every target the system is run on"
        )
    return value


def build_messages(
    template: str,
    article: Article,
    body: str,
    target: str,
    max_words: int,
    examples: Sequence[Example] = (),
    system: str | None = None,
) -> list[dict[str, str]]:
    """The chat turns for one article: optional system turn, a user/assistant pair per few-shot example,
    then the article's user turn. Chat servers (``kind: openai``) send these as they are."""

    def fill(ex_body: str, src: Article | Example) -> str:
        return render(template, ex_body, target, max_words, src.headline, src.standfirst)

    messages: list[dict[str, str]] = [{"role": "system", "content": system}] if system else []
    for ex in examples:
        messages += [
            {"role": "user", "content": fill(ex.body, ex)},
            {"role": "assistant", "content": _answer(ex, target)},
        ]
    messages.append({"role": "user", "content": fill(body, article)})
    return messages


def build_prompt(
    tokenizer: Any,
    template: str,
    article: Article,
    body: str,
    target: str,
    max_words: int,
    examples: Sequence[Example] = (),
    use_chat: bool = False,
    system: str | None = None,
) -> str:
    """The full prompt text for one article (``body`` may be the truncated article body)."""

    def fill(ex_body: str, src: Article | Example) -> str:
        return render(template, ex_body, target, max_words, src.headline, src.standfirst)

    if use_chat:
        messages = build_messages(template, article, body, target, max_words, examples, system)
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    prompt = fill(body, article)
    shots = "".join(f"{fill(ex.body, ex)} {_answer(ex, target)}\n\n" for ex in examples)
    head = f"{system}\n\n" if system else ""
    return head + shots + prompt


def clean_output(text: str, target: str) -> str:
    """The answer without echoed labels, wrapping quotes or markdown; a headline is its first line."""
    if target not in TARGETS:
        raise ConfigError(f"unknown target {target!r}")
    text = text.strip()
    parts = [p for p in re.split(r"\n" if target == "headline" else r"\n\s*\n", text) if p.strip()]
    text = parts[0] if parts else ""
    text = re.sub(r"</?[a-zA-Z][^>]*>", "", text)  # stray HTML (<strong>, <br>)
    text = _ECHO.sub("", text, count=1).strip()
    text = text.strip("*_#").strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return re.sub(r"\s+", " ", text)
