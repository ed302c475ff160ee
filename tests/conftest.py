"""Shared fixtures: a small real corpus (BBC excerpt when the shared copy exists, else hand-written)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"

ARTICLES = [
    {"id": "a1", "headline": "Council approves new bridge over river",
     "standfirst": "The city council has approved a new bridge. Work starts in May.",
     "body": "The city council approved a new bridge over the river on Monday. Mr. Brown said the U.S. firm "
             "would build it.\n\nWork starts in May and costs $1.5bn. Residents welcomed the plan."},
    {"id": "a2", "headline": "Storm closes schools",
     "standfirst": "Schools across the region were closed after a storm.",
     "body": "A storm closed schools across the region on Tuesday. Heavy rain flooded roads.\n\n"
             "\"We had no choice,\" the head teacher said. Classes resume on Friday."},
    {"id": "a3", "standfirst": "A local team won the cup final after extra time.",
     "body": "The local team won the cup final after extra time. Fans celebrated in the streets.\n\n"
             "The coach praised his players."},
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
