"""JsonlAppender: rows appended to a temp file, renamed into place once, never torn, never left behind."""

from __future__ import annotations

import json
import os
import stat

import pytest

from bench.files import JsonlAppender, read_jsonl, write_jsonl


def _hidden(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_rows_appear_only_at_commit_and_match_write_jsonl(tmp_path):
    rows = [{"id": "a1", "text": "Grüße, “quoted”"}, {"id": "a2", "n": 3, "x": None}]
    path = tmp_path / "rows.jsonl"
    with JsonlAppender(path) as out:
        out.append(rows[:1])
        assert not path.exists() and len(_hidden(tmp_path)) == 1  # the temp file, beside the target
        out.append(iter(rows[1:]))
        out.commit()
    write_jsonl(tmp_path / "whole.jsonl", rows)
    assert path.read_bytes() == (tmp_path / "whole.jsonl").read_bytes()  # the same spelling as a whole write
    assert read_jsonl(path) == rows and out.rows == 2 and _hidden(tmp_path) == []
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # shared like every other result file


def test_nothing_appended_commits_an_empty_file(tmp_path):
    with JsonlAppender(tmp_path / "empty.jsonl") as out:
        out.commit()
    assert (tmp_path / "empty.jsonl").read_bytes() == b""


def test_leaving_without_commit_removes_the_temp_file_and_keeps_the_old_one(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"old": true}\n')
    with pytest.raises(KeyError), JsonlAppender(path) as out:
        out.append([{"new": 1}])
        raise KeyError("the run failed")
    assert path.read_text() == '{"old": true}\n' and _hidden(tmp_path) == []


def test_append_from_copies_another_appender_in_order_and_discards_it(tmp_path):
    main, part = JsonlAppender(tmp_path / "main.jsonl"), JsonlAppender(tmp_path / ".main.jsonl.unit1")
    main.append([{"i": 0}])
    part.append([{"i": 2}, {"i": 3}])
    main.append([{"i": 1}])
    main.append_from(part)
    main.append_from(JsonlAppender(tmp_path / "never-written.jsonl"))  # nothing to copy
    main.commit()
    assert [json.loads(line)["i"] for line in (tmp_path / "main.jsonl").read_text().splitlines()] == [0, 1, 2, 3]
    assert main.rows == 4 and _hidden(tmp_path) == [] and not (tmp_path / "never-written.jsonl").exists()
