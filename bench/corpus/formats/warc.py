"""Web crawls in WARC files (``.warc``, ``.warc.gz``; a file, a folder tree or a glob), read with ``warcio``.

Only HTTP 200 ``response`` records of HTML pages (``text/html``, ``application/xhtml+xml``) are pages;
each goes through the same path as :mod:`.html` (headline, teaser, body, metadata). Every other record
(``request``, ``warcinfo``, ``metadata``, a 404 or a redirect, a PDF or an image) is counted by kind and
logged, not read. A page's id is its record URL normalised (scheme, ``www.``, fragment and trailing
slash dropped: ``dw.com/en/some-story/a-52060881``); its ``url`` the page's canonical URL, else the
record's. An HTML page without a usable headline or body is a ``file:URL: reason`` problem; a file that
is not a WARC (or is cut short) is a ``file: reason`` problem after the records read before the break.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bench.article import Article
from bench.corpus.formats import RawTable, register_format
from bench.corpus.formats.html import SourceOrder, printable, read_html_page, source_files
from bench.corpus.problems import Problems, RowError
from bench.errors import CorpusError

if TYPE_CHECKING:
    from bench.corpus.config import CorpusConfig

__all__ = ["WARC_SUFFIXES", "HTML_TYPES", "normalize_url", "read_warc"]

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def normalize_url(url: str) -> str:
    """``url`` as an article id: host (lower case, no ``www.``, no default port) + path (no trailing /) + query."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    return host + path + (f"?{parts.query}" if parts.query else "")


def _warcio() -> Any:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:
        raise CorpusError(f"format warc needs warcio ({exc}); pip install warcio") from None
    return ArchiveIterator


def _skip_reason(record: Any) -> str | None:
    """Why a record is not a page ('request record', 'HTTP 404', 'application/pdf'), or None for a page."""
    if record.rec_type != "response":
        return f"{record.rec_type} record"
    if record.http_headers is None:
        return "response without HTTP headers"
    status = record.http_headers.get_statuscode()
    if status != "200":
        return f"HTTP {status}"
    ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return None if ctype in HTML_TYPES else (ctype or "no content type")


def _records(file: Path, where: str, problems: Problems) -> Iterator[tuple[str | None, str, bytes]]:
    """(skip reason or None, target URI, payload of a page) per record; a malformed file ends as a problem."""
    iterator = _warcio()
    try:
        with open(file, "rb") as fh:
            records = iterator(fh)
            while True:
                try:
                    record = next(records, None)
                    if record is None:
                        return
                    if not str(getattr(record, "format", "warc")).startswith("warc"):
                        raise ValueError(f"an {str(record.format).upper()} record where a WARC record should start")
                    reason = _skip_reason(record)
                    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                    raw = record.content_stream().read() if reason is None else b""
                    if reason is not None:
                        record.raw_stream.read()  # drained, to see below whether the record is whole
                    if getattr(record.raw_stream, "limit", 0) > 0:  # bytes the record's length promised
                        raise EOFError(f"the file is cut short inside the record for {uri or 'a page'}")
                except Exception as exc:  # noqa: BLE001 - on malformed input warcio raises ArchiveLoadFailed, ValueError, AttributeError, zlib and EOF errors
                    problems.add(where, f"not a readable WARC file ({type(exc).__name__}: {exc}); check the file")
                    return
                yield reason, uri, raw
    except OSError as exc:
        problems.add(where, f"cannot read the file ({exc.strerror or exc}); check the file")


def _read_file(
    file: Path, order: SourceOrder, config: CorpusConfig, problems: Problems, skipped: Counter[str]
) -> list[tuple[str, Article]]:
    where_file = printable(file)
    out: list[tuple[str, Article]] = []
    for reason, uri, raw in _records(file, where_file, problems):
        if reason is not None:
            skipped[reason] += 1
            continue
        try:
            article = read_html_page(raw, normalize_url(uri), order, config)
        except RowError as exc:
            problems.add(f"{where_file}:{uri}", str(exc))
            continue
        out.append((f"{where_file}:{uri}", dataclasses.replace(article, url=article.url or uri)))
    return out


def read_warc(path: Path, problems: Problems, config: CorpusConfig) -> tuple[list[tuple[str, Article]], Counter]:
    """(articles, skipped record counts by reason) of every WARC file under ``path``."""
    order = SourceOrder.from_fields(config.fields)
    _, files = source_files(path, WARC_SUFFIXES, "WARC files")
    skipped: Counter[str] = Counter()
    out: list[tuple[str, Article]] = []
    for file in files:
        out.extend(_read_file(file, order, config, problems, skipped))
    if skipped:
        kinds = ", ".join(f"{reason} {n}" for reason, n in skipped.most_common())
        responses = any(not reason.endswith(" record") for reason in skipped)  # a 404, a PDF: worth a look
        log.log(
            logging.WARNING if responses else logging.INFO,
            "%s: %d HTML page(s) read; %d record(s) skipped as not pages: %s",
            path,
            len(out),
            skipped.total(),
            kinds,
        )
    return out, skipped


def _has_warc(folder: Path) -> bool:
    return any(p.name.lower().endswith(WARC_SUFFIXES) for p in folder.rglob("*"))


@register_format(
    "warc",
    suffixes=WARC_SUFFIXES,
    folder=True,
    claims_folder=_has_warc,
    description="web crawls (.warc, .warc.gz): the HTTP 200 HTML responses, each read like format html",
)
def _read(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    assert path is not None  # needs_path: load_corpus checks
    return RawTable(label=str(path), articles=read_warc(path, problems, config)[0])
