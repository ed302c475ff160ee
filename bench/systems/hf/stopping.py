"""Stop a headline at the end of its first non-empty line, on the device, without decoding each step.

The vocabulary is classified once (each token decoded alone): does its text contain a line break, any
non-space character, or a non-space character followed later by a line break? A sequence is done when a
token ends a line that has content: a token like ``"bar\\n"``, or a line-break token after any content.
Leading blank lines do not stop it (base models often start with one). Unlike ``stop_strings`` this works
with any tokenizer and costs a few tensor operations per step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["LineTables", "line_tables", "end_of_line_criterion", "lines_done"]

_CONTENT_THEN_BREAK = re.compile(r"\S[^\n]*\n")


@dataclass(frozen=True)
class LineTables:
    """Per-token booleans (tensors indexed by token id)."""

    newline: Any
    content: Any
    content_then_newline: Any


def line_tables(token_texts: list[str], device: Any = "cpu") -> LineTables:
    """Classify each token's text (index = token id)."""
    import torch

    def table(pred: Any) -> Any:
        return torch.tensor([bool(pred(t)) for t in token_texts], dtype=torch.bool, device=device)

    return LineTables(
        newline=table(lambda t: "\n" in t),
        content=table(lambda t: t.strip()),
        content_then_newline=table(_CONTENT_THEN_BREAK.search),
    )


def lines_done(new_tokens: Any, tables: LineTables) -> Any:
    """Bool per row of ``new_tokens`` (batch × steps): has a line with content ended?"""
    import torch

    ids = new_tokens.clamp(0, tables.newline.numel() - 1)
    content = tables.content[ids]
    seen_before = (torch.cumsum(content.int(), dim=1) - content.int()) > 0
    ended = tables.content_then_newline[ids] | (tables.newline[ids] & seen_before)
    return ended.any(dim=1)


def end_of_line_criterion(tables: LineTables, input_width: int) -> Any:
    """A transformers StoppingCriteria over the tokens after ``input_width``."""
    from transformers import StoppingCriteria

    class EndOfLine(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            return lines_done(input_ids[:, input_width:], tables)

    return EndOfLine()
