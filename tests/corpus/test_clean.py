"""Boilerplate removal (corpus.clean): share bars, placeholders, captions, repeated and link-like lines go;
the story stays, and the reference corpora come out exactly as they went in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.article import Article, Task
from bench.corpus.boilerplate_patterns import CAPTION_PATTERNS, PLACEHOLDER_PATTERNS
from bench.corpus.clean import clean_articles
from bench.corpus.clean_settings import CleanSettings
from bench.corpus.load import CorpusConfig, load_corpus
from bench.errors import BenchError
from bench.systems import create
from bench.typed import build

REPO = Path(__file__).resolve().parents[2]
_BBC = Path("shared", "corpora", "bbc-news-2004", "articles.jsonl")
BBC = next((p / _BBC for p in Path(__file__).resolve().parents if (p / _BBC).exists()), None)
needs_bbc = pytest.mark.skipif(BBC is None, reason="shared BBC corpus not found (shared/corpora/bbc-news-2004)")

SHARE_BAR = ["Share this article", "Share on Facebook", "Share on Twitter", "Email"]
VIDEO = "This video is not supported on your device"


def bbc_rows(n: int) -> list[dict]:
    assert BBC is not None
    with BBC.open(encoding="utf-8") as fh:
        return [json.loads(next(fh)) for _ in range(n)]


def art(body: str, i: int = 0, source: str | None = None) -> Article:
    return Article(id=f"a{i}", body=body, source=source)


STORY = (
    "The city council approved a new bridge over the river on Monday after a ten-year dispute over its cost.\n\n"
    "Work starts in May and should take two years, the council said.\n\n"
    "Critics said the price was too high and that the money was needed for schools."
)


# ---- the test: scraped furniture never reaches lead-1 -----------------------------------------


def _injected(rows: list[dict]) -> list[dict]:
    """30% of the bodies open with a share bar, 10% with a video placeholder (as scraped pages do)."""
    out = []
    for i, row in enumerate(rows):
        body = row["body"]
        if i % 10 < 3:
            body = "\n".join(SHARE_BAR) + "\n\n" + body
        elif i % 10 == 3:
            body = VIDEO + "\n\n" + body
        out.append({**row, "body": body})
    return out


def _lead1(tmp_path: Path, rows: list[dict], clean: str) -> dict[str, str]:
    from bench.config import load_config
    from bench.run.execute import execute

    tmp_path.mkdir()
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cfg = tmp_path / f"clean-{clean}.yaml"
    cfg.write_text(
        f"corpus: {{path: c.jsonl, clean: {clean}}}\ntasks: {{headline: {{max_words: 12}}}}\n"
        "systems:\n  - {name: lead-1, kind: lead, sentences: 1}\nmetrics: {rouge: {bootstrap: 50}}\n"
    )
    result = execute(load_config(cfg), output_root=tmp_path / "runs", use_cache=False)
    predictions = (result.run_dir / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    return {p["article_id"]: p["prediction"] for p in map(json.loads, predictions)}


@needs_bbc
def test_lead1_never_returns_a_share_bar_or_a_video_placeholder(tmp_path):
    rows = bbc_rows(40)
    injected = _injected(rows)
    cleaned = _lead1(tmp_path / "on", injected, "true")
    raw = _lead1(tmp_path / "off", injected, "false")
    # the real lead-1 of the untouched articles, from the system API: cleaning gives exactly these back
    lead = create({"name": "lead-1", "kind": "lead", "sentences": 1}, "test")
    original = lead.summarize([Article(id=r["id"], body=r["body"]) for r in rows], Task("headline", 12))
    assert cleaned == {r["id"]: text for r, text in zip(rows, original)}
    furniture = re.compile("|".join(map(re.escape, [*SHARE_BAR, VIDEO])))
    assert not [text for text in cleaned.values() if furniture.search(text)]
    # with clean: false the furniture is what lead-1 "summarises"
    assert [raw[r["id"]] for i, r in enumerate(rows) if i % 10 < 3] == ["Share this article"] * 12
    assert [raw[r["id"]] for i, r in enumerate(rows) if i % 10 == 3] == [VIDEO] * 4


@needs_bbc
def test_a_line_repeated_across_the_source_goes_and_the_counts_say_why(tmp_path):
    rows = bbc_rows(40)
    promo = "Download the Newsday app for the latest headlines"  # in no pattern list: only repetition finds it
    for row in rows[::3]:  # 14 of 40 articles
        row["body"] = row["body"] + "\n\n" + promo
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    corpus = load_corpus(CorpusConfig(path=str(path), dedupe=False))
    assert [a.body for a in corpus.articles] == [r["body"].removesuffix("\n\n" + promo) for r in rows]
    assert corpus.clean["removed"] == {"repeated": 14} and corpus.clean["top_lines"] == [[promo, 14]]
    assert corpus.articles[0].meta["boilerplate"] == {"repeated": 1}
    kept = load_corpus(build(CorpusConfig, {"path": str(path), "clean": {"repeated_lines": False}}, "corpus"))
    assert sum(promo in a.body for a in kept.articles) == 14


# ---- the reference corpora have nothing to clean --------------------------------------------------------


@pytest.mark.parametrize("source", ["bbc", "dw-sample", "dw-raw-page"])
def test_the_reference_corpora_come_out_unchanged(source):
    path = {"bbc": BBC, "dw-sample": REPO / "data" / "sample.jsonl", "dw-raw-page": REPO / "data" / "raw"}[source]
    if path is None:
        pytest.skip("shared BBC corpus not found (shared/corpora/bbc-news-2004)")
    on = load_corpus(CorpusConfig(path=str(path), dedupe=False))
    off = load_corpus(CorpusConfig(path=str(path), dedupe=False, clean=False))
    assert [a.body for a in on.articles] == [a.body for a in off.articles]
    assert on.clean["removed"] == {} and on.clean["kept_uncleaned_count"] == 0 and off.clean == {}


# ---- the rules, line by line ------------------------------------------------------------------------------

FURNITURE = {
    "patterns": [
        VIDEO,
        "Media playback is unsupported on your device",
        "Share this article",
        "Follow us on Twitter for the latest news",
        "Sign up for our daily newsletter",
        "We use cookies to improve your experience. Accept all cookies",
        "Read more: Why the bridge matters",
        "Advertisement",
        "- Facebook - Twitter - WhatsApp",
        "Lesen Sie auch: Die Brücke kommt",
    ],
    "captions": [
        "Image caption The mayor opened the bridge on Monday",
        "Image copyright Getty Images",
        "Photo: Reuters",
        "Foto: dpa",
        "(Reuters)",
        "© AFP",
        "Getty Images",
        "Jane Doe/Getty Images",
        "AFP/Getty Images",
    ],
}
PROSE = [
    "Reuters reported that the talks stalled on Tuesday.",
    "The company said it would share the data with regulators.",
    "Copyright law is changing in the EU, the commission said.",
    "Newsletter publishers lost readers last year, the report said.",
    "Read the statement in full, he told reporters.",
    "Getty Images, the photo agency, was sold for $3bn.",
    "Subscribers to the service will pay more from May.",
]


@pytest.mark.parametrize("rule", sorted(FURNITURE))
def test_furniture_lines_go_under_their_rule(rule):
    for line in FURNITURE[rule]:  # one article at a time: the story's lines must not count as repeated
        (out,), report = clean_articles([art(f"{line}\n\n{STORY}")], CleanSettings())
        assert out.body == STORY, line
        assert dict(report.removed) == {rule: 1}, line


def test_sentences_that_only_mention_those_words_stay():
    for line in PROSE:
        (out,), report = clean_articles([art(f"{line}\n\n{STORY}")], CleanSettings())
        assert out.body == f"{line}\n\n{STORY}" and report.removed == {}, line


def test_a_menu_run_goes_but_fixtures_rankings_and_short_pairs_stay():
    menu = "Home\n\nNews\n\nSport\n\nWeather\n\nLocal news"
    fixtures = "Arsenal v Stoke\n\nChelsea v Everton\n\nLeeds v Hull"
    ranking = "1 Roger Federer\n\n2 Andy Roddick\n\n3 Lleyton Hewitt"
    pair = "Related coverage\n\nBridge dispute"  # two short lines: not a run
    articles = [art(f"{menu}\n\n{STORY}", 0)] + [
        art(f"{STORY}\n\n{t}", i) for i, t in enumerate([fixtures, ranking, pair], 1)
    ]
    out, report = clean_articles(articles, CleanSettings())
    assert out[0].body == STORY and dict(report.removed) == {"link_runs": 5, "patterns": 1}
    assert [a.body for a in out[1:3]] == [a.body for a in articles[1:3]]
    assert out[3].body == f"{STORY}\n\nBridge dispute"  # "Related coverage" alone is a widget line (patterns)


def test_lines_inside_a_paragraph_go_and_the_paragraphs_stay_apart():
    body = "Image caption The new bridge\nThe council approved the bridge on Monday.\n\nWork starts in May.\nShare"
    (out,), _ = clean_articles([art(body)], CleanSettings())
    assert out.body == "The council approved the bridge on Monday.\n\nWork starts in May."
    assert out.paragraphs == ["The council approved the bridge on Monday.", "Work starts in May."]


def test_an_article_that_would_lose_too_much_is_kept_uncleaned_and_reported():
    body = "Share this article\n\nFollow us on Facebook\n\nSign up for our newsletter\n\nThe bridge opens in May."
    (out,), report = clean_articles([art(body, 7)], CleanSettings())
    assert out.body == body and out.meta["boilerplate"] == {"kept_uncleaned": {"patterns": 3}}  # 12 of 17 words
    assert report.kept == ["a7: would lose 71% of its words (patterns 3); kept uncleaned (max_loss 0.5)"]
    assert report.removed == {} and report.articles_cleaned == 0
    (loose,), _ = clean_articles([art(body, 7)], CleanSettings(max_loss=0.9))
    assert loose.body == "The bridge opens in May."


def test_repetition_is_counted_per_source_and_duplicates_count_once():
    promo = "Get the app for the latest news"
    a = [art(f"Story {i} of the day is here, and it is a long one.\n\n{promo}", i, "Daily A") for i in range(5)]
    b = [art(f"Report {i} from the other desk.\n\n{promo}", 10 + i, "Weekly B") for i in range(2)]
    b += [art(f"Report {i} from the other desk.", 20 + i, "Weekly B") for i in range(3, 8)]
    out, report = clean_articles(a + b, CleanSettings())
    assert all(promo not in x.body for x in out[:5]) and all(promo in x.body for x in out[5:7])
    assert dict(report.removed) == {"repeated": 5}
    dupes = [art(f"Same story.\n\n{promo}", i, "Daily A") for i in range(6)]  # one body six times: not repetition
    out, report = clean_articles(dupes, CleanSettings())
    assert report.removed == {} and [x.body for x in out] == [x.body for x in dupes]


def test_thresholds_and_extra_patterns_are_settings():
    promo = "Get the app for the latest news"
    articles = [art(f"Story {i} of the day is here, and it is a long one.\n\n{promo}", i) for i in range(4)]
    assert clean_articles(articles, CleanSettings())[1].removed == {}  # 4 < min_articles 5
    assert clean_articles(articles, CleanSettings(min_articles=4))[1].removed == {"repeated": 4}
    assert clean_articles(articles, CleanSettings(min_articles=2, min_share=1.0))[1].removed == {"repeated": 4}
    own = CleanSettings(patterns=("get the APP .{0,60}",), repeated_lines=False)
    assert clean_articles(articles, own)[1].removed == {"patterns": 4}
    bare = CleanSettings(default_patterns=False, captions=False, link_runs=False, repeated_lines=False)
    assert clean_articles([art(f"{VIDEO}\n\n{STORY}")], bare)[1].removed == {}


def test_shipped_patterns_are_lower_case_because_lines_are_lowered_before_matching():
    for pattern in PLACEHOLDER_PATTERNS + CAPTION_PATTERNS:
        literal = re.sub(r"\\.", "", pattern)  # escapes such as \W, \d, \b are not letters to match
        assert literal == literal.lower(), pattern


# ---- settings: one clear line for each mistake ----------------------------------------------------------


@pytest.mark.parametrize(
    ("clean", "message"),
    [
        ({"min_share": 2}, r"corpus\.clean\.min_share: a share of a source's articles in \(0, 1\]"),
        ({"min_articles": 1}, r"corpus\.clean\.min_articles: .*fewer than 2"),
        ({"max_loss": 1}, r"corpus\.clean\.max_loss: a share of the body's words in \(0, 1\)"),
        ({"patterns": ["(unclosed"]}, r"corpus\.clean\.patterns\[0\]: '\(unclosed' is not a regular expression"),
        ({"max_los": 0.4}, r"corpus\.clean: unknown setting 'max_los' \(did you mean \"max_loss\"\?\)"),
        ("yes", r"corpus\.clean: expected true, false or a mapping of settings"),
    ],
)
def test_bad_settings_are_one_clear_line(clean, message):
    with pytest.raises(BenchError, match=message):
        build(CorpusConfig, {"path": "x.jsonl", "clean": clean}, "corpus")


def test_settings_resolve_and_sign():
    on = build(CorpusConfig, {"path": "x.jsonl"}, "corpus")
    assert on.clean == CleanSettings() and on.clean_settings == CleanSettings()
    assert build(CorpusConfig, {"path": "x.jsonl", "clean": False}, "corpus").clean_settings is None
    custom = build(CorpusConfig, {"path": "x.jsonl", "clean": {"max_loss": 0.3, "link_runs": False}}, "corpus")
    assert custom.clean == CleanSettings(max_loss=0.3, link_runs=False)
    assert custom.clean.signature().startswith("clean:repeated=0.02/5/300c,patterns=")
    assert "link_runs" not in custom.clean.signature() and custom.clean.signature().endswith(",max_loss=0.3")
    edited = CleanSettings(patterns=("subscribe .{0,40}",)).signature()
    assert edited != CleanSettings().signature()  # an added pattern changes the signature


# ---- what a user sees: corpus-stats and the run's record ---------------------------------------------------

STORIES = [
    "The city council approved a new bridge on Monday.\n\nWork starts in May, the mayor said.",
    "A storm closed schools across the region on Tuesday.\n\nClasses resume on Friday, officials said.",
    "The local team won the cup final after extra time.\n\nFans celebrated in the streets until dawn.",
    "Train fares will rise by 3% in January, the operator said.\n\nUnions called the rise unfair.",
    "A new library opened in the old market hall.\n\nIt holds 40,000 books and a cafe.",
    "Police closed the motorway after a lorry overturned.\n\nNobody was hurt, police said.",
]


def _furnished_corpus(tmp_path: Path) -> Path:
    """Six stories under a share bar, one with a caption, and a seventh that is mostly furniture."""
    rows = [
        {"id": f"s{i}", "headline": f"Story {i}", "body": "\n".join(SHARE_BAR[:2]) + "\n\n" + story}
        for i, story in enumerate(STORIES)
    ]
    rows[0]["body"] = "Image caption The bridge as planned\n\n" + rows[0]["body"]
    rows.append({"id": "s6", "headline": "Promo", "body": "\n".join(SHARE_BAR) + "\n\nWin a trip."})
    path = tmp_path / "furnished.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_corpus_stats_shows_each_rule_the_lines_and_the_articles_kept(tmp_path, capsys):
    from bench.cli import main

    path = _furnished_corpus(tmp_path)
    assert main(["corpus-stats", str(path)]) == 0
    out = capsys.readouterr().out
    # six stories lose two share-bar lines each (12) and story 0 its caption (1); s6 would lose 10 of 13 words
    assert (
        "boilerplate: 13 line(s) removed from 6 article(s) (patterns 12, captions 1); 1 article(s) kept uncleaned"
        in out
    )
    assert (
        "        6× Share this article\n        6× Share on Facebook\n        1× Image caption The bridge as planned"
        in out
    )
    assert "    s6: would lose 77% of its words (patterns 4); kept uncleaned (max_loss 0.5)" in out
    assert main(["corpus-stats", str(path), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["clean"]["removed"] == {"patterns": 12, "captions": 1}
    assert stats["signature"].startswith("clean:repeated=0.02/5/300c,") and stats["signature"].endswith(
        "|leakage:strip@0.9"
    )
    assert main(["corpus-stats", str(path), "--no-clean"]) == 0
    assert "boilerplate: not removed (corpus.clean: false)" in capsys.readouterr().out


def test_the_run_manifest_counts_each_rule_and_the_summary_names_the_settings(tmp_path):
    from bench.config import load_config
    from bench.run.execute import execute

    path = _furnished_corpus(tmp_path)
    cfg = tmp_path / "run.yaml"
    cfg.write_text(f"corpus: {{path: {path.name}}}\nsystems:\n  - {{name: lead-1, kind: lead, sentences: 1}}\n")
    result = execute(load_config(cfg), output_root=tmp_path / "runs")
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["corpus"]["clean"]["removed"] == {"patterns": 12, "captions": 1}
    assert manifest["corpus"]["clean"]["kept_uncleaned_count"] == 1
    summary = json.loads((result.run_dir / "summary.json").read_text())
    assert summary["corpus"] == f"{path} [{manifest['corpus']['signature']}]"
    resolved = (result.run_dir / "config.yaml").read_text()
    assert "max_loss: 0.5" in resolved and "min_share: 0.02" in resolved  # every clean setting, resolved
