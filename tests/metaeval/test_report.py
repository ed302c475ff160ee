"""``bench meta-eval --report``: the HTML page on real REALSumm judgments (first 10 documents × 25 systems),
parsed back: one table per group × aspect × level with a row per metric column and the same numbers as
``--json``, the paired tests with their verdict, the signatures, and nothing fetched from the network."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench.metaeval.report import ALPHA, section_id
from tests.metaeval.shared import REALSUMM, realsumm_subset, run_meta_eval

pytestmark = pytest.mark.skipif(not REALSUMM.is_file(), reason="shared judgments not present")
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)|url\(\s*["']?(?:https?:|//)|@import""", re.I)


class Tables(HTMLParser):
    """Every table by id: its rows as lists of cell texts, with each row's data-* attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[dict[str, str], list[str]]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.current = a.get("id", "")
            self.tables[self.current] = []
        elif tag == "tr" and self.current is not None:
            self.tables[self.current].append(({k: v for k, v in a.items() if k.startswith("data-")}, []))
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.current is not None:
            self.tables[self.current][-1][1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return realsumm_subset(tmp_path_factory.mktemp("j") / "realsumm-10.jsonl", 10)


def test_report_has_a_table_per_group_aspect_level_with_every_metric(
    subset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "meta.html"
    argv = [str(subset), "--group-by", "family", "--bootstrap", "50", "--cache-dir", str(tmp_path), "--json"]
    argv += ["--test", "rouge2.recall", "rouge1.precision", "--report", str(report)]
    out = json.loads(run_meta_eval(argv, capsys))
    html = report.read_text(encoding="utf-8")
    parser = Tables()
    parser.feed(html)
    metrics = list(dict.fromkeys(r["metric"] for r in out["rows"]))
    assert "rouge2.recall" in metrics and len(metrics) >= 6
    for group in ("abs", "ext"):
        for level in ("system", "summary", "global"):
            rows = parser.tables[section_id(group, "litepyramid_recall", level)]
            body = [(data, cells) for data, cells in rows if "data-metric" in data]
            assert [data["data-metric"] for data, _ in body] == metrics  # one row per metric column, in order
            for data, cells in body:
                [row] = [
                    r
                    for r in out["rows"]
                    if (r["metric"], r["group"], r["level"]) == (data["data-metric"], group, level)
                ]
                shown = float(cells[1].split()[0])  # Kendall, as printed (+0.123)
                assert shown == pytest.approx(row["kendall"], abs=5e-4)
                lo, hi = (float(x) for x in re.findall(r"[+-]\d\.\d\d", cells[1].split(" ", 1)[1]))
                assert (lo, hi) == pytest.approx(row["ci"]["kendall"], abs=5e-3)
    tests = [cells for data, cells in parser.tables["paired-tests"] if "data-significant" in data]
    assert len(tests) == len(out["tests"]) == 6  # 2 groups × 3 levels
    for cells, test in zip(tests, out["tests"]):
        assert float(cells[7]) == pytest.approx(test["p"], abs=5e-5)
        assert cells[8].startswith("differ significantly" if test["p"] < ALPHA else "no significant difference")
    assert out["signature"]["rouge"] in html.replace("&amp;", "&") and "judged summaries" in html
    assert not EXTERNAL.search(html)


def test_without_tests_the_report_says_how_to_ask_for_one(
    subset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "meta.html"
    run_meta_eval(
        [str(subset), "--bootstrap", "20", "--levels", "system", "--no-cache", "--report", str(report)], capsys
    )
    html = report.read_text(encoding="utf-8")
    assert "No paired tests were run" in html and "--test METRIC_A METRIC_B" in html
    parser = Tables()
    parser.feed(html)
    assert list(parser.tables) == [section_id(None, "litepyramid_recall", "system")]
