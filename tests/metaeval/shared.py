"""Where the team's shared judgment files are: ``../shared`` beside the checkout (or beside its parent, for a
worktree under ``wt/``). They are read from there, never copied into the repository."""

from __future__ import annotations

from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
JUDGMENTS = next(
    (p for p in (_REPO.parent / "shared" / "judgments", _REPO.parents[1] / "shared" / "judgments") if p.is_dir()),
    _REPO.parent / "shared" / "judgments",
)
