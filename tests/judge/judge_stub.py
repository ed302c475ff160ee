"""An OpenAI-compatible judge on 127.0.0.1 whose ratings follow a rule a test can check, written in the
answer styles real judges use (fenced JSON after chatter, ``**Accuracy**: 4/5`` lines split by blank lines,
an out-of-range 7, no rating at all).

The rule: ``accuracy`` = 1 + round(4 × share of the rated text's words found in the source text); every other
criterion = 1 + (number of words of the rated text) mod 5. It reads the rated text and the source from the
default judge prompt (``Headline: ...`` after ``News article:`` / ``Reference summary:``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.systems.servers import stub

STYLES = ("json", "fenced", "lines", "seven", "none")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def rule(criterion: str, summary: str, source: str) -> int:
    said, known = words(summary), set(words(source))
    if criterion == "accuracy":
        return 1 + round(4 * (sum(w in known for w in said) / len(said) if said else 0))
    return 1 + len(said) % 5


def read_prompt(prompt: str) -> tuple[str, str, list[str]]:
    """(rated text, source text, criteria) of a prompt written from the default template."""
    source = re.search(r"(?:News article|Reference summary):\n(.*?)\n\n(?:Headline|Standfirst|Summary): ", prompt, re.S)
    summary = re.search(r"\n(?:Headline|Standfirst|Summary): (.*)\n\nAnswer with", prompt, re.S)
    criteria = re.findall(r"^- ([a-z_]+):", prompt, re.M)
    assert source and summary and criteria, prompt
    return summary.group(1), source.group(1), criteria


def answer(prompt: str, style: str) -> str:
    summary, source, criteria = read_prompt(prompt)
    ratings = {c: rule(c, summary, source) for c in criteria}
    if style == "json":
        return json.dumps(ratings)
    if style == "fenced":
        return "Sure! Here are my ratings.\n\n```json\n" + json.dumps(ratings, indent=2) + "\n```\n\nHope this helps."
    if style == "lines":
        return "My assessment:\n\n" + "\n\n".join(
            f"**{c.replace('_', ' ').title()}**: {v}/5" for c, v in ratings.items()
        )
    if style == "seven":
        return json.dumps({**ratings, criteria[0]: 7})
    return "The headline is a headline about the article."


class JudgeStub(stub.StubServer):
    """``with JudgeStub("fenced") as url:``; ``style`` may be changed between requests."""

    def __init__(self, style: str = "json") -> None:
        super().__init__(stub.Behaviour())
        self.style = style
        server = self

        class Handler(stub._Handler):
            behaviour = self.behaviour

            def _answer(self, payload: dict[str, Any]) -> None:
                prompt = payload.get("prompt") or payload["messages"][-1]["content"]
                text = answer(prompt, server.style)
                chat = "messages" in payload
                choice: dict[str, Any] = {"index": 0, "finish_reason": "stop"}
                choice.update({"message": {"role": "assistant", "content": text}} if chat else {"text": text})
                usage = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
                self._json(
                    200,
                    {
                        "id": "x",
                        "object": "x",
                        "created": 0,
                        "model": payload["model"],
                        "choices": [choice],
                        "usage": usage,
                    },
                )

        self.httpd.RequestHandlerClass = Handler


def judge_spec(url: str) -> dict[str, Any]:
    return {"kind": "openai", "base_url": url, "model": "stub-model", "concurrency": 4, "retries": 0}
