"""Page layout ``plain``: the layout of the original ``bbc-fulltext`` archive.

A one-line headline, a blank line, then paragraphs separated by blank lines. The first paragraph is the
standfirst, the rest the body. In a directory tree (``bbc/business/001.txt``) the sub-folder names the
category (the ``pages`` format passes it on).
"""

from __future__ import annotations

from bench.corpus.pages import register_layout
from bench.corpus.pages.common import MAX_HEADLINE_WORDS, PageError, ParsedPage

__all__ = ["parse_plain"]


@register_layout(
    "plain",
    order=20,
    description="a one-line headline, a blank line, then paragraphs; the first "
    "is the standfirst (the bbc-fulltext archive)",
)
def parse_plain(blocks: list[list[str]]) -> ParsedPage:
    if not blocks:
        raise PageError("the page is empty")
    if len(blocks[0]) != 1:
        raise PageError(
            f"the first block has {len(blocks[0])} lines, expected a one-line headline followed by a blank line"
        )
    headline = blocks[0][0]
    if headline.startswith("<"):
        raise PageError("the page looks like HTML or XML markup; save the page as text first")
    if len(headline.split()) > MAX_HEADLINE_WORDS:
        raise PageError(
            f"the first line has {len(headline.split())} words, too long for a headline (at most {MAX_HEADLINE_WORDS})"
        )
    if len(blocks) < 3:
        raise PageError(
            f"expected a headline, a standfirst paragraph and at least one body paragraph, found {len(blocks)} block(s)"
        )
    paragraphs = [" ".join(b) for b in blocks[1:]]
    return ParsedPage(headline=headline, standfirst=paragraphs[0], paragraphs=paragraphs[1:])
