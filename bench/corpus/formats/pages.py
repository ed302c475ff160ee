"""Scraped pages saved as text (``.txt``): one file, or a folder tree of them, parsed by page layout.

Each page becomes one Article through :func:`bench.corpus.pages.parse_page` (the layouts live in
:mod:`bench.corpus.pages`); in a folder tree the sub-folder names the category. A page that fits no
layout, cannot be decoded or is too long is a ``file: reason`` problem.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from bench.article import Article
from bench.corpus.fields import check_body_length
from bench.corpus.formats import RawTable, register_format
from bench.corpus.pages import PageError, parse_page
from bench.corpus.problems import Problems, RowError
from bench.errors import CorpusError

if TYPE_CHECKING:
    from bench.corpus.config import CorpusConfig

__all__ = ["PAGE_SUFFIXES", "page_files", "read_pages"]

PAGE_SUFFIXES = (".txt",)


def _is_page(path: Path, root: Path) -> bool:
    return (
        path.suffix.lower() in PAGE_SUFFIXES
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
        and not path.name.lower().startswith("readme")
    )


def page_files(path: Path) -> list[Path]:
    """The page files under ``path`` (itself when a file): ``*.txt``, sorted, README and hidden skipped."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CorpusError(f"{path}: no such file or directory; check the corpus path")
    files = [p for p in sorted(path.rglob("*")) if _is_page(p, path)]
    if not files:
        raise CorpusError(f"{path}: no page files ({', '.join('*' + s for s in PAGE_SUFFIXES)}) in this directory")
    return files


def _has_pages(folder: Path) -> bool:
    return any(_is_page(p, folder) for p in folder.rglob("*"))


def _read_page(file: Path, page_id: str, category: str | None, config: CorpusConfig) -> Article:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise RowError(f"cannot read the page ({exc.strerror})") from None
    try:
        text = raw.decode(config.encoding)
    except UnicodeDecodeError as exc:
        raise RowError(
            f"invalid {config.encoding} bytes at byte {exc.start}; re-encode the page as UTF-8 "
            "(or set the corpus encoding, e.g. latin-1)"
        ) from None
    article = parse_page(text, page_id, layout=config.layout, language=config.language or "en", category=category)
    check_body_length(article.body, config.max_body_chars)
    return article


def read_pages(path: Path, problems: Problems, config: CorpusConfig) -> list[tuple[str, Article]]:
    """Parse each page file into an Article; pages that fit no layout become ``file: reason`` problems."""
    out: list[tuple[str, Article]] = []
    root = path if path.is_dir() else path.parent
    for file in page_files(path):
        rel = file.relative_to(root)
        category = rel.parent.name if len(rel.parts) > 1 else None
        where = _printable(file)
        try:
            if where != str(file):
                raise RowError("the file name is not valid UTF-8, and it would be the article's id; rename the file")
            article = _read_page(file, "-".join(rel.with_suffix("").parts), category, config)
        except (PageError, RowError) as exc:
            problems.add(where, str(exc))
            continue
        out.append((where, article))
    return out


def _printable(file: Path) -> str:
    """The path as text; bytes that are not UTF-8 (kept as lone surrogates by the OS layer) as \\xNN."""
    return os.fsencode(file).decode("utf-8", "backslashreplace")


@register_format(
    "pages",
    suffixes=PAGE_SUFFIXES,
    folder=True,
    claims_folder=_has_pages,
    description="scraped pages saved as text: a .txt file or a folder tree of them (see layout)",
)
def _read(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    assert path is not None  # needs_path: load_corpus checks
    return RawTable(label=str(path), articles=read_pages(path, problems, config))
