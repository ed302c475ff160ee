"""format html on nine real news pages: headline, teaser and first body sentence as a reader sees them.

The expected strings were written down by reading each page's HTML source (its og:title / <h1>, the
teaser paragraph or og:description, the first paragraph of the article text), not from this code's
output. The pages live in ../shared/pages-html (never copied into the repository).
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.config import load_config
from bench.corpus.config import CorpusConfig
from bench.corpus.formats import detect_format
from bench.corpus.formats.html import read_html
from bench.corpus.formats.html_fields import site_keys, strip_site_suffix
from bench.corpus.load import load_corpus
from bench.corpus.problems import Problems
from bench.errors import CorpusError
from bench.typed import build

REPO = Path(__file__).resolve().parents[2]


def _find_pages() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "pages-html"
        if candidate.is_dir():
            return candidate
    return None


PAGES = _find_pages()
needs_pages = pytest.mark.skipif(PAGES is None, reason="shared/pages-html not found in any parent folder of this test")

# page id -> (headline, teaser, first body sentence), read from the HTML source of each page.
EXPECTED = {
    "dw.com.colonial": (
        "Berlin confronts Germany's colonial past with new initiative",
        (
            "The German capital has launched a five-year project to mark its part in European colonialism. Streets "
            "which still honor leaders who led the Reich's imperial expansion will be renamed — and some locals "
            "aren't happy."
        ),
        (
            "Berlin's relationship with its colonial history is being reconsidered, despite opposition from far-right "
            "politicians and some disgruntled locals unhappy at plans to change the names of their streets."
        ),
    ),
    "dw.com.uncork": (
        "Uncork the mystery of Germany's Frühburgunder",
        (
            "One of Germany's smallest wine regions with some of the boldest wines, the Ahr Valley has a tradition as "
            "both innovator and iconoclast. No grape variety invites as much intrigue as the region's very own "
            "frühburgunder."
        ),
        (
            "Climbing out of Ahrweiler, a charming medieval village just south of Bonn, the path ascends at such an "
            "ominous gradient that my legs are jelly by half way and my lungs begging for oxygen."
        ),
    ),
    "faz.net.streaming": (
        "Nutzerbasierte Abrechnung: Musik-Stars fordern neues Streaming-Modell",
        (
            "Die Abogebühr eines Nutzers soll nur noch unter den Künstlern verteilt werden, die er gehört hat, so das "
            "Ziel der Initiative. Dabei gehe es auch um „kulturelle Vielfalt“. Welche Chancen hat diese Forderung?"
        ),
        (
            "Einen größeren Anteil an den Streamingerlösen für ihre Klienten – das war die Kernforderung der 14 "
            "Manager und Anwälte von deutschen Musikstars wie Helene Fischer, Rammstein oder Sarah Connor, die sie in "
            "ihrem Brief an die Plattenfirmen formulierten."
        ),
    ),
    "heise.de.lithium": (
        "Lithium aus dem Schredder",
        "Eine niedersächsische Firma hat die Wiederverwertung ausgedienter Akkus optimiert.",
        "Die Ökobilanz von Elektroautos wird vor allem durch die Produktion der Batterien beeinträchtigt.",
    ),
    "reuters.com.parasite": (
        "'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
        (
            'South Korean thriller "Parasite" was the upset winner at the Screen Actors Guild (SAG) awards on Sunday, '
            "while Joaquin Phoenix and Renee Zellweger were named best actors, cementing their roles as frontrunners "
            "at the Oscars next month."
        ),
        (
            "LOS ANGELES (Reuters) - South Korean thriller “Parasite” was the upset winner at the Screen Actors Guild "
            "(SAG) awards on Sunday,"
        ),
    ),
    "spiegel.de.albtraum": (  # no og:title and no description: the <h1> and the Vorspann
        "Ein Albtraum",
        (
            "Der Reporter Claas Relotius hat den SPIEGEL mit ganz oder teilweise gefälschten Artikeln in eine schwere "
            "Krise gestürzt. Wie konnte es dazu kommen? Und wie hat die Redaktion die Affäre aufgedeckt?"
        ),
        (
            "Ein perfekter Sturm auf dem Meer beginnt meistens, wenn mehrere Faktoren zusammenkommen: Die "
            "Wassertemperatur spielt eine Rolle, die Verteilung von Hoch- und Tiefdruckgebieten, der Jetstream in "
            "eisigen Höhen."
        ),
    ),
    "sueddeutsche.de.flixtrain": (  # og:title drops the h1's kicker "Deutschlandtakt: "
        "Flixbus attackiert Deutsche Bahn",
        (
            "Mehrere Bahn-Konkurrenten fürchten durch den geplanten Deutschlandtakt große Nachteile - und Probleme für "
            "Passagiere und Klima."
        ),
        (
            "Die Ankündigungen von Deutscher Bahn und Bundesverkehrsminister Andreas Scheuer (CSU) versprachen "
            "vergangene Woche viel:"
        ),
    ),
    "theguardian.com.academics": (
        "Thousands of UK academics 'treated as second-class citizens'",
        "Report claims higher education institutions have created pool of low-paid staff for teaching and research",
        (
            "Thousands of academic staff at British universities are being treated as second-class citizens on "
            "precarious contracts, says a report highlighting the “alarming rise of mass casualised labour” in higher "
            "education."
        ),
    ),
    "zeit.de.zugverkehr": (
        "Zugverkehr: Im ICE von Frankfurt nach Barcelona",
        (
            "Mit Schnellzugtrassen durch Europa will die FDP zum Klimaschutz beitragen. Die Strecken gibt es längst. "
            "Warum ist das Angebot bisher keine Konkurrenz zum Fliegen?"
        ),
        "36 Stunden. So lange dauert die schnellste Zugverbindung von Madrid nach Stockholm.",
    ),
}
LANGUAGES = {"dw.com.colonial": "en", "dw.com.uncork": "en", "reuters.com.parasite": "en"}
LANGUAGES |= {"theguardian.com.academics": "en"}

# Page furniture that must never reach a body, in English and German (checked against every paragraph).
FURNITURE = re.compile(
    r"cookie|newsletter|^read more|^see also|^share\b|^teilen\b|^lesen sie (auch|mehr)|^mehr zum thema|"
    r"^weiterlesen|sign up|abonnieren|^anzeige$|^advertisement$|this video is not supported|"
    r"^(facebook|twitter|whatsapp|e-mail)$|datenschutz|privacy policy|our standards",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def corpus():
    assert PAGES is not None
    # the parse as a reader sees the page; the leakage check (on by default) is tested below
    return load_corpus(build(CorpusConfig, {"path": str(PAGES), "format": "html", "leakage": "off"}, "corpus"))


def test_by_default_a_body_that_repeats_the_teaser_loses_the_repeat():
    """Reuters prints its description again as the first paragraph (after the dateline): the body a system
    reads must not hand it the reference."""
    assert PAGES is not None
    loaded = load_corpus(build(CorpusConfig, {"path": str(PAGES / "reuters.com.parasite.html"), "format": "html"}, "c"))
    [article] = loaded.articles
    assert article.meta["leakage"] == {"standfirst": "stripped"}
    assert not article.body.startswith("LOS ANGELES") and "upset winner" not in article.body.split("\n\n")[0]
    assert loaded.leakage == {"standfirst stripped": 1}


@pytest.fixture(scope="module")
def by_id(corpus):
    return {a.id: a for a in corpus.articles}


@needs_pages
def test_all_nine_pages_load_without_problems(corpus):
    assert sorted(a.id for a in corpus.articles) == sorted(EXPECTED)
    assert corpus.problems == []


@needs_pages
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_headline_teaser_and_first_sentence(by_id, page):
    article = by_id[page]
    headline, teaser, first = EXPECTED[page]
    assert article.headline == headline
    assert article.standfirst == teaser
    assert article.paragraphs[0].startswith(first)
    assert article.language == LANGUAGES.get(page, "de")


@needs_pages
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_no_page_furniture_and_no_teaser_in_the_body(by_id, page):
    article = by_id[page]
    leftovers = [p for p in article.paragraphs if FURNITURE.search(p)]
    assert leftovers == []
    assert article.standfirst not in article.paragraphs
    assert article.headline not in article.paragraphs
    assert "\n\n" in article.body and "\n\n\n" not in article.body
    assert all(p == " ".join(p.split()) for p in article.paragraphs)


@needs_pages
def test_metadata_comes_from_the_page(by_id):
    dw = by_id["dw.com.colonial"]
    assert dw.url == "https://www.dw.com/en/berlin-confronts-germanys-colonial-past-with-new-initiative/a-52060881"
    assert dw.date == "2020-01-19"  # <meta name="date"> and the " | DW | 19.01.2020" title suffix
    guardian = by_id["theguardian.com.academics"]
    assert guardian.meta["author"] == "Richard Adams"  # the byline on the page
    assert guardian.source == "The Guardian"
    spiegel = by_id["spiegel.de.albtraum"]
    assert (spiegel.meta["headline_source"], spiegel.meta["standfirst_source"]) == ("h1", "lead")
    assert by_id["zeit.de.zugverkehr"].meta["standfirst_source"] == "og:description"


@needs_pages
def test_the_sz_summary_bullets_are_kept_out_of_the_body(by_id):
    sz = by_id["sueddeutsche.de.flixtrain"]
    assert sz.meta["summary"][0].startswith("Bahn-Konkurrenten wie Flixbus fürchten durch den geplanten")
    assert not any("Bahn-Konkurrenten wie Flixbus" in p for p in sz.paragraphs)


@needs_pages
def test_source_order_is_configurable(tmp_path):
    config = {"path": str(PAGES), "format": "html", "fields": {"headline": "h1, og:title", "standfirst": "lead"}}
    articles = {a.id: a for a in load_corpus(build(CorpusConfig, config, "corpus")).articles}
    sz = articles["sueddeutsche.de.flixtrain"]
    assert sz.headline == "Deutschlandtakt: Flixbus attackiert Deutsche Bahn"  # the <h1>, with its kicker
    assert sz.meta["headline_source"] == "h1"
    heise = articles["heise.de.lithium"]  # <p class="a-article-header__lead">
    assert heise.standfirst == "Eine niedersächsische Firma hat die Wiederverwertung ausgedienter Akkus optimiert."
    assert heise.meta["standfirst_source"] == "lead"
    reuters = articles["reuters.com.parasite"]  # no lead element on the page: no standfirst, not a made-up one
    assert reuters.standfirst is None and reuters.meta["standfirst_source"] is None


@needs_pages
def test_a_truncated_description_gives_way_to_the_full_teaser():
    # faz.net's <meta name="description"> ends "Dabei gehe..."; its og:description is the whole teaser
    config = {"path": str(PAGES / "faz.net.streaming.html"), "format": "html"}
    config["fields"] = {"standfirst": "description, og:description"}
    (article,) = load_corpus(build(CorpusConfig, config, "corpus")).articles
    assert article.standfirst == EXPECTED["faz.net.streaming"][1]
    assert article.meta["standfirst_source"] == "og:description"


def test_unknown_page_source_is_one_clear_error(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<html><title>x</title></html>")
    with pytest.raises(CorpusError, match=r"corpus.fields.headline: .*og:title, h1, title; got 'h2'"):
        load_corpus(CorpusConfig(path=str(page), format="html", fields={"headline": "h2"}))
    with pytest.raises(CorpusError, match="format html takes only headline and standfirst"):
        load_corpus(CorpusConfig(path=str(page), format="html", fields={"body": "text"}))


@needs_pages
def test_broken_pages_are_counted_problems_not_crashes(tmp_path):
    good = (PAGES / "zeit.de.zugverkehr.html").read_bytes()
    (tmp_path / "good.html").write_bytes(good)
    (tmp_path / "nobody.html").write_text(
        "<html><head><title>Cookie-Einstellungen - ZEIT ONLINE</title></head><body><nav>Start</nav></body></html>"
    )
    (tmp_path / "nohead.htm").write_text(
        "<html><body>" + "<p>Plain text without any title.</p>" * 20 + "</body></html>"
    )
    (tmp_path / "cut.html.gz").write_bytes(gzip.compress(good)[:500])
    corpus = load_corpus(CorpusConfig(path=str(tmp_path), format="html"))
    assert [a.id for a in corpus.articles] == ["good"]
    assert len(corpus.problems) == 3
    problems = dict(p.split(": ", 1) for p in corpus.problems)
    assert "gzip file is cut short" in problems[str(tmp_path / "cut.html.gz")]
    assert problems[str(tmp_path / "nohead.htm")].startswith("no headline")
    assert re.match(r"no (article text|usable body)", problems[str(tmp_path / "nobody.html")])


@needs_pages
def test_gzipped_pages_and_globs_read_like_plain_files(tmp_path, by_id):
    for name in ("dw.com.uncork", "heise.de.lithium"):
        (tmp_path / f"{name}.html.gz").write_bytes(gzip.compress((PAGES / f"{name}.html").read_bytes()))
    zipped = {a.id: a for a in load_corpus(CorpusConfig(path=str(tmp_path), format="html")).articles}
    assert sorted(zipped) == ["dw.com.uncork", "heise.de.lithium"]
    for name, article in zipped.items():
        assert (article.headline, article.standfirst, article.body) == (
            by_id[name].headline,
            by_id[name].standfirst,
            by_id[name].body,
        )
    globbed = load_corpus(CorpusConfig(path=str(PAGES / "dw.com.*.html"), format="html"))
    assert [a.id for a in globbed.articles] == ["dw.com.colonial", "dw.com.uncork"]


@needs_pages
def test_format_auto_recognises_a_folder_and_a_file_of_pages():
    assert detect_format(PAGES) == "html"
    assert detect_format(PAGES / "heise.de.lithium.html") == "html"


@needs_pages
def test_corpus_stats_on_the_command_line():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "corpus-stats", str(PAGES), "--format", "html"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "articles: 9 (read 9; skipped 0 bad row(s)" in done.stdout
    assert "languages: de 5, en 4" in done.stdout


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        # <title> of the pages in shared/pages-html, with their host names
        (
            (
                "Berlin confronts Germany′s colonial past with new initiative | Germany| News and in-depth reporting "
                "from Berlin and beyond | DW | 19.01.2020"
            ),
            ("dw.com",),
            "Berlin confronts Germany′s colonial past with new initiative",
        ),
        ("Ein Albtraum - DER SPIEGEL 52/2018", ("spiegel.de",), "Ein Albtraum"),
        (
            "Deutschlandtakt: Flixbus attackiert Deutsche Bahn - Wirtschaft - Süddeutsche.de",
            ("sueddeutsche.de",),
            "Deutschlandtakt: Flixbus attackiert Deutsche Bahn",
        ),
        ("Storm closes 200 schools in Kent - BBC News", ("www.bbc.co.uk",), "Storm closes 200 schools in Kent"),
        # a dash inside a headline stays; so does a tail that names no site
        (
            "PSD2 – Was da auf uns zukommt und woran es noch hakt",
            ("heise.de",),
            "PSD2 – Was da auf uns zukommt und woran es noch hakt",
        ),
        ("Liverpool 2 - 0 Everton", ("theguardian.com", "The Guardian"), "Liverpool 2 - 0 Everton"),
    ],
)
def test_site_suffixes_are_cut(title, names, expected):
    assert strip_site_suffix(title, site_keys(*names)) == expected


@needs_pages
def test_the_example_config_reads_the_pages():
    config = load_config(REPO / "configs" / "news-pages-html.yaml")
    assert config.corpus.format == "html"
    assert config.corpus.fields == {
        "headline": "og:title, h1, title",
        "standfirst": "og:description, description, lead",
    }
    corpus = load_corpus(dataclasses.replace(config.corpus, path=str(PAGES)))  # its path assumes the main checkout
    assert sorted(a.id for a in corpus.articles) == sorted(EXPECTED)


@needs_pages
def test_worker_processes_give_the_same_articles_in_file_order(tmp_path):
    for copy in ("a", "b"):
        (tmp_path / copy).mkdir()
        for page in PAGES.glob("*.html"):
            (tmp_path / copy / page.name).write_bytes(page.read_bytes())
    (tmp_path / "a" / "broken.html").write_text("<html><body><p>no headline, no body</p></body></html>")
    config = CorpusConfig(path=str(tmp_path), format="html")
    runs = {}
    for workers in (1, 2):
        problems = Problems()
        runs[workers] = (read_html(tmp_path, problems, config, workers=workers), problems.messages)
    assert runs[1] == runs[2]
    assert [where for where, _ in runs[2][0]] == sorted(str(p) for p in tmp_path.rglob("*.html") if p.stem != "broken")
    assert runs[2][1] == [f"{tmp_path / 'a' / 'broken.html'}: no headline: the page has none of og:title, h1, title"]
    assert [a.meta for _, a in runs[1][0]] == [a.meta for _, a in runs[2][0]]
