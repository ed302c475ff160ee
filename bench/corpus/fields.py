"""Field mapping: a user's record (JSON object, CSV row, Parquet/HF row) -> :class:`Article`.

The mapping names, for each article field, the user's column. Unnamed fields map to the column of the
same name when present. Columns that map to no field are kept in ``Article.meta`` (nothing is dropped
silently). A column named explicitly (config ``fields`` or a preset) must exist: otherwise loading
stops with a message that lists the columns there are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.article import ARTICLE_FIELDS, Article
from bench.corpus.presets import GENERIC_ALIASES, PRESETS, Preset
from bench.corpus.problems import RowError
from bench.errors import CorpusError
from bench.typed import suggest

__all__ = ["RecordMapper", "Surrogate", "find_surrogate", "normalize_body", "check_body_length"]

_JSON_SCALARS = (str, int, float, bool, type(None))
_SHARED = ("language", "source", "category", "date")  # fields whose values repeat: interned
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")  # an undecodable byte under errors="surrogateescape"


@dataclass(frozen=True)
class Surrogate:
    """Where a record holds a lone surrogate: a code point UTF-8 cannot encode, so no file can hold it."""

    column: str  # the record's top-level key it is under
    path: str  # 'body', 'meta.desk', 'tags[1]': the field (or, with in_name, the field name) that holds it
    char: str
    position: int  # 1-based, within the value (or the name)
    in_name: bool = False

    def describe(self) -> str:
        what = "field name" if self.in_name else "field"
        return f"{what} {self.path!r} holds the lone surrogate \\u{ord(self.char):04x} at character {self.position}"


def find_surrogate(value: Any, path: str = "", column: str | None = None) -> Surrogate | None:
    """The first lone surrogate (U+D800..U+DFFF) in a decoded record's keys and values, or None."""
    if isinstance(value, str):
        m = _SURROGATE.search(value)
        return Surrogate(column if column is not None else path, path, m.group(), m.start() + 1) if m else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = str(key)
            key_path = f"{path}.{name}" if path else name
            top = column if column is not None else name
            if (m := _SURROGATE.search(name)) is not None:
                return Surrogate(top, key_path, m.group(), m.start() + 1, in_name=True)
            if (found := find_surrogate(item, key_path, top)) is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if (found := find_surrogate(item, f"{path}[{i}]", column)) is not None:
                return found
    return None


def normalize_body(text: str, line_paragraphs: bool = False) -> str:
    """Unify line ends and make paragraphs separated by exactly one blank line.

    With ``line_paragraphs`` every non-empty line is a paragraph (XSum's documents).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if line_paragraphs:
        paragraphs = [ln.strip() for ln in text.split("\n")]
    else:
        paragraphs = [p.strip() for p in re.split(r"\n[ \t\u00a0]*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def check_body_length(body: str, max_chars: int | None) -> None:
    """Raise RowError when ``body`` is longer than ``max_chars`` characters (None: no limit)."""
    if max_chars is not None and len(body) > max_chars:
        raise RowError(
            f"body is {len(body):,} characters, over max_body_chars={max_chars:,} (a scraping "
            "error? raise max_body_chars in the corpus config, or null for no limit)"
        )


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a meta value (dates as ISO text, other objects as their str())."""
    if isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


@dataclass(frozen=True)
class RecordMapper:
    """Turns records into Articles; built from a preset and the config's ``fields``."""

    columns: dict[str, str]
    explicit: frozenset[str] = frozenset()
    language: str = "en"
    source: str | None = None
    line_paragraphs: bool = False
    aliases: bool = False
    max_body_chars: int | None = None
    preset: str | None = None
    user_fields: frozenset[str] = frozenset()

    @classmethod
    def make(
        cls,
        fields: Mapping[str, str] | None = None,
        preset: str | None = None,
        language: str | None = None,
        max_body_chars: int | None = None,
    ) -> RecordMapper:
        """Combine a preset's mapping with the user's ``fields`` (which win)."""
        chosen: Preset = PRESETS[preset] if preset else Preset("none")
        explicit = {**chosen.fields, **(fields or {})}
        for name in explicit:
            if name not in ARTICLE_FIELDS:
                raise CorpusError(
                    f"fields: {name!r} is not an article field{suggest(name, ARTICLE_FIELDS)}; "
                    f"article fields: {', '.join(ARTICLE_FIELDS)}"
                )
        columns = dict(explicit)
        used = set(explicit.values())
        for name in ARTICLE_FIELDS:
            if name not in columns and name not in used and not chosen.aliases:
                columns[name] = name  # same-named column, used when present
        required = set(fields or {}) | ({"body"} & set(chosen.fields))
        return cls(
            columns=columns,
            explicit=frozenset(required),
            preset=preset,
            user_fields=frozenset(fields or {}),
            language=language or chosen.language,
            source=chosen.source,
            line_paragraphs=chosen.line_paragraphs,
            aliases=chosen.aliases,
            max_body_chars=max_body_chars,
        )

    def resolve(self, available: Sequence[str], label: str) -> RecordMapper:
        """Check the mapping against the columns a source has; resolve generic aliases.

        Raises CorpusError naming the missing column and the columns there are.
        """
        have = list(available)
        columns = dict(self.columns)
        if self.aliases:
            used = set(columns.values())
            for name, names in GENERIC_ALIASES.items():
                if name not in columns:
                    hit = next((c for c in names if c in have and c not in used), None)
                    if hit:
                        columns[name] = hit
                        used.add(hit)
        listing = ", ".join(have) or "none"
        for name in sorted(self.explicit):
            if columns[name] not in have:
                who = f"fields.{name} names" if name in self.user_fields else f"preset {self.preset!r} expects"
                raise CorpusError(
                    f"{label}: {who} column {columns[name]!r}, which does not "
                    f"exist{suggest(columns[name], have)}; columns are: {listing}"
                )
        if columns.get("body") not in have:
            raise CorpusError(
                f"{label}: no column for the article body (looked for {columns.get('body', 'body')!r}); "
                f"columns are: {listing}; map one with fields: {{body: <column>}} (CLI: --field "
                "body=<column>) or use a preset (xsum, cnn_dailymail, gigaword, generic)"
            )
        # Optional columns a preset names but this source lacks: the field is simply absent (None).
        columns = {name: col for name, col in columns.items() if col in have}
        return dataclasses.replace(self, columns=columns)

    def _text(self, rec: Mapping[str, Any], name: str) -> str | None:
        column = self.columns.get(name)
        if column is None:
            return None
        value = rec.get(column)
        if value is None:
            return None
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        elif name == "date" and isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if not isinstance(value, str):
            raise RowError(
                f"field {name!r} (column {column!r}) must be a string, got {type(value).__name__} {_short(value)}"
            )
        if name == "body":
            return normalize_body(value, self.line_paragraphs) or None
        return value.strip() or None

    def article(self, rec: Any, default_id: str) -> Article:
        """Make an Article from one record; RowError says what is wrong with it."""
        if not isinstance(rec, Mapping):
            raise RowError(f"expected a JSON object, got {type(rec).__name__} {_short(rec)}")
        _check_text(rec)
        values = {name: self._text(rec, name) for name in ARTICLE_FIELDS}
        body = values.pop("body")
        if body is None:
            raise RowError(f"missing or empty body (column {self.columns['body']!r})")
        check_body_length(body, self.max_body_chars)
        meta = self._meta(rec)
        for name in _SHARED:  # a few values repeated over the corpus: one string each, not one per article
            if values[name] is not None:
                values[name] = sys.intern(values[name])
        return Article(
            id=values.pop("id") or default_id,
            body=body,
            language=values.pop("language") or self.language,
            source=values.pop("source") or self.source,
            meta=meta,
            **values,
        )

    def _meta(self, rec: Mapping[str, Any]) -> dict[str, Any]:
        mapped = set(self.columns.values())
        meta: dict[str, Any] = {}
        nested = rec.get("meta")
        if "meta" not in mapped and nested is not None:
            if not isinstance(nested, Mapping):
                raise RowError(f"field 'meta' must be an object, got {type(nested).__name__}")
            meta.update(_plain(nested))
        for key, value in rec.items():
            if key not in mapped and key != "meta" and value is not None:
                meta[str(key)] = _plain(value)
        return meta


def _check_text(rec: Mapping[str, Any]) -> None:
    """RowError when the record holds text that cannot be written out (lone surrogates), naming the column."""
    found = find_surrogate(rec)
    if found is None:
        return
    if _ESCAPED_BYTE.fullmatch(found.char):
        raise RowError(
            f"invalid UTF-8 bytes in column {found.column!r}; re-encode the file as UTF-8 (or set the corpus encoding)"
        )
    raise RowError(f"{found.describe()} (half of a UTF-16 pair, not a character); fix the source")


def _short(value: Any, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."
