"""Texts a ROUGE tokenizer cannot see: counted, so that a score of 0 for them never passes silently.

rouge-score's tokenizer (and ROUGE-1.5.5's) keeps ASCII letters and digits only: a Chinese or Russian
text gives no token at all and scores 0 against anything, with no error. Each engine hands
:class:`~bench.metrics.rouge.Rouge` a :class:`Probe` for the tokenizer it uses; :class:`InvisibleTexts`
counts the non-empty predictions and references that yield no token, per language they are scored as,
and when more than :data:`INVISIBLE_SHARE` of them do, :attr:`InvisibleTexts.warning` says so with the
count, the script of those texts and the fix. Empty texts (or only whitespace) are not counted: a
missing prediction is a system failure, reported elsewhere.

The count costs one regular-expression search per text (the probe's ``quick``), and a full check only
for the few texts it misses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.metrics.language_guess import SCRIPT_LANGUAGE, letter_scripts, script_name

__all__ = ["INVISIBLE_SHARE", "Probe", "GroupCount", "InvisibleTexts"]

INVISIBLE_SHARE = 0.5  # warn when more than this share of the non-empty scored texts yields no token
_SCRIPT_SAMPLE = 20  # invisible texts per call whose letters are looked at, to name their script


@dataclass(frozen=True)
class Probe:
    """Whether a text yields a token under one engine's tokenizer for one language.

    ``quick(text)`` is truthy when the text surely has a token (a regex search); ``sees(text)`` is the
    exact answer, asked only for texts ``quick`` misses. ``fix`` tells the user what to do when the
    texts are invisible; ``{lang}`` in it becomes the language their script suggests.
    """

    tokenizer: str
    language: str
    quick: Callable[[str], Any]
    sees: Callable[[str], bool]
    fix: str

    def count(self, texts: Sequence[str]) -> tuple[int, list[str]]:
        """(how many of ``texts`` are non-empty, those non-empty ones that yield no token)."""
        quick = self.quick
        if all(map(quick, texts)):  # the common case: no list, no Python loop
            return len(texts), []
        missed = [t for t in texts if not quick(t)]
        blank = [t for t in missed if not t.strip()]
        return len(texts) - len(blank), [t for t in missed if t.strip() and not self.sees(t)]


@dataclass
class GroupCount:
    """The count for the texts scored as one language."""

    probe: Probe
    texts: int = 0
    invisible: int = 0
    scripts: Counter[str] = field(default_factory=Counter)  # letters of (a sample of) the invisible texts

    def add(self, texts: int, invisible: Sequence[str]) -> None:
        self.texts += texts
        self.invisible += len(invisible)
        for text in invisible[:_SCRIPT_SAMPLE]:
            self.scripts.update(letter_scripts(text))

    def merge(self, other: GroupCount) -> None:
        self.texts += other.texts
        self.invisible += other.invisible
        self.scripts.update(other.scripts)


@dataclass
class InvisibleTexts:
    """Non-empty predictions and references that yield no token, per language they were scored as."""

    groups: dict[str, GroupCount] = field(default_factory=dict)

    @property
    def texts(self) -> int:
        """Non-empty texts scored (predictions and every reference)."""
        return sum(g.texts for g in self.groups.values())

    @property
    def invisible(self) -> int:
        """Of :attr:`texts`, those that yield no token under the tokenizer in use."""
        return sum(g.invisible for g in self.groups.values())

    @property
    def share(self) -> float:
        texts = self.texts
        return self.invisible / texts if texts else 0.0

    def add(self, probe: Probe, texts: Sequence[str]) -> None:
        """Count ``texts`` scored with ``probe`` (its language is the group)."""
        group = self.groups.get(probe.language)
        if group is None:
            group = self.groups[probe.language] = GroupCount(probe)
        group.add(*probe.count(texts))

    def merge(self, other: InvisibleTexts) -> None:
        for lang, group in other.groups.items():
            if lang in self.groups:
                self.groups[lang].merge(group)
            else:
                self.groups[lang] = GroupCount(group.probe, group.texts, group.invisible, Counter(group.scripts))

    def snapshot(self) -> list[tuple[str, int, int, list[tuple[str, int]]]]:
        """The counts as plain data, groups and scripts in their order: (language, texts, invisible,
        [(script, letters)...]) per group. :meth:`from_snapshot` rebuilds them (the probes stay behind)."""
        return [(lang, g.texts, g.invisible, list(g.scripts.items())) for lang, g in self.groups.items()]

    @classmethod
    def from_snapshot(cls, snapshot: Sequence[Any], probe: Callable[[str], Probe]) -> InvisibleTexts:
        """The counts of :meth:`snapshot`, each group with ``probe(language)``."""
        return cls({lang: GroupCount(probe(lang), t, n, Counter(dict(s))) for lang, t, n, s in snapshot})

    def invisible_in(self, language: str) -> bool:
        """Whether most texts scored as ``language`` are invisible."""
        group = self.groups.get(language)
        return group is not None and group.invisible > INVISIBLE_SHARE * group.texts

    @property
    def warning(self) -> str | None:
        """One line naming the count, the tokenizer and the fix; None unless most texts are invisible."""
        if not self.groups or self.invisible <= INVISIBLE_SHARE * self.texts:
            return None
        group = max(self.groups.values(), key=lambda g: g.invisible)
        probe = group.probe
        script = group.scripts.most_common(1)[0][0] if group.scripts else None
        guess = SCRIPT_LANGUAGE.get(script or "", "xx")
        what = f"their letters are {script_name(script)}" if script else "they hold no letters or digits"
        return (
            f"ROUGE: {self.invisible} of {self.texts} non-empty texts ({100 * self.share:.0f}%) yield no "
            f"token under tokenizer {probe.tokenizer} (language {probe.language!r}): {what}, so they score "
            f"0. Fix: {probe.fix.format(lang=guess)}"
        )
