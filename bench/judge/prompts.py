"""The judge's prompt: criteria per target, their descriptions, the template and how it is filled.

The template is a Python format string with the placeholders of :data:`PLACEHOLDERS`; ``{source}`` (the
text the judge checks against: the article, or the reference with ``source: reference``) and ``{summary}``
(the text being rated) are required. Literal braces are written ``{{`` and ``}}``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence

from bench.errors import ConfigError
from bench.systems.prompts import template_fields

__all__ = [
    "PLACEHOLDERS",
    "KINDS",
    "DEFAULT_CRITERIA",
    "DESCRIPTIONS",
    "DEFAULT_PROMPT",
    "RESERVED",
    "check_prompt",
    "check_criteria",
    "kind_of",
    "render",
    "cut_words",
    "prompt_hash",
]

#: ``*_title``: the same text capitalised; ``example``: a JSON-shaped answer naming the criteria
PLACEHOLDERS = (
    "source",
    "source_name",
    "source_name_title",
    "summary",
    "target",
    "target_title",
    "criteria",
    "example",
)
#: what is rated: the run's two targets, and ``summary`` for items without a target (meta-eval judgments)
KINDS = ("headline", "standfirst", "summary")

DEFAULT_CRITERIA: dict[str, tuple[str, ...]] = {
    "headline": ("accuracy", "specificity", "no_sensationalism"),
    "standfirst": ("accuracy", "coverage", "fluency"),
    "summary": ("accuracy", "coverage", "fluency"),
}

DESCRIPTIONS: dict[str, str] = {
    "accuracy": "everything it states is supported by the {source_name}; nothing is invented, distorted or "
    "contradicted",
    "specificity": "it names the particular people, places, numbers or events of this story instead of "
    "being vague or generic",
    "no_sensationalism": "it is sober and neutral (5) rather than exaggerated, emotive or clickbait (1)",
    "coverage": "it conveys the main points of the {source_name}",
    "fluency": "it is grammatical, clear and reads naturally",
}

DEFAULT_PROMPT = """You are a careful news editor. Rate the {target} below, written for the {source_name} below, \
on each criterion with a whole number from 1 (worst) to 5 (best).

Criteria:
{criteria}

{source_name_title}:
{source}

{target_title}: {summary}

Answer with only a JSON object holding one rating per criterion, for example:
{example}"""

#: column keys the metric uses itself (judge_<criterion> must not collide with them)
RESERVED = ("overall", "parsed", "raw", "status", "problem")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def check_prompt(template: str, where: str) -> None:
    """Raise ConfigError for bad format syntax, an unknown placeholder, or a missing {source} / {summary}."""
    fields = template_fields(template, PLACEHOLDERS, where, "the judge prompt")
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    for needed in ("source", "summary"):
        if needed not in fields:
            raise ConfigError(f"{where}: the judge prompt must contain {{{needed}}}; known placeholders: {known}")


def check_criteria(criteria: Mapping[str, Sequence[str]], where: str) -> None:
    """Criteria are keyed by headline / standfirst / summary; each a non-empty list of distinct snake_case names."""
    for kind, names in criteria.items():
        if kind not in KINDS:
            raise ConfigError(f"{where}.criteria: unknown key {kind!r}; known: {', '.join(KINDS)}")
        if not names:
            raise ConfigError(f"{where}.criteria.{kind}: give at least one criterion, e.g. [accuracy]")
        for name in names:
            if not _NAME.fullmatch(name) or name in RESERVED:
                raise ConfigError(
                    f"{where}.criteria.{kind}: {name!r} is not a usable criterion name; use lower-case "
                    f"snake_case (e.g. no_sensationalism), not one of {', '.join(RESERVED)}"
                )
        if len(set(names)) != len(names):
            raise ConfigError(f"{where}.criteria.{kind}: a criterion is listed twice in {list(names)}")


def kind_of(target: str | None) -> str:
    """What an item is rated as: its target, or ``summary`` when it has none."""
    return target if target in KINDS else "summary"


def _criteria_block(names: Sequence[str], descriptions: Mapping[str, str], source_name: str) -> str:
    lines = []
    for name in names:
        text = descriptions.get(name, DESCRIPTIONS.get(name))
        lines.append(f"- {name}: {text.format(source_name=source_name)}" if text else f"- {name}")
    return "\n".join(lines)


def render(
    template: str,
    *,
    source: str,
    source_name: str,
    summary: str,
    kind: str,
    criteria: Sequence[str],
    descriptions: Mapping[str, str],
) -> str:
    """The judge prompt for one item (a checked template; values are inserted, never parsed as templates)."""
    example = "{" + ", ".join(f'"{name}": <1-5>' for name in criteria) + "}"
    return template.format(
        source=source,
        source_name=source_name,
        source_name_title=source_name[:1].upper() + source_name[1:],
        summary=summary,
        target=kind,
        target_title=kind.capitalize(),
        criteria=_criteria_block(criteria, descriptions, source_name),
        example=example,
    )


def cut_words(text: str, limit: int | None) -> tuple[str, bool]:
    """``text`` cut after its first ``limit`` whitespace-separated words (layout kept), and whether it was cut."""
    if limit is None:
        return text, False
    words = list(re.finditer(r"\S+", text))
    if len(words) <= limit:
        return text, False
    return text[: words[limit - 1].end()], True


def prompt_hash(template: str, criteria: Mapping[str, Sequence[str]], descriptions: Mapping[str, str]) -> str:
    """Short hash of everything that shapes the prompt text besides the item: template, criteria, descriptions."""
    used = {n: descriptions.get(n, DESCRIPTIONS.get(n)) for names in criteria.values() for n in names}
    blob = json.dumps({"template": template, "criteria": criteria, "descriptions": used}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:8]
