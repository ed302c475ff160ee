"""Loading judgment files: the shared sets load; bad lines fail with one line naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.errors import CorpusError
from bench.metaeval.judgments import aspects_of, build_grid, load_judgments
from tests.metaeval.shared import JUDGMENTS as SHARED

GOOD = {"doc_id": "1", "system": "a", "summary": "x y", "references": ["x z"], "human": {"q": 0.5}}


def _write(tmp_path: Path, rows: list) -> Path:
    path = tmp_path / "j.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared judgments not present")
def test_shared_sets_load_as_complete_grids() -> None:
    realsumm = load_judgments(SHARED / "realsumm-cnndm.jsonl")
    assert len(realsumm) == 2500 and aspects_of(realsumm) == ["litepyramid_recall"]
    grid = build_grid(realsumm, range(len(realsumm)))
    assert grid.cells.shape == (100, 25) and grid.dropped_docs == 0
    assert {j.fields["family"] for j in realsumm} == {"abs", "ext"}
    xsum = load_judgments(SHARED / "xsum-faithfulness.jsonl")
    assert len(xsum) == 1992 and aspects_of(xsum) == ["faithful", "factual"]
    assert build_grid(xsum, range(len(xsum))).cells.shape == (498, 4)


@pytest.mark.parametrize(
    "bad, words",
    [
        ("{not json", "not JSON"),
        ({**GOOD, "human": {"q": "high"}}, "human.q must be a finite number"),
        ({k: v for k, v in GOOD.items() if k != "summary"}, "missing field 'summary'"),
        ({**GOOD, "references": []}, "'references' must be a non-empty list"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_line_names_file_line_and_field(tmp_path: Path, bad, words: str) -> None:
    path = _write(tmp_path, [GOOD | {"doc_id": "0"}, bad])
    with pytest.raises(CorpusError, match=f"j.jsonl:2: .*{words}"):
        load_judgments(path)


def test_duplicate_summary_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"j\.jsonl:2: doc_id '1' × system 'a' repeats line 1"):
        load_judgments(_write(tmp_path, [GOOD, GOOD]))


def test_documents_missing_a_system_are_dropped_from_the_grid(tmp_path: Path) -> None:
    rows = [GOOD, GOOD | {"system": "b"}, GOOD | {"doc_id": "2"}]
    judgments = load_judgments(_write(tmp_path, rows))
    grid = build_grid(judgments, range(3))
    assert grid.docs == ("1",) and grid.systems == ("a", "b") and grid.dropped_docs == 1
