"""The corpus format registry: name -> reader, file suffixes, a one-line description.

A format is a :class:`Format`: a reader ``(path, config, problems) -> RawTable`` plus what ``format: auto``
needs to pick it (suffixes, or a test for a folder). Readers return the rows as plain records, each with
its location (``file:line``), for :class:`~bench.corpus.fields.RecordMapper` to turn into Articles; a
format that parses straight to Articles (scraped pages) puts them in :attr:`RawTable.articles`. A row
that cannot be read goes to the :class:`~bench.corpus.problems.Problems` collector and is skipped.

Importing this package registers the built-in formats (one module each: :mod:`.jsonl`,
:mod:`.delimited`, :mod:`.parquet`, :mod:`.hf`, :mod:`.pages`). Adding a format is one module (or one
call) with one :func:`register_format`; config validation, ``--format`` choices and auto-detection read
the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.article import Article
from bench.errors import CorpusError
from bench.typed import suggest

if TYPE_CHECKING:
    from bench.corpus.config import CorpusConfig
    from bench.corpus.problems import Problems

__all__ = [
    "RawRow",
    "RawTable",
    "Format",
    "Reader",
    "register_format",
    "unregister_format",
    "formats",
    "format_names",
    "get_format",
    "resolve_format",
    "detect_format",
    "suffix_format",
]


@dataclass
class RawRow:
    """One record as read, before field mapping."""

    where: str
    record: Any
    default_id: str


@dataclass
class RawTable:
    """The readable rows of a source, the column names it has, and any Articles parsed directly."""

    label: str
    rows: list[RawRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    articles: list[tuple[str, Article]] = field(default_factory=list)  # (where, article), e.g. from pages


#: ``reader(path, config, problems)``: ``path`` is None only for formats with ``needs_path=False``.
Reader = Callable[["Path | None", "CorpusConfig", "Problems"], RawTable]


@dataclass(frozen=True)
class Format:
    """One corpus format: how to read it and how ``format: auto`` recognises it."""

    name: str
    reader: Reader
    suffixes: tuple[str, ...] = ()  # lower case, with the dot: (".jsonl", ".json", ".warc.gz"); the longest match wins
    description: str = ""  # one line, for help texts and the README table
    folder: bool = False  # can read a folder
    claims_folder: Callable[[Path], bool] | None = None  # auto: does this folder hold this format?
    needs_path: bool = True  # False: can read without a path (a hub dataset name)
    splits: bool = False  # the source has named splits (few_shot_split)


_REGISTRY: dict[str, Format] = {}


def register_format(
    name: str,
    reader: Reader | None = None,
    *,
    suffixes: tuple[str, ...] = (),
    description: str = "",
    folder: bool = False,
    claims_folder: Callable[[Path], bool] | None = None,
    needs_path: bool = True,
    splits: bool = False,
) -> Any:
    """Register a format; with no ``reader`` it is a decorator for the reader function.

    Raises ValueError (a programming mistake, not a user's) for a name that is taken or reserved, or a
    suffix another format already claims.
    """

    def add(func: Reader) -> Reader:
        fmt = Format(
            name=name,
            reader=func,
            suffixes=tuple(s.lower() for s in suffixes),
            description=description,
            folder=folder,
            claims_folder=claims_folder,
            needs_path=needs_path,
            splits=splits,
        )
        _check_new(fmt)
        _REGISTRY[name] = fmt
        return func

    return add if reader is None else add(reader)


def _check_new(fmt: Format) -> None:
    if fmt.name == "auto" or not fmt.name.isidentifier():
        raise ValueError(f"corpus format name {fmt.name!r}: use a plain identifier other than 'auto'")
    if fmt.name in _REGISTRY:
        raise ValueError(f"corpus format {fmt.name!r} is already registered; unregister_format() it first")
    for suffix in fmt.suffixes:
        if not suffix.startswith("."):
            raise ValueError(f"corpus format {fmt.name!r}: suffix {suffix!r} must start with a dot")
        owner = next((f.name for f in _REGISTRY.values() if suffix in f.suffixes), None)
        if owner:
            raise ValueError(f"corpus format {fmt.name!r}: suffix {suffix!r} already belongs to format {owner!r}")


def unregister_format(name: str) -> None:
    """Remove a format (tests register toy formats and remove them after)."""
    _REGISTRY.pop(name, None)


def formats() -> tuple[Format, ...]:
    """Every registered format, in registration order."""
    return tuple(_REGISTRY.values())


def format_names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def get_format(name: str) -> Format:
    """The format called ``name``; CorpusError with a did-you-mean and the list when there is none."""
    fmt = _REGISTRY.get(name)
    if fmt is None:
        raise CorpusError(
            f"unknown corpus format {name!r}{suggest(name, _REGISTRY)}; formats: auto, {', '.join(_REGISTRY)}"
        )
    return fmt


def resolve_format(name: str, path: Path | None) -> Format:
    """The format to read ``path`` with: ``name``, or for ``auto`` the one its suffix or folder names."""
    if name != "auto":
        return get_format(name)
    if path is None:
        pathless = next((f for f in _REGISTRY.values() if not f.needs_path), None)
        if pathless is None:
            raise CorpusError("corpus: give a path (a file or folder)")
        return pathless
    return get_format(detect_format(path))


def suffix_format(name: str) -> Format | None:
    """The format whose suffix ``name`` ends with, the longest suffix winning (``x.warc.gz``: warc, not gzip)."""
    lower = name.lower()
    matches = [(len(s), f) for f in _REGISTRY.values() for s in f.suffixes if lower.endswith(s)]
    return max(matches, key=lambda m: m[0])[1] if matches else None


def detect_format(path: Path) -> str:
    """The name of the format of ``path``: from its suffix, or the first format that claims a folder."""
    if not path.exists():
        raise CorpusError(f"{path}: no such file or directory; check the corpus path")
    if path.is_dir():
        for fmt in _REGISTRY.values():
            if fmt.folder and fmt.claims_folder is not None and fmt.claims_folder(path):
                return fmt.name
        folders = "; ".join(f"{f.name}: {f.description}" for f in _REGISTRY.values() if f.folder)
        raise CorpusError(
            f"{path}: cannot tell the corpus format of this folder (formats that read folders: "
            f"{folders}); check the path or set format: (CLI: --format)"
        )
    fmt = suffix_format(path.name)
    if fmt is None:
        known = ", ".join(s for f in _REGISTRY.values() for s in f.suffixes)
        raise CorpusError(
            f"{path}: cannot tell the corpus format from the suffix {path.suffix!r} (known: {known}); "
            f"set format: to one of {', '.join(_REGISTRY)} (CLI: --format)"
        )
    return fmt.name


# The built-in formats register on import, in this order (the order help texts and errors list them; it
# also decides which of two formats claiming the same folder wins), so the imports are not sorted.
# isort: off
from bench.corpus.formats import jsonl  # noqa: E402,F401
from bench.corpus.formats import delimited  # noqa: E402,F401
from bench.corpus.formats import parquet  # noqa: E402,F401
from bench.corpus.formats import hf  # noqa: E402,F401
from bench.corpus.formats import pages  # noqa: E402,F401
from bench.corpus.formats import html  # noqa: E402,F401
from bench.corpus.formats import warc  # noqa: E402,F401
# isort: on
