"""Where the team's shared judgment files are: ``../shared`` beside the checkout (or beside its parent, for a
worktree under ``wt/``). They are read from there, never copied into the repository."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[2]
JUDGMENTS = next(
    (p for p in (_REPO.parent / "shared" / "judgments", _REPO.parents[1] / "shared" / "judgments") if p.is_dir()),
    _REPO.parent / "shared" / "judgments",
)
REALSUMM = JUDGMENTS / "realsumm-cnndm.jsonl"


def realsumm_subset(path: Path, documents: int) -> Path:
    """Write REALSumm's judgments of its first ``documents`` documents (25 systems each) to ``path``."""
    lines = REALSUMM.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if int(json.loads(x)["doc_id"]) < documents), encoding="utf-8")
    return path


def run_meta_eval(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """``bench meta-eval ARGV`` through its CLI parser; asserts exit status 0 and returns what it printed."""
    from bench.cli import meta_eval

    parser = argparse.ArgumentParser()
    meta_eval.add_parser(parser.add_subparsers())
    args = parser.parse_args(["meta-eval", *argv])
    assert args.func(args) == 0
    return capsys.readouterr().out
