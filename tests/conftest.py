"""Shared fixtures: a small real corpus (BBC excerpt when the shared copy exists, else hand-written)."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"

ARTICLES = [
    {
        "id": "a1",
        "headline": "Council approves new bridge over river",
        "standfirst": "The city council has approved a new bridge. Work starts in May.",
        "body": "The city council approved a new bridge over the river on Monday. Mr. Brown said the U.S. firm "
        "would build it.\n\nWork starts in May and costs $1.5bn. Residents welcomed the plan.",
    },
    {
        "id": "a2",
        "headline": "Storm closes schools",
        "standfirst": "Schools across the region were closed after a storm.",
        "body": "A storm closed schools across the region on Tuesday. Heavy rain flooded roads.\n\n"
        '"We had no choice," the head teacher said. Classes resume on Friday.',
    },
    {
        "id": "a3",
        "standfirst": "Fans celebrated after extra time decided the final.",
        "body": "The local team won the cup final after extra time. Fans celebrated in the streets.\n\n"
        "The coach praised his players.",
    },
]


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Three articles in JSONL; the third has no headline (a headline task skips it)."""
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES))
    return path


@pytest.fixture
def small_config(tmp_path: Path, small_corpus: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(f"""
name: small
corpus: {{path: {small_corpus.name}}}
tasks: {{headline: {{max_words: 6}}, standfirst: {{max_words: 15}}}}
systems:
  - {{name: lead-1, kind: lead, sentences: 1}}
  - {{name: lead-words, kind: lead, words: task}}
metrics:
  rouge: {{bootstrap: 200, seed: 7}}
""")
    return path


# --- the skip summary: a partial run must not pass for a full one -----------------------------------------

#: how a skip reason names the Debian package that would let the test run (first match wins)
_PACKAGE_IN_REASON = (
    re.compile(r"apt-get install ([a-z0-9][a-z0-9.+-]*)"),
    re.compile(r"install Debian's ([a-z0-9][a-z0-9.+-]*)"),
)
#: skips that name no package but whose package is known (libxml-parser-perl pulls in perl itself)
_PACKAGE_FOR_TOPIC = (("ROUGE-1.5.5.pl", "libxml-parser-perl"), ("chromium", "chromium"))


def missing_package(reason: str) -> str | None:
    """The Debian package a skipped test needs, read from its skip reason; None for other skips."""
    for pattern in _PACKAGE_IN_REASON:
        found = pattern.search(reason)
        if found:
            return found.group(1)
    return next((package for topic, package in _PACKAGE_FOR_TOPIC if topic in reason), None)


def skip_summary(reasons: list[str]) -> str | None:
    """One line for the end of the run: how many tests skipped, which packages they need, how to install."""
    if not reasons:
        return None
    needs = Counter(missing_package(r) for r in reasons)
    others = needs.pop(None, 0)
    parts = [f"{n} need{'s' if n == 1 else ''} {package}" for package, n in needs.most_common()]
    if others:
        parts.append(f"{others} for other reasons (-rs lists them)")
    line = f"{len(reasons)} test{'s' if len(reasons) != 1 else ''} skipped, so this is not a full run: " + ", ".join(
        parts
    )
    if needs:
        line += f" — install: apt-get install {' '.join(package for package, _ in needs.most_common())}"
    return line


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After pytest's own summary, just above the final counts: the skip line of :func:`skip_summary`."""
    yield
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if r.skipped]
    line = skip_summary([_skip_reason(r) for r in skipped])
    if line:
        terminalreporter.write_line(line, yellow=True, bold=True)
