"""format warc: a WARC written here (warcio) from the nine real pages, plus records that are not pages.

The HTML pages give the same articles through a WARC as through format html; a 404, a PDF, a request
record and the warcinfo record are counted by kind, not read; a file that is not a WARC is a problem.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest

from bench.corpus.config import CorpusConfig
from bench.corpus.formats import detect_format
from bench.corpus.formats.warc import normalize_url, read_warc
from bench.corpus.load import load_corpus
from bench.corpus.problems import Problems
from tests.corpus.test_html import PAGES

pytestmark = pytest.mark.skipif(PAGES is None, reason="shared/pages-html not found in any parent folder of this test")


def _url(page: Path) -> str:
    return f"https://www.{page.stem.split('.')[0]}.example/{page.stem.split('.', 2)[-1]}/"


def write_warc(path: Path, gzip: bool) -> list[Path]:
    """A WARC of the nine pages (HTTP 200 text/html), a 404 page, a PDF and a request record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    assert PAGES is not None
    pages = sorted(PAGES.glob("*.html"))
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test_warc"}))

        def response(url: str, status: str, ctype: str, body: bytes) -> None:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http))

        for page in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(_url(page), "request", payload=BytesIO(b""), http_headers=request)
            )
            response(_url(page), "200 OK", "text/html; charset=utf-8", page.read_bytes())
        response("https://news.example/gone", "404 Not Found", "text/html", b"<html><h1>Not found</h1></html>")
        response("https://news.example/report.pdf", "200 OK", "application/pdf", b"%PDF-1.4 not a page")
    return pages


@pytest.mark.parametrize("gzip", [False, True])
def test_a_warc_gives_the_same_articles_as_the_pages(tmp_path, gzip, caplog):
    warc = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    pages = write_warc(warc, gzip)
    problems = Problems()
    pairs, skipped = read_warc(warc, problems, CorpusConfig(path=str(warc), format="warc"))
    assert problems.messages == []
    assert dict(skipped) == {"warcinfo record": 1, "request record": 9, "HTTP 404": 1, "application/pdf": 1}
    assert f"{warc}: 9 HTML page(s) read; 12 record(s) skipped as not pages: request record 9, " in caplog.text
    direct = {a.id: a for a in load_corpus(CorpusConfig(path=str(PAGES), format="html", leakage="off")).articles}
    assert [a.id for _, a in pairs] == [normalize_url(_url(p)) for p in pages]
    for page, (where, article) in zip(pages, pairs):
        same = direct[page.stem]
        assert where == f"{warc}:{_url(page)}"
        assert (article.headline, article.standfirst, article.body, article.language) == (
            same.headline,
            same.standfirst,
            same.body,
            same.language,
        )
        assert article.url == same.url  # the page's canonical URL wins over the record's


def test_a_folder_of_warcs_loads_and_a_broken_file_is_a_problem(tmp_path):
    write_warc(tmp_path / "a.warc.gz", gzip=True)
    (tmp_path / "b.warc").write_bytes(b"this is not a WARC file\r\n\r\n")
    assert detect_format(tmp_path) == "warc"
    corpus = load_corpus(CorpusConfig(path=str(tmp_path)))
    assert len(corpus.articles) == 9
    assert len(corpus.problems) == 1
    assert corpus.problems[0].startswith(f"{tmp_path / 'b.warc'}: not a readable WARC file")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.dw.com/en/story/a-52060881", "dw.com/en/story/a-52060881"),
        ("HTTP://WWW.Example.COM:80/a/b/#comments", "example.com/a/b"),
        ("https://example.com:8443/x?id=3", "example.com:8443/x?id=3"),
    ],
)
def test_record_urls_become_ids(url, expected):
    assert normalize_url(url) == expected


def test_a_warc_cut_short_keeps_the_pages_before_the_break(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole, gzip=True)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    problems = Problems()
    pairs, _ = read_warc(cut, problems, CorpusConfig(path=str(cut), format="warc"))
    assert 0 < len(pairs) < 9
    assert len(problems.messages) == 1 and problems.messages[0].startswith(f"{cut}: not a readable WARC file")


def test_a_file_that_is_not_a_warc_is_one_clear_line(tmp_path, capsys):
    from bench.cli import main

    bad = tmp_path / "notes.warc"
    bad.write_bytes(b"garbage\n")
    assert main(["corpus-stats", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: not a readable WARC file" in err and "Traceback" not in err
