"""The report rendered by a real headless browser (Debian's chromium): the DOM a reader gets, and a
screenshot. Skipped only where chromium is not installed (CI installs it)."""

import json
import re
import struct
from html import escape
from html.parser import HTMLParser

import pytest

from bench.config import load_config
from bench.render.compare import build_comparison
from bench.report import browser_types, write_report
from bench.report.browser import STATIC_ARTICLES, browser_html, collect_articles
from bench.report.chromium import dump_dom, find_chromium, render
from bench.run.execute import execute
from bench.run.rundir import open_run

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="chromium not installed (Debian: apt-get install chromium)"),
]


def test_report_renders_in_headless_chromium(tmp_path, small_config):
    run_dir = execute(load_config(small_config), output_root=tmp_path / "results").run_dir
    html = write_report(run_dir)
    shot = tmp_path / "report.png"
    rendered = render(html, shot, width=1280, height=2000)
    dom = rendered.dom
    for target in ("headline", "standfirst"):
        table = re.search(rf'<table class="board" id="leaderboard-{target}">(.*?)</table>', dom, re.S)
        assert table and len(re.findall(r"<tr", table.group(1))) == 3
    assert len(re.findall(r'<svg class="chart"', dom)) == 5
    assert len(re.findall(r'<details class="article"', dom)) == 3
    assert "Council approves new bridge over river" in dom
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes


def many_articles_config(tmp_path, count=30):
    """A real run's config over ``count`` articles, more than the browser renders statically; article art-24's
    first sentence and headline carry a closing script tag."""
    articles = []
    for k in range(count):
        first = (
            f"</script><script>document.title='pwned'</script> Story {k} opens here."
            if k == 24
            else f"Story {k} opens with news about item {k}."
        )
        articles.append(
            {
                "id": f"art-{k:02d}",
                "headline": f"Headline {k} </script> about item {k}",
                "standfirst": f"Standfirst {k} sums up item {k} for readers.",
                "body": f"{first} It goes on about item {k}.\n\nMore about item {k} follows here.",
            }
        )
    corpus = tmp_path / "many.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles))
    config = tmp_path / "many.yaml"
    config.write_text(f"""
name: many
corpus: {{path: {corpus.name}}}
tasks: {{headline: {{max_words: 6}}, standfirst: {{max_words: 15}}}}
systems:
  - {{name: lead-1, kind: lead, sentences: 1}}
  - {{name: lead-words, kind: lead, words: task}}
metrics:
  rouge: {{bootstrap: 20, seed: 7}}
""")
    return config


class Events(HTMLParser):
    """A page fragment as (tag, sorted attributes) and text events, so markup from Python and from the browser's
    serialiser compare equal when they mean the same."""

    def __init__(self):
        super().__init__()
        self.events = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        self.events.append(("text", data))


def events(fragment):
    parser = Events()
    parser.feed(fragment)
    parser.close()
    return parser.events


def block(page, article_id):
    """The <details> block of ``article_id`` (outer HTML) in ``page``."""
    match = re.search(
        rf'<details class="article"[^>]*><summary><span class="aid">{re.escape(article_id)}</span>.*?'
        r"</details>",
        page,
        re.S,
    )
    assert match, f"no block for {article_id}"
    return match.group(0)


@pytest.fixture
def many_run(tmp_path):
    return execute(load_config(many_articles_config(tmp_path)), output_root=tmp_path / "results").run_dir


def test_an_article_built_on_demand_matches_its_static_rendering(many_run):
    html = write_report(many_run)
    assert html.read_text().count('<details class="article"') == STATIC_ARTICLES < 30
    dom = dump_dom(html, fragment="article=art-24")
    assert len(re.findall(r'<details class="article"', dom)) == 30  # every article has a block
    opened = block(dom, "art-24")
    assert re.match(r'<details class="article" data-i="24" data-ready="" open="">', opened)
    predictions = open_run(many_run).predictions
    for row in predictions[predictions["article_id"] == "art-24"].itertuples():
        assert escape(row.prediction, quote=False) in opened and escape(row.reference, quote=False) in opened
    assert "</script><script>" in predictions.loc[predictions["article_id"] == "art-24", "prediction"].iloc[0]
    assert "<title>many" in dom and "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)
    assert "<script>document.title" not in dom
    run = open_run(many_run)
    table = build_comparison([run])
    types = browser_types(table)
    views = collect_articles(run.predictions, run.scores, types, run.systems)
    static = block(browser_html(views, table.targets, types, static=len(views)), "art-24")
    inner = re.compile(r'<div class="targets">.*</div>', re.S)
    assert events(inner.search(opened).group(0)) == events(inner.search(static).group(0))


def test_opening_by_click_and_filtering_work_in_the_browser(many_run, tmp_path):
    text = write_report(many_run).read_text()
    driven = tmp_path / "driven.html"  # the report plus what a reader does: open art-27, type 'ART-2' in the filter
    driven.write_text(
        text.replace(
            "</body>",
            "<script>document.querySelector('details[data-i=\"27\"] summary')"
            ".click(); var f = document.getElementById('article-filter'); f.value = 'ART-2';"
            " f.dispatchEvent(new Event('input'));</script></body>",
        )
    )
    dom = dump_dom(driven)
    assert "Story 27 opens with news about item 27." in block(dom, "art-27")
    blocks = re.findall(r'<details class="article"([^>]*)><summary><span class="aid">([^<]+)', dom)
    assert len(blocks) == 30
    shown = [aid for attrs, aid in blocks if not re.search(r"\bhidden\b", attrs)]
    assert shown == [f"art-{k}" for k in range(20, 30)]  # the filter matches ids without regard to case
    assert '<span id="article-count">10</span>' in dom
