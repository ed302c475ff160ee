"""The whole report on a real (small) run: sections, leaderboards, charts, browser, no network, valid nesting."""

import re
from html.parser import HTMLParser

import pytest

from bench.config import load_config
from bench.errors import RunError
from bench.report import build_report, write_report
from bench.run.execute import execute
from bench.run.rundir import open_run

VOID = {"meta", "br", "img", "input", "hr", "link", "rect", "circle", "line", "path"}
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)|url\(\s*["']?(?:https?:|//)|@import""", re.I)


class Nesting(HTMLParser):
    """Fails on a closing tag that does not match the open one (self-closed SVG shapes are fine)."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


@pytest.fixture
def run_dir(tmp_path, small_config):
    return execute(
        load_config(small_config), output_root=tmp_path / "results", argv=["bench", "run", "small.yaml"]
    ).run_dir


def test_report_sections_on_a_real_run(run_dir):
    run = open_run(run_dir)
    html = build_report(run)
    assert html.startswith("<!DOCTYPE html>") and run.signature in html
    assert "<code>bench run small.yaml</code>" in html
    for target in ("headline", "standfirst"):
        table = re.search(rf'<table class="board" id="leaderboard-{target}">(.*?)</table>', html, re.S).group(1)
        assert table.count("<tr") == 3  # header + lead-1 + lead-words
        assert "lead-1" in table and "lead-words" in table
    assert html.count('<svg class="chart"') == 5  # distribution + length per target, one speed chart
    assert html.count('<details class="article"') == 3
    # a3 has no headline in the corpus: its block says so and shows its real standfirst
    a3 = html.split('<span class="aid">a3</span>')[1].split("</details>")[0]
    assert "no headline in the corpus" in a3 and "Fans celebrated after extra time decided the final." in a3
    # a1's real headline beside lead-1's output for it
    a1 = html.split('<span class="aid">a1</span>')[1].split("</details>")[0]
    assert "Council approves new bridge over river" in a1
    assert "The city council approved a new bridge over the river on Monday." in a1


def test_report_is_self_contained_and_well_nested(run_dir):
    html = build_report(open_run(run_dir))
    assert not EXTERNAL.search(html)
    checker = Nesting()
    checker.feed(html)
    assert checker.errors == [] and checker.stack == []


def test_write_report_default_place_and_errors(run_dir, tmp_path):
    assert write_report(run_dir) == run_dir / "report.html"
    assert write_report(run_dir, tmp_path) == tmp_path / "report.html"  # a folder gets report.html inside
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(RunError, match=r"a-file/r.html: cannot write the report"):
        write_report(run_dir, blocker / "r.html")
    with pytest.raises(RunError, match="no such run directory"):
        write_report(tmp_path / "missing")


def test_a_failed_system_is_shown_with_its_error(tmp_path):
    import json

    from tests.render.test_compare import A, B, make_run

    path = make_run(
        tmp_path,
        "hand-1",
        {"ok": A, "better": B, "broken": A},
        extra={"broken": {"status": "failed", "error": "OSError: no model at /m <here>"}},
    )
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["failures"] = [{"system": "broken", "target": "headline", "error": "OSError: no model at /m <here>"}]
    (path / "manifest.json").write_text(json.dumps(manifest))
    html = build_report(open_run(path))
    board = re.search(r'<table class="board" id="leaderboard-headline">(.*?)</table>', html, re.S).group(1)
    ranked = re.findall(r"<td class=sys>(.*?)</td>", board)
    assert ranked == ["better", "ok", "broken"]
    assert (
        '<tr class="failed"><td class=num>–</td>' in board and "FAILED: OSError: no model at /m &lt;here&gt;" in board
    )
    assert '<div class="failures"><b>1 system × target failed</b>' in html
    assert "Test CPU (2 CPUs); NVIDIA H200" in html  # the machine from the manifest


def test_systems_on_different_articles_are_ranked_on_the_common_ones(tmp_path):
    from tests.render.test_compare import A, make_run

    # S scored h1 and h2 only: on those S averages 0.55 and A 0.15 (A's own mean over h1..h4 is 0.25)
    path = make_run(tmp_path, "hand-sample", {"A": A, "S": [0.5, 0.6]}, extra={"S": {"n": 2}})
    html = build_report(open_run(path))
    board = re.search(r'<table class="board" id="leaderboard-headline">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(
        r"<tr[^>]*><td class=num>([^<]*)</td><td class=sys>([^<]*)</td><td>[^<]*</td>"
        r"<td class=num>(\d+)</td><td class=\"num[^\"]*\">([\d.]+)",
        board,
    )
    # ranked on the two common articles, then each system's own mean (also ordered by score), unranked
    assert rows == [
        ("1", "S", "2", "55.00"),
        ("2", "A", "2", "15.00"),
        ("–", "S", "2", "55.00"),
        ("–", "A", "4", "25.00"),
    ]
    assert "not ranked: the article sets differ" in board
