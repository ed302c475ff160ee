"""Raw scraped page text -> :class:`~bench.article.Article`, through a registry of page layouts.

A layout is a :class:`Layout`: a ``parse(blocks) -> ParsedPage`` function (blocks are the page's
blank-line-separated groups of lines, :func:`~bench.corpus.pages.common.split_blocks`) that raises
:class:`PageError` saying why a page does not fit, and an ``order`` in which ``layout="auto"`` tries it.
Importing this package registers the built-in layouts, one module each: :mod:`.dw` (order 10, Deutsche
Welle pages) and :mod:`.plain` (order 20, the ``bbc-fulltext`` archive). Adding a layout is one module
(or one call) with one :func:`register_layout`; config validation, ``--layout`` choices and ``auto``
read the registry.

A page that matches no layout is not an article: :func:`parse_page` raises :class:`PageError` whose
message says why each layout did not fit (the corpus loader reports it as ``file: reason`` and skips
the file, or stops under ``strict``). Pass ``layout`` to force one layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.article import Article
from bench.corpus.pages.common import PageError, ParsedPage, parse_date, split_blocks
from bench.errors import CorpusError
from bench.typed import suggest

__all__ = [
    "Layout",
    "PageError",
    "ParsedPage",
    "register_layout",
    "unregister_layout",
    "layouts",
    "layout_names",
    "get_layout",
    "parse_page",
    "detect_layout",
    "parse_date",
    "split_blocks",
    "join_broken_sentences",
]

Parser = Callable[[list[list[str]]], ParsedPage]


@dataclass(frozen=True)
class Layout:
    """One page layout: its parser and its place in ``auto``'s order (lower is tried first)."""

    name: str
    parse: Parser
    order: int = 100
    description: str = ""


_REGISTRY: dict[str, Layout] = {}


def register_layout(name: str, parse: Parser | None = None, *, order: int = 100, description: str = "") -> Any:
    """Register a layout; with no ``parse`` it is a decorator. ValueError for a taken or reserved name."""

    def add(func: Parser) -> Parser:
        if name == "auto" or not name.isidentifier():
            raise ValueError(f"page layout name {name!r}: use a plain identifier other than 'auto'")
        if name in _REGISTRY:
            raise ValueError(f"page layout {name!r} is already registered; unregister_layout() it first")
        _REGISTRY[name] = Layout(name=name, parse=func, order=order, description=description)
        return func

    return add if parse is None else add(parse)


def unregister_layout(name: str) -> None:
    """Remove a layout (tests register toy layouts and remove them after)."""
    _REGISTRY.pop(name, None)


def layouts() -> tuple[Layout, ...]:
    """Every layout in the order ``auto`` tries them (by ``order``, then registration)."""
    return tuple(sorted(_REGISTRY.values(), key=lambda layout: layout.order))


def layout_names() -> tuple[str, ...]:
    return tuple(layout.name for layout in layouts())


def get_layout(name: str) -> Layout:
    """The layout called ``name``; CorpusError with a did-you-mean and the list when there is none."""
    layout = _REGISTRY.get(name)
    if layout is None:
        raise CorpusError(
            f"unknown page layout {name!r}{suggest(name, _REGISTRY)}; layouts: auto, {', '.join(layout_names())}"
        )
    return layout


def detect_layout(text: str) -> str:
    """The first layout (in :func:`layouts` order) that parses ``text``; PageError naming why none does."""
    return _parse_any(split_blocks(text))[0]


def _parse_any(blocks: list[list[str]]) -> tuple[str, ParsedPage]:
    reasons = []
    for layout in layouts():
        try:
            return layout.name, layout.parse(blocks)
        except PageError as exc:
            reasons.append(f"{layout.name}: {exc}")
    raise PageError("matches no known page layout (" + "; ".join(reasons) + "); set the layout to force one")


def parse_page(
    text: str, page_id: str, layout: str = "auto", language: str = "en", category: str | None = None
) -> Article:
    """Parse one page's text into an Article with id ``page_id``.

    ``layout`` is ``auto`` or a registered layout. ``category`` (e.g. from the page's folder) is used
    when the page itself names no section. Raises :class:`PageError` when the page does not fit.
    """
    blocks = split_blocks(text.lstrip("\ufeff"))
    if not blocks:
        raise PageError("the page is empty")
    if layout == "auto":
        name, parsed = _parse_any(blocks)
    else:
        name = get_layout(layout).name
        try:
            parsed = _REGISTRY[name].parse(blocks)
        except PageError as exc:
            raise PageError(f"not a {layout!r} page: {exc}") from None
    return Article(
        id=page_id,
        body="\n\n".join(parsed.paragraphs),
        headline=parsed.headline,
        standfirst=parsed.standfirst,
        language=language,
        source=parsed.source,
        url=parsed.url,
        date=parsed.date,
        category=parsed.category or category,
        meta={"layout": name, **parsed.meta},
    )


# The built-in layouts register on import.
from bench.corpus.pages import dw, plain  # noqa: E402,F401  (registers them)
from bench.corpus.pages.dw import join_broken_sentences  # noqa: E402
