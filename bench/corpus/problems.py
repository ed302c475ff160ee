"""Bad rows met while loading a corpus: counted and reported, or (strict) an error.

Every reader hands each bad row to a :class:`Problems` collector as ``where`` ("file:line") and a reason.
By default the row is skipped and the message kept (``Corpus.problems``); with ``strict`` the first one
raises :class:`~bench.errors.CorpusError`. Nothing is dropped without a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.errors import CorpusError

__all__ = ["Problems", "RowError", "summarize_problems"]

FIRST_SHOWN = 5


class RowError(CorpusError):
    """One bad row (or page); the reader turns it into a problem message with its location."""


@dataclass
class Problems:
    """Collects ``"where: reason"`` messages; raises on the first one when ``strict``."""

    strict: bool = False
    messages: list[str] = field(default_factory=list)

    def add(self, where: str, reason: str) -> None:
        message = f"{where}: {reason}"
        if self.strict:
            raise CorpusError(
                f"{message} (strict mode stops at the first bad row; fix it, or drop "
                "strict/--strict to skip bad rows and report them)"
            )
        self.messages.append(message)

    def __len__(self) -> int:
        return len(self.messages)


def summarize_problems(messages: list[str], first: int = FIRST_SHOWN, noun: str = "problem(s)") -> list[str]:
    """The first ``first`` messages in full, then one line counting the rest."""
    shown = list(messages[:first])
    if len(messages) > first:
        shown.append(f"... and {len(messages) - first} more {noun}")
    return shown
