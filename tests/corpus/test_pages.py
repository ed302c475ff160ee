"""The page parser on the real seed page (every field, checked by hand) and on variants of its layout."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.cli import main
from bench.corpus.load import CorpusConfig, load_corpus
from bench.corpus.pages import (
    PageError,
    ParsedPage,
    detect_layout,
    join_broken_sentences,
    layout_names,
    parse_date,
    parse_page,
    register_layout,
    unregister_layout,
)
from bench.errors import CorpusError
from bench.typed import build

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "data" / "raw" / "dw-2017-04-12-tillerson-lavrov.txt"
SAMPLE = REPO / "data" / "sample.jsonl"

# Expected values written out by hand from the seed page text.
HEADLINE = "Tense exchange in first Tillerson-Lavrov meeting"
STANDFIRST = (
    "The US Secretary of State was seeking to push Moscow to end its support of Syrian President "
    'Bashar al-Assad. The Kremlin on the other hand demanded an explanation of the "contradictory" '
    "US policy regarding the conflict."
)
FIRST_PARAGRAPH = (
    'US Secretary of State Rex Tillerson said he hoped to clear up "sharp differences" during '
    "bilateral talks with his Russian counterpart Sergey Lavrov on Wednesday. Lavrov, for his "
    'part, said he wanted to clear up the "ambiguous" and "contradictory" policies from the '
    "White House regarding Syria."
)
JOINED = (
    '"We have seen very alarming actions recently with an unlawful attack against Syria," Lavrov said. '
    '"We consider it of utmost importance to prevent the risks of replay of similar action in the future."'
)
LAST_PARAGRAPH = (
    "When asked if he might meet with Tillerson personally before he leaves Moscow, Putin said it "
    'was "definitely a possibility."'
)
SUBHEADS = ["Lavrov: US strike unlawful", "Putin: US-Russian relations worse than before"]
# The seed's body: 13 blank-line-separated blocks from the first paragraph (line 15) to the last
# (line 39), one of them the second half of a broken sentence (line 27) -> 12 paragraphs.
N_PARAGRAPHS = 12
NOT_IN_BODY = [
    "Skip to",
    "USA Russland Tillerson Bei Lawrow in Moskau",
    "Image:",
    "picture-alliance",
    "es/rt",
    "(AP, Reuters)",
    "Explore more",
    "DW's Top Story",
    "More stories from DW",
    "Politics\n",
    HEADLINE,
    "April 12, 2017",
]


def _check_seed_article(article) -> None:
    assert article.id == "dw-2017-04-12-tillerson-lavrov"
    assert article.headline == HEADLINE
    assert article.standfirst == STANDFIRST
    assert article.date == "2017-04-12"
    assert article.category == "Politics"
    assert article.source == "DW"
    assert article.language == "en"
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == N_PARAGRAPHS
    assert paragraphs[0] == FIRST_PARAGRAPH
    assert paragraphs[-1] == LAST_PARAGRAPH
    assert JOINED in paragraphs
    assert paragraphs[4] == SUBHEADS[0] and paragraphs[7] == SUBHEADS[1]
    assert all(p == p.strip() and p and "\n" not in p for p in paragraphs)
    for text in NOT_IN_BODY:
        assert text not in article.body, text
    assert article.meta["byline"] == "es/rt (AP, Reuters)"
    assert article.meta["captions"] == [
        {
            "caption": "USA Russland Tillerson Bei Lawrow in Moskau",
            "credit": "Image: picture-alliance/dpa/AP/I. Sekretarev",
        }
    ]


def test_seed_page_every_field():
    article = parse_page(SEED.read_text(encoding="utf-8"), SEED.stem)
    _check_seed_article(article)
    assert article.meta["layout"] == "dw"


def test_bundled_sample_is_the_parsed_seed():
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    rec = json.loads(lines[0])
    assert rec["headline"] == HEADLINE and rec["standfirst"] == STANDFIRST and rec["date"] == "2017-04-12"
    article = load_corpus(CorpusConfig(path=str(SAMPLE))).articles[0]
    _check_seed_article(article)


def _variant(menu: list[str], footer: str, caption: bool = True, date: str = "April 12, 2017") -> str:
    """The seed page rebuilt with a different header menu, footer, caption and date line."""
    seed = SEED.read_text(encoding="utf-8")
    _head, rest = seed.split("Politics\n", 1)
    body, _ = rest.split("es/rt (AP, Reuters)", 1)
    body = body.replace("April 12, 2017", date)
    if not caption:
        body = body.replace(
            "USA Russland Tillerson Bei Lawrow in Moskau\nImage: picture-alliance/dpa/AP/I. Sekretarev\n\n", ""
        )
    return "\n".join(menu) + "\nPolitics\n" + body + "es/rt (AP, Reuters)\n\n" + footer


LONG_MENU = [
    "1. Skip to content",
    "  2. Skip to main menu",
    "  3. Skip to more DW sites",
    "  4. Skip to search",
    "  5. Skip to navigation",
    "  6. Skip to footer",
]
LONG_FOOTER = (
    "Skip next section Related topics\n\nRelated topics\n\nSyria, Russia, United States\n\n"
    "Skip next section Explore more\nSkip next section DW's Top Story\n\nDW's Top Story\n\n"
    "Skip next section More stories from DW\n\nMore stories from DW\n\nSome other headline\n\n"
    "Permalink https://p.dw.com/p/2b5ZD\n"
)


@pytest.mark.parametrize(
    "menu, footer, caption, date, iso, source",
    [
        (LONG_MENU, LONG_FOOTER, True, "April 12, 2017", "2017-04-12", "DW"),
        (["1. Skip to content"], "Skip next section Explore more\n", False, "12 April 2017", "2017-04-12", None),
        ([], "", True, "3.11.2019", "2019-11-03", None),
        (LONG_MENU[:2], LONG_FOOTER, False, "Sep 1, 2020", "2020-09-01", "DW"),
    ],
)
def test_variants_of_the_layout_parse(menu, footer, caption, date, iso, source):
    article = parse_page(_variant(menu, footer, caption, date), "v")
    assert article.headline == HEADLINE and article.standfirst == STANDFIRST
    assert article.date == iso and article.category == "Politics"
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == N_PARAGRAPHS and paragraphs[-1] == LAST_PARAGRAPH and JOINED in paragraphs
    assert "Related topics" not in article.body and "Permalink" not in article.body
    assert "Image:" not in article.body
    assert ("captions" in article.meta) == caption
    assert article.source == source  # only when the site names itself in its menu or footer


def test_permalink_in_footer_becomes_the_url():
    article = parse_page(_variant(LONG_MENU, LONG_FOOTER), "v")
    assert article.url == "https://p.dw.com/p/2b5ZD"


PLAIN = (
    "Ad sales boost Time Warner profit\n\n"
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m).\n\n"
    "The firm benefited from sales of high-speed internet connections.\n\n"
    "Time Warner said on Friday that it now owns 8% of search-engine Google.\n"
)


def test_plain_layout():
    article = parse_page(PLAIN, "business-001", category="business")
    assert article.headline == "Ad sales boost Time Warner profit"
    assert article.standfirst == "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m)."
    assert article.body == (
        "The firm benefited from sales of high-speed internet connections.\n\n"
        "Time Warner said on Friday that it now owns 8% of search-engine Google."
    )
    assert article.category == "business" and article.date is None and article.meta["layout"] == "plain"
    assert detect_layout(PLAIN) == "plain"


def test_plain_layout_with_crlf_and_wrapped_lines():
    text = "Headline here\r\n\r\nStandfirst line one\r\ncontinues.\r\n\r\nBody one.\r\n\r\n\r\nBody two.\r\n"
    article = parse_page(text, "x")
    assert article.standfirst == "Standfirst line one continues."
    assert article.body == "Body one.\n\nBody two."


def test_layout_override():
    with pytest.raises(PageError, match="not a 'dw' page: no date line"):
        parse_page(PLAIN, "x", layout="dw")
    article = parse_page(SEED.read_text(encoding="utf-8"), "x", layout="dw")
    assert article.headline == HEADLINE


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "the page is empty"),
        ("Only a headline\n", "matches no known page layout"),
        ("One paragraph line one\nline two\nline three\n", "expected a one-line headline"),
        ("Headline\n\nOnly a standfirst.\n", "at least one body paragraph"),
        (" ".join(["word"] * 40) + "\n\npara\n\npara\n", "too long for a headline"),
        ("<!DOCTYPE html>\n\n<html>\n\n</html>\n", "looks like HTML"),
    ],
)
def test_page_matching_no_layout_says_why(text, reason):
    with pytest.raises(PageError, match=reason):
        parse_page(text, "x")


def test_directory_of_plain_pages_loads_with_folder_categories(tmp_path):
    for category, n in (("business", 2), ("tech", 1)):
        folder = tmp_path / "bbc" / category
        folder.mkdir(parents=True)
        for i in range(1, n + 1):
            (folder / f"{i:03d}.txt").write_text(f"{category} story {i}\n\nIntro {i}.\n\nBody of {category} {i}.\n")
    (tmp_path / "bbc" / "README.TXT").write_text("Consists of documents.\n")
    (tmp_path / "bbc" / "tech" / "002.txt").write_text("no layout at all\nsecond line\n")
    corpus = load_corpus(CorpusConfig(path=str(tmp_path / "bbc")))
    assert [a.id for a in corpus.articles] == ["business-001", "business-002", "tech-001"]
    assert [a.category for a in corpus.articles] == ["business", "business", "tech"]
    assert corpus.articles[2].body == "Body of tech 1."
    assert len(corpus.problems) == 1
    assert corpus.problems[0].startswith(f"{tmp_path / 'bbc' / 'tech' / '002.txt'}: matches no known page layout")
    with pytest.raises(CorpusError, match=r"002\.txt: matches no known page layout"):
        load_corpus(CorpusConfig(path=str(tmp_path / "bbc"), strict=True))


def test_page_with_invalid_utf8_is_a_problem_and_latin1_can_be_set(tmp_path):
    (tmp_path / "p.txt").write_bytes("Price rise\n\nIt costs £5.\n\nMore.\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"p.txt: invalid utf-8 bytes at byte \d+"):
        load_corpus(CorpusConfig(path=str(tmp_path)))
    corpus = load_corpus(CorpusConfig(path=str(tmp_path), encoding="latin-1"))
    assert corpus.articles[0].standfirst == "It costs £5."


@pytest.mark.parametrize(
    "line, iso",
    [
        ("April 12, 2017", "2017-04-12"),
        ("12 April 2017", "2017-04-12"),
        ("12.04.2017", "2017-04-12"),
        ("2017-04-12", "2017-04-12"),
        ("Date 12.04.2017", "2017-04-12"),
        ("Sept. 3, 2021", "2021-09-03"),
        ("April 31, 2017", None),
        ("April 12", None),
        ("Tense exchange in 2017", None),
    ],
)
def test_parse_date(line, iso):
    assert parse_date(line) == iso


def test_join_broken_sentences_keeps_subheads():
    assert join_broken_sentences(["Subhead", "Next para.", "We consider it of utmost", "importance here."]) == [
        "Subhead",
        "Next para.",
        "We consider it of utmost importance here.",
    ]


# ---- the layout registry: a toy layout added with one call --------------------------------------


def parse_tagged(blocks: list[list[str]]) -> ParsedPage:
    """A toy layout: 'TITLE: ...' and 'LEAD: ...' lines, then body paragraphs."""
    head = dict(line.split(": ", 1) for line in blocks[0] if ": " in line) if blocks else {}
    if "TITLE" not in head or "LEAD" not in head:
        raise PageError("no 'TITLE:' and 'LEAD:' lines in the first block")
    return ParsedPage(headline=head["TITLE"], standfirst=head["LEAD"], paragraphs=[" ".join(b) for b in blocks[1:]])


TAGGED = "TITLE: Bridge approved\nLEAD: The council said yes.\n\nWork starts in May.\n\nIt opens in 2026.\n"


@pytest.fixture
def tagged_layout():
    register_layout("tagged", parse_tagged, order=5, description="TITLE:/LEAD: lines, then the body (a test layout)")
    yield
    unregister_layout("tagged")
    assert "tagged" not in layout_names()


def test_toy_layout_forced_and_detected_first_by_its_order(tagged_layout, tmp_path):
    assert layout_names() == ("tagged", "dw", "plain")
    assert detect_layout(TAGGED) == "tagged"
    (tmp_path / "a.txt").write_text(TAGGED)
    (tmp_path / "b.txt").write_text(PLAIN)
    for settings in ({}, {"layout": "tagged"}):
        corpus = load_corpus(build(CorpusConfig, {"path": str(tmp_path), **settings}, "corpus"))
        first = corpus.articles[0]
        assert (first.headline, first.standfirst, first.body) == (
            "Bridge approved",
            "The council said yes.",
            "Work starts in May.\n\nIt opens in 2026.",
        )
        assert first.meta["layout"] == "tagged"
    auto = load_corpus(CorpusConfig(path=str(tmp_path)))
    assert [a.meta["layout"] for a in auto.articles] == ["tagged", "plain"]
    forced = load_corpus(CorpusConfig(path=str(tmp_path), layout="tagged"))
    reason = "not a 'tagged' page: no 'TITLE:' and 'LEAD:' lines in the first block"
    assert forced.problems == [f"{tmp_path / 'b.txt'}: {reason}"]
    with pytest.raises(PageError, match=r"matches no known page layout \(tagged: no 'TITLE:'.*; dw: .*; plain: "):
        parse_page("Only a headline\n", "x")


def test_toy_layout_on_the_command_line(tagged_layout, tmp_path, capsys):
    (tmp_path / "a.txt").write_text(TAGGED)
    out = tmp_path / "out.jsonl"
    assert main(["ingest", str(tmp_path / "a.txt"), "--layout", "tagged", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["headline"] == "Bridge approved"


def test_unknown_layout_is_refused():
    assert "tagged" not in layout_names()
    with pytest.raises(CorpusError, match=r"unknown page layout 'tagged'; layouts: auto, dw, plain"):
        parse_page(PLAIN, "x", layout="tagged")
    with pytest.raises(ValueError, match="'plain' is already registered"):
        register_layout("plain", parse_tagged)


def test_page_whose_file_name_is_not_utf8_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "good.txt").write_text(PLAIN)
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text(PLAIN.replace("Ad sales", "Other"))
    corpus = load_corpus(CorpusConfig(path=str(tmp_path)))
    assert [a.id for a in corpus.articles] == ["good"]
    assert corpus.problems == [
        f"{tmp_path}/caf\\xe9.txt: the file name is not valid UTF-8, and it would be the article's id; rename the file"
    ]
