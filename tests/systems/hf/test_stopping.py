"""The end-of-line stop for headlines, on a hand-made vocabulary."""

from __future__ import annotations

import torch

from bench.systems.hf.stopping import line_tables, lines_done

# id: 0 pad, 1 "\n", 2 "foo", 3 " ", 4 "bar\n", 5 "\nbaz"
TABLES = line_tables(["", "\n", "foo", " ", "bar\n", "\nbaz"])


def done(rows: list[list[int]]) -> list[bool]:
    return lines_done(torch.tensor(rows), TABLES).tolist()


def test_line_with_content_then_break_stops() -> None:
    assert done([[2, 3, 1]]) == [True]  # "foo \n"
    assert done([[4, 0, 0]]) == [True]  # "bar\n" in one token
    assert done([[2, 5, 0]]) == [True]  # "foo\nbaz": the break after foo ends the line


def test_leading_blank_lines_do_not_stop() -> None:
    assert done([[1, 1, 3]]) == [False]  # "\n\n "
    assert done([[1, 5, 2]]) == [False]  # "\n\nbazfoo": content, no break after it yet
    assert done([[1, 2, 1]]) == [True]  # "\nfoo\n"


def test_rows_are_independent() -> None:
    assert done([[2, 2, 2], [2, 1, 0], [0, 0, 0]]) == [False, True, False]
