"""Presets: what the well-known summarization sets call their fields, and where they live on the hub.

A preset is a field mapping (article field -> the set's column) plus defaults. It works on the hub set
(``format: hf`` with no ``path``) and on any local file with the same columns (jsonl/csv/parquet, a
``save_to_disk`` folder). ``fields`` in the config override single entries of a preset.

=================  ==========================================  ===============================
preset             mapping                                      hub set (config)
=================  ==========================================  ===============================
``xsum``           document -> body, summary -> standfirst,     ``EdinburghNLP/xsum``
                   id -> id; no headline
``cnn_dailymail``  article -> body, highlights -> standfirst,    ``abisee/cnn_dailymail`` (3.0.0)
                   id -> id; no headline
``gigaword``       document -> body, summary -> headline;        ``Harvard/gigaword``
                   no standfirst
``generic``        each field from the first column present of
                   common names (body: body/text/article/
                   document/content; headline: headline/title;
                   standfirst: standfirst/summary/description/
                   abstract/highlights/lead; ...)
=================  ==========================================  ===============================
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Preset", "PRESETS", "GENERIC_ALIASES"]


@dataclass(frozen=True)
class Preset:
    """A known corpus shape: its field mapping, hub location and defaults."""

    name: str
    fields: dict[str, str] = field(default_factory=dict)
    hf_name: str | None = None
    hf_config: str | None = None
    split: str = "test"
    source: str | None = None
    language: str = "en"
    #: single newlines separate paragraphs (XSum's documents have one paragraph per line)
    line_paragraphs: bool = False
    #: resolve fields from :data:`GENERIC_ALIASES` against the columns present
    aliases: bool = False


GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "body": ("body", "text", "article", "document", "content", "story"),
    "headline": ("headline", "title"),
    "standfirst": ("standfirst", "summary", "description", "abstract", "highlights", "lead", "teaser"),
    "id": ("id", "guid", "uid", "article_id", "doc_id"),
    "date": ("date", "published", "publish_date", "pub_date", "datetime"),
    "url": ("url", "link"),
    "language": ("language", "lang"),
    "category": ("category", "section", "topic"),
    "source": ("source", "publisher"),
}

PRESETS: dict[str, Preset] = {
    "xsum": Preset(
        "xsum",
        {"body": "document", "standfirst": "summary", "id": "id"},
        hf_name="EdinburghNLP/xsum",
        source="BBC (XSum)",
        line_paragraphs=True,
    ),
    "cnn_dailymail": Preset(
        "cnn_dailymail",
        {"body": "article", "standfirst": "highlights", "id": "id"},
        hf_name="abisee/cnn_dailymail",
        hf_config="3.0.0",
        source="CNN/Daily Mail",
    ),
    "gigaword": Preset(
        "gigaword", {"body": "document", "headline": "summary"}, hf_name="Harvard/gigaword", source="Gigaword"
    ),
    "generic": Preset("generic", aliases=True),
}
