"""Saved web pages (``.html``, ``.htm``, ``.html.gz``): a file, a folder tree or a glob, one Article per page.

Each page is parsed once (lxml, through trafilatura) and its main text extracted with
``trafilatura.bare_extraction``. The headline is the first of ``og:title``, ``<h1>``, ``<title>`` the page
has, with any site suffix (" | DW | 19.01.2020", " - BBC News") cut; the standfirst the first of
``og:description``, the meta description and the lead element (a truncated one, ending in "…", only when
there is no other). Both orders can be changed with ``fields: {headline: "h1, og:title", standfirst:
"lead, og:description"}``; the source used is recorded per article in ``meta`` (``headline_source``,
``standfirst_source``). The body is the main text without the teaser and widget lines
(:mod:`.html_body`). Language (``<html lang>``, else the corpus language), date, author, site name and
URL go to the Article. A page without a usable headline or body is a ``file: reason`` problem.
Many pages are parsed over forked worker processes (one per 16 pages, up to the usable cores, at most 8;
Linux only), the articles coming back in file order.
"""

from __future__ import annotations

import gzip
import logging
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.article import Article
from bench.corpus.fields import check_body_length
from bench.corpus.formats import RawTable, register_format
from bench.corpus.formats.html_body import make_body
from bench.corpus.formats.html_fields import (
    HEADLINE_SOURCES,
    STANDFIRST_SOURCES,
    page_fields,
    pick,
    site_keys,
    strip_site_suffix,
)
from bench.corpus.problems import Problems, RowError
from bench.errors import CorpusError

if TYPE_CHECKING:
    from bench.corpus.config import CorpusConfig

__all__ = [
    "HTML_SUFFIXES",
    "html_files",
    "source_files",
    "printable",
    "read_html",
    "read_html_page",
    "default_workers",
    "SourceOrder",
]

log = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
_GLOB_CHARS = set("*?[")
_MIN_BODY_CHARS = 200
_MAX_WORKERS = 8
_PAGES_PER_WORKER = 16


@dataclass(frozen=True)
class SourceOrder:
    """Where the headline and the standfirst are taken from, first choice first."""

    headline: tuple[str, ...] = HEADLINE_SOURCES
    standfirst: tuple[str, ...] = STANDFIRST_SOURCES

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> SourceOrder:
        """From the corpus ``fields`` (for html: article field -> comma-separated page sources)."""
        extra = sorted(set(fields) - {"headline", "standfirst"})
        if extra:
            raise CorpusError(
                f"corpus.fields: format html takes only headline and standfirst (their page sources, e.g. "
                f'headline: "h1, og:title"), not {", ".join(extra)}'
            )
        return cls(
            headline=_order(fields.get("headline"), HEADLINE_SOURCES, "headline"),
            standfirst=_order(fields.get("standfirst"), STANDFIRST_SOURCES, "standfirst"),
        )


def _order(value: str | None, known: tuple[str, ...], name: str) -> tuple[str, ...]:
    if value is None:
        return known
    order = tuple(s.strip().lower() for s in value.replace(" ", ",").split(",") if s.strip())
    bad = [s for s in order if s not in known]
    if bad or not order:
        raise CorpusError(
            f"corpus.fields.{name}: for format html, a comma-separated list of page sources from "
            f"{', '.join(known)}; got {value!r}"
        )
    return order


def _is_html(path: Path) -> bool:
    return path.name.lower().endswith(HTML_SUFFIXES)


def _id_of(rel: Path) -> str:
    name = rel.name
    for suffix in sorted(HTML_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return "-".join((*rel.parent.parts, name))


def source_files(path: Path, suffixes: tuple[str, ...], noun: str) -> tuple[Path, list[Path]]:
    """(root the ids are relative to, sorted files ending in ``suffixes``) for a file, a folder tree or a glob."""
    if path.is_file():
        return path.parent, [path]
    if path.is_dir():
        files = [
            p
            for p in sorted(path.rglob("*"))
            if p.name.lower().endswith(suffixes) and p.is_file() and not _hidden(p, path)
        ]
        if not files:
            raise CorpusError(f"{path}: no {noun} ({', '.join('*' + s for s in suffixes)}) in this folder")
        return path, files
    if _GLOB_CHARS & set(str(path)):
        root = next((p for p in path.parents if not (_GLOB_CHARS & set(str(p)))), Path("."))
        pattern = str(path.relative_to(root)) if path.is_absolute() else str(path)
        files = sorted(p for p in root.glob(pattern) if p.is_file())
        if not files:
            raise CorpusError(f"{path}: the pattern matches no files; check the corpus path")
        return root, files
    raise CorpusError(f"{path}: no such file or directory; check the corpus path")


def html_files(path: Path) -> tuple[Path, list[Path]]:
    """(root the ids are relative to, sorted page files) for a file, a folder tree or a glob pattern."""
    return source_files(path, HTML_SUFFIXES, "web pages")


def _hidden(file: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in file.relative_to(root).parts)


def _has_html(folder: Path) -> bool:
    return any(_is_html(p) for p in folder.rglob("*"))


def printable(file: Path) -> str:
    """The path as text; bytes that are not UTF-8 (lone surrogates from the OS layer) as \\xNN."""
    return os.fsencode(file).decode("utf-8", "backslashreplace")


def _page_bytes(file: Path) -> bytes:
    try:
        raw = file.read_bytes()
        return gzip.decompress(raw) if file.name.lower().endswith(".gz") else raw
    except OSError as exc:  # includes gzip.BadGzipFile
        raise RowError(f"cannot read the page ({exc.strerror or exc}); check the file") from None
    except EOFError:
        raise RowError("the gzip file is cut short; download the page again") from None


def _trafilatura() -> Any:
    """The trafilatura module, imported on first use so that other formats load without it."""
    try:
        import trafilatura
    except ImportError as exc:
        raise CorpusError(
            f"format html needs trafilatura and lxml_html_clean ({exc}); pip install trafilatura lxml_html_clean"
        ) from None
    return trafilatura


def read_html_page(raw: bytes, page_id: str, order: SourceOrder, config: CorpusConfig) -> Article:
    """One page's bytes as an Article; RowError (a problem, not a crash) when it has no headline or body."""
    trafilatura = _trafilatura()
    tree = trafilatura.load_html(raw)
    if tree is None:
        raise RowError("not an HTML page (nothing to parse)")
    fields = page_fields(tree)
    doc = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False)
    meta: dict[str, Any] = {}
    keys = site_keys(getattr(doc, "sitename", None), getattr(doc, "hostname", None), fields.site_name)
    cands = {k: strip_site_suffix(v, keys) for k, v in fields.headlines.items()}
    headline, meta["headline_source"] = pick(cands, order.headline)
    if not headline:
        raise RowError(f"no headline: the page has none of {', '.join(order.headline)}")
    standfirst, meta["standfirst_source"] = pick(fields.teasers, order.standfirst)
    if doc is None or doc.body is None:
        raise RowError("no article text found (trafilatura extracted no main text)")
    body = make_body(doc.body, headline, standfirst)
    if len(body.text) < _MIN_BODY_CHARS:
        raise RowError(f"no usable body: {len(body.text)} characters of article text (under {_MIN_BODY_CHARS})")
    check_body_length(body.text, config.max_body_chars)
    for name in ("author", "sitename", "hostname"):
        if getattr(doc, name, None):
            meta[name] = getattr(doc, name)
    if body.removed:
        meta["removed_paragraphs"] = body.removed
    if body.summary:
        meta["summary"] = body.summary
    return Article(
        id=page_id,
        body=body.text,
        headline=headline,
        standfirst=standfirst,
        language=fields.language or config.language or "en",
        source=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
        url=getattr(doc, "url", None),
        date=getattr(doc, "date", None),
        meta=meta,
    )


def _parse(job: tuple[Path, str, SourceOrder, CorpusConfig]) -> Article | str:
    """One page file as an Article, or the reason it is unusable (runs in a worker process)."""
    file, page_id, order, config = job
    try:
        return read_html_page(_page_bytes(file), page_id, order, config)
    except RowError as exc:
        return str(exc)


def default_workers(pages: int) -> int:
    """Processes to parse ``pages`` pages with: the usable cores (at most 8), one per 16 pages or more."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, _MAX_WORKERS, pages // _PAGES_PER_WORKER))


def _parse_all(jobs: list[tuple[Path, str, SourceOrder, CorpusConfig]], workers: int) -> list[Article | str]:
    """``_parse`` over the jobs, in order; forked worker processes on Linux (no re-import of ``__main__``)."""
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods() and sys.platform.startswith("linux"):
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                return list(pool.map(_parse, jobs, chunksize=4))
        except BrokenProcessPool as exc:
            log.warning("html: worker processes failed (%s); parsing the pages in this process instead", exc)
    return list(map(_parse, jobs))


def read_html(
    path: Path, problems: Problems, config: CorpusConfig, workers: int | None = None
) -> list[tuple[str, Article]]:
    """Each page under ``path`` as an Article, parsed over ``workers`` processes (None: see default_workers).

    Pages without a headline or body become problems; the result is in file order whatever ``workers`` is.
    """
    order = SourceOrder.from_fields(config.fields)
    root, files = html_files(path)
    jobs, wheres = [], []
    for file in files:
        where = printable(file)
        if where != str(file):
            problems.add(where, "the file name is not valid UTF-8, and it would be the article's id; rename the file")
            continue
        jobs.append((file, _id_of(file.relative_to(root)), order, config))
        wheres.append(where)
    n = default_workers(len(jobs)) if workers is None else max(1, workers)
    results = _parse_all(jobs, n)
    out: list[tuple[str, Article]] = []
    for where, result in zip(wheres, results):
        if isinstance(result, str):
            problems.add(where, result)
        else:
            out.append((where, result))
    log.debug("html: %d of %d page(s) read from %s with %d process(es)", len(out), len(files), path, n)
    return out


@register_format(
    "html",
    suffixes=HTML_SUFFIXES,
    folder=True,
    claims_folder=_has_html,
    description="saved web pages (.html, .htm, .html.gz): a file, a folder tree or a glob, parsed with trafilatura",
)
def _read(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    assert path is not None  # needs_path: load_corpus checks
    return RawTable(label=str(path), articles=read_html(path, problems, config))
