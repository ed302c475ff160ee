"""Corpora: load articles of any shape into :class:`Article`, nothing silently dropped or mangled.

Sources (``format``; ``auto`` tells them by suffix / folder contents):

- ``jsonl`` (``.jsonl``/``.json``/``.ndjson``), ``csv``, ``tsv``, ``parquet``: one article per row, with
  ``fields`` mapping article fields to the user's column names, or a ``preset`` (:mod:`bench.corpus.presets`);
- ``hf``: Hugging Face ``datasets`` — a hub name (``hf_name``/``hf_config``/``split``/``revision``),
  a ``save_to_disk`` folder, or local data files (:mod:`bench.corpus.formats.hf`);
- ``pages``: a scraped page file or a folder of them (:mod:`bench.corpus.pages` lists the layouts).

A bad row (not JSON, not an object, missing/empty body, a field of the wrong type, invalid UTF-8, a
ragged CSV row, a body over ``max_body_chars``, a reused id) is skipped and reported as
``file:line: reason`` in :attr:`Corpus.problems`; with ``strict`` it stops loading (CorpusError).
Duplicates (same body, whitespace aside) are reported and, with ``dedupe`` (default), dropped: the
first one is kept. Then few-shot examples are set aside (``few_shot``), and ``limit`` takes a
deterministic sample (:mod:`bench.corpus.sampling`). A missing ``headline``/``standfirst`` stays None.
"""

from __future__ import annotations

import codecs
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench.article import ARTICLE_FIELDS, TARGETS, Article
from bench.corpus.fields import RecordMapper
from bench.corpus.formats import detect_format, open_bytes as _open_or_raise, read_delimited, read_jsonl, read_pages, read_parquet
from bench.corpus.formats.hf import HFSource, read_hf
from bench.corpus.presets import PRESETS
from bench.corpus.problems import Problems, RowError, summarize_problems
from bench.corpus.sampling import sample_articles, split_few_shot
from bench.errors import CorpusError
from bench.typed import suggest

__all__ = ["Article", "TARGETS", "CorpusConfig", "Corpus", "load_corpus", "load_jsonl", "iter_jsonl",
           "article_from_record", "resolve_path"]

log = logging.getLogger(__name__)

FormatName = Literal["auto", "jsonl", "csv", "tsv", "parquet", "pages", "hf"]


@dataclass(frozen=True)
class CorpusConfig:
    """The ``corpus`` section of a config. Relative paths are resolved against the config file's folder."""

    path: str | None = None
    format: FormatName = "auto"
    fields: dict[str, str] = field(default_factory=dict)  # article field -> the user's column
    preset: str | None = None  # xsum | cnn_dailymail | gigaword | generic
    hf_name: str | None = None
    hf_config: str | None = None
    split: str | None = None
    revision: str | None = None
    layout: Literal["auto", "dw", "plain"] = "auto"  # for format pages
    encoding: str = "utf-8"
    language: str | None = None  # for articles whose record names none (default "en")
    limit: int | None = None
    seed: int = 0
    stratify_by: str | None = None
    dedupe: bool = True
    strict: bool = False
    max_body_chars: int | None = 200_000
    few_shot: int = 0  # examples set aside for prompts, never evaluated
    few_shot_path: str | None = None  # draw them from this file instead of the corpus
    few_shot_split: str | None = None  # ... or from this split of the same hf dataset

    def validate(self, where: str) -> None:
        if self.limit is not None and self.limit < 1:
            raise CorpusError(f"{where}.limit: must be ≥ 1 (or absent for all articles), got {self.limit}")
        preset = PRESETS.get(self.preset or "")
        if self.path is None and self.hf_name is None and not (preset and preset.hf_name):
            raise CorpusError(f"{where}: give path (a file or folder) or hf_name (a Hugging Face dataset)")
        if self.preset is not None and self.preset not in PRESETS:
            raise CorpusError(f"{where}.preset: unknown preset {self.preset!r}{suggest(self.preset, PRESETS)}; "
                              f"presets: {', '.join(PRESETS)}")
        for name in self.fields:
            if name not in ARTICLE_FIELDS:
                raise CorpusError(f"{where}.fields: {name!r} is not an article field{suggest(name, ARTICLE_FIELDS)}; "
                                  f"article fields: {', '.join(ARTICLE_FIELDS)}")
        if self.max_body_chars is not None and self.max_body_chars < 1:
            raise CorpusError(f"{where}.max_body_chars: must be ≥ 1 or null, got {self.max_body_chars}")
        if self.few_shot < 0:
            raise CorpusError(f"{where}.few_shot: must be ≥ 0, got {self.few_shot}")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise CorpusError(f"{where}.encoding: unknown text encoding {self.encoding!r} (e.g. utf-8, latin-1)") from None
        if self.stratify_by == "body":
            raise CorpusError(f"{where}.stratify_by: stratify by a label such as category, not the body")


@dataclass
class Corpus:
    """Loaded articles plus what loading had to say about the source."""

    articles: list[Article]
    source: str
    problems: list[str] = field(default_factory=list)  # "file:line: reason" for each skipped row
    duplicates: int = 0  # articles whose body repeats an earlier one (dropped when dedupe)
    duplicate_notes: list[str] = field(default_factory=list)  # "file:line: same body as <id> (file:line)"
    rows_read: int = 0  # articles read before dedupe, few-shot and sampling
    few_shot: list[Article] = field(default_factory=list)  # examples for prompts, disjoint from articles

    def missing(self, name: str) -> int:
        """How many articles lack ``name`` (e.g. 'headline': tasks for that target skip them)."""
        return sum(1 for a in self.articles if not (getattr(a, name, None) or "").strip())


def resolve_path(path: str | None, base_dir: Path | None) -> Path | None:
    """``path`` as a Path, relative ones taken against ``base_dir``; ``~`` expanded."""
    if path is None:
        return None
    p = Path(path).expanduser()
    return base_dir / p if not p.is_absolute() and base_dir is not None else p


def _read(config: CorpusConfig, path: Path | None, problems: Problems,
          split: str | None = None) -> tuple[str, list[tuple[str, Article]]]:
    """(source label, [(where, article)]) for any format."""
    fmt = config.format
    if fmt == "auto":
        fmt = "hf" if path is None else detect_format(path)
    if split is not None and fmt != "hf":
        raise CorpusError("corpus.few_shot_split: splits exist only for Hugging Face datasets (format hf); "
                          "for files use few_shot_path")
    if fmt == "pages":
        if path is None:
            raise CorpusError("corpus: format pages needs a path (a page file or a folder of them)")
        return str(path), read_pages(path, problems, config.layout, config.language or "en",
                                     config.encoding, config.max_body_chars)
    if fmt == "hf":
        table = read_hf(HFSource(path=path, name=config.hf_name, config=config.hf_config,
                                 split=split or config.split, revision=config.revision, preset=config.preset))
    elif path is None:
        raise CorpusError(f"corpus: format {fmt} needs a path")
    elif fmt == "jsonl":
        table = read_jsonl(path, problems, config.encoding)
    elif fmt == "parquet":
        table = read_parquet(path, problems)
    else:
        table = read_delimited(path, problems, "\t" if fmt == "tsv" else ",", config.encoding)
    if not table.rows:
        return table.label, []
    mapper = RecordMapper.make(config.fields, config.preset, config.language, config.max_body_chars)
    if any(isinstance(row.record, Mapping) for row in table.rows):  # else every row is reported below
        mapper = mapper.resolve(table.columns, table.label)
    out = []
    for row in table.rows:
        try:
            out.append((row.where, mapper.article(row.record, row.default_id)))
        except RowError as exc:
            problems.add(row.where, str(exc))
    return table.label, out


def _dedupe(pairs: list[tuple[str, Article]], drop: bool, problems: Problems
            ) -> tuple[list[tuple[str, Article]], list[str]]:
    """Report repeated bodies (and drop them when ``drop``); a reused id with another body is a problem."""
    first_body: dict[str, tuple[str, str]] = {}
    first_id: dict[str, str] = {}
    kept, notes = [], []
    for where, article in pairs:
        seen = first_body.get(article.body_hash)
        if seen is not None:
            notes.append(f"{where}: same body as {seen[1]!r} ({_short_where(seen[0], where)})"
                         + ("; dropped" if drop else "; kept (dedupe is off)"))
            if drop:
                continue
        elif article.id in first_id:
            problems.add(where, f"id {article.id!r} is already used by {first_id[article.id]} for another "
                         "article; ids must be unique")
            continue
        first_body.setdefault(article.body_hash, (where, article.id))
        first_id.setdefault(article.id, where)
        kept.append((where, article))
    return kept, notes


def _short_where(where: str, relative_to: str) -> str:
    """'line 12' / 'row 3' when both locations are in the same file, else the full location."""
    file, _, pos = where.rpartition(":")
    if not file or file != relative_to.rpartition(":")[0]:
        return where
    return f"line {pos}" if pos.isdigit() else pos


def _few_shot(config: CorpusConfig, base_dir: Path | None, articles: list[Article], problems: Problems
              ) -> tuple[list[Article], list[Article]]:
    """(examples, articles to evaluate): examples never share a body with evaluated articles."""
    if config.few_shot == 0:
        return [], articles
    if config.few_shot_path is None and config.few_shot_split is None:
        return split_few_shot(articles, config.few_shot, config.seed)
    pool_path = resolve_path(config.few_shot_path or config.path, base_dir)
    label, pairs = _read(config, pool_path, problems, split=config.few_shot_split)
    pool = [a for _, a in _dedupe(pairs, True, problems)[0]]
    if len(pool) < config.few_shot:
        raise CorpusError(f"{label}: the few-shot pool has {len(pool)} usable article(s), fewer than "
                          f"few_shot={config.few_shot}")
    examples = sample_articles(pool, config.few_shot, config.seed ^ 0x5EED)
    taken = {a.body_hash for a in examples}
    rest = [a for a in articles if a.body_hash not in taken]
    if len(rest) < len(articles):
        log.warning("corpus: %d article(s) also in the few-shot pool left out of the evaluated set",
                    len(articles) - len(rest))
    return examples, rest


def load_corpus(config: CorpusConfig, base_dir: Path | None = None) -> Corpus:
    """Load, check, dedupe and sample the articles a config names (see the module docstring)."""
    path = resolve_path(config.path, base_dir)
    problems = Problems(strict=config.strict)
    label, pairs = _read(config, path, problems)
    if not pairs:
        if problems.messages:
            first = "; ".join(summarize_problems(problems.messages, 3))
            raise CorpusError(f"{label}: no usable articles: all {len(problems)} skipped ({first})")
        raise CorpusError(f"{label}: no articles (the source is empty)")
    kept, notes = _dedupe(pairs, config.dedupe, problems)
    examples, articles = _few_shot(config, base_dir, [a for _, a in kept], problems)
    if config.stratify_by is not None:
        _check_stratify(config.stratify_by, articles)
    articles = sample_articles(articles, config.limit, config.seed, config.stratify_by)
    corpus = Corpus(articles=articles, source=label, problems=problems.messages, duplicates=len(notes),
                    duplicate_notes=notes, rows_read=len(pairs), few_shot=examples)
    _log_summary(corpus)
    return corpus


def _check_stratify(name: str, articles: list[Article]) -> None:
    if name in ARTICLE_FIELDS or any(name in a.meta for a in articles):
        return
    keys = sorted({k for a in articles for k in a.meta})
    raise CorpusError(f"corpus.stratify_by: no field or meta key {name!r}{suggest(name, ARTICLE_FIELDS + tuple(keys))}; "
                      f"fields: {', '.join(ARTICLE_FIELDS)}" + (f"; meta keys: {', '.join(keys)}" if keys else ""))


def _log_summary(corpus: Corpus) -> None:
    if corpus.problems:
        log.warning("corpus %s: skipped %d bad row(s) (first: %s)", corpus.source, len(corpus.problems),
                    corpus.problems[0])
    if corpus.duplicates:
        log.warning("corpus %s: %d article(s) repeat an earlier body (first: %s)", corpus.source,
                    corpus.duplicates, corpus.duplicate_notes[0])


# ---- the JSONL corpus format (strict helpers kept for callers that want the first error) ----------


def article_from_record(rec: Any, where: str, default_id: str) -> Article:
    """Make an Article from one decoded JSON record (same-named fields); CorpusError naming ``where``."""
    try:
        return RecordMapper.make().article(rec, default_id)
    except RowError as exc:
        raise CorpusError(f"{where}: {exc}") from None


def iter_jsonl(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of the non-blank lines of a UTF-8 file; CorpusError on bad bytes."""
    path = Path(path)
    with _open_or_raise(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{path}:{lineno}: invalid UTF-8 at byte {exc.start}; re-encode the file "
                                  "as UTF-8") from None
            if line.strip():
                yield lineno, line


def load_jsonl(path: str | Path) -> list[Article]:
    """Load a JSONL corpus (one article object per line); the first bad line raises CorpusError."""
    path = Path(path)
    articles = []
    for lineno, line in iter_jsonl(path):
        where = f"{path}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        articles.append(article_from_record(rec, where, default_id=f"{path.stem}-{lineno}"))
    if not articles:
        raise CorpusError(f"{path}: no articles (the file is empty)")
    return articles
