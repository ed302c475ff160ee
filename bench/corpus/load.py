"""Corpora: load articles of any shape into :class:`Article`, nothing silently dropped or mangled.

The ``format`` (``auto``: from the suffix or the folder's contents) picks a reader from the format
registry (:mod:`bench.corpus.formats`: jsonl, csv, tsv, parquet, hf, pages, and any registered since).
Record formats give rows that ``fields`` (or a ``preset``, :mod:`bench.corpus.presets`) map onto article
fields; ``pages`` parses scraped page text by layout (:mod:`bench.corpus.pages`).

A bad row (not JSON, not an object, missing/empty body, a field of the wrong type, invalid UTF-8 or a
lone surrogate escape anywhere in it, a ragged CSV row, a body over ``max_body_chars``, a reused id) is skipped and reported as
``file:line: reason`` in :attr:`Corpus.problems`; with ``strict`` it stops loading (CorpusError).
Duplicates (same body, whitespace aside) are reported and, with ``dedupe`` (default), dropped: the
first one is kept. Then few-shot examples are set aside (``few_shot``), and ``limit`` takes a
deterministic sample (:mod:`bench.corpus.sampling`). A missing ``headline``/``standfirst`` stays None.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.article import ARTICLE_FIELDS, TARGETS, Article
from bench.corpus.clean import clean_articles
from bench.corpus.config import CorpusConfig
from bench.corpus.fields import RecordMapper
from bench.corpus.formats import RawTable, formats, resolve_format
from bench.corpus.formats.jsonl import article_from_record, iter_jsonl, load_jsonl
from bench.corpus.leakage import check_leakage
from bench.corpus.problems import Problems, RowError, summarize_problems
from bench.corpus.sampling import sample_articles, split_few_shot
from bench.errors import CorpusError
from bench.typed import suggest

__all__ = [
    "Article",
    "TARGETS",
    "CorpusConfig",
    "Corpus",
    "load_corpus",
    "load_jsonl",
    "iter_jsonl",
    "article_from_record",
    "resolve_path",
    "corpus_signature",
]

log = logging.getLogger(__name__)


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
    leakage: dict[str, int] = field(default_factory=dict)  # "<target> <action>" -> bodies that opened with it
    clean: dict[str, Any] = field(default_factory=dict)  # CleanReport.to_dict(): boilerplate lines removed, by rule
    signature: str = ""  # the settings that shaped the bodies: clean:...|leakage:...

    def missing(self, name: str) -> int:
        """How many articles lack ``name`` (e.g. 'headline': tasks for that target skip them)."""
        return sum(1 for a in self.articles if not (getattr(a, name, None) or "").strip())


def resolve_path(path: str | None, base_dir: Path | None) -> Path | None:
    """``path`` as a Path, relative ones taken against ``base_dir``; ``~`` expanded."""
    if path is None:
        return None
    p = Path(path).expanduser()
    return base_dir / p if not p.is_absolute() and base_dir is not None else p


def _read(
    config: CorpusConfig, path: Path | None, problems: Problems, split: str | None = None
) -> tuple[str, list[tuple[str, Article]]]:
    """(source label, [(where, article)]) for any registered format."""
    fmt = resolve_format(config.format, path)
    if split is not None and not fmt.splits:
        raise CorpusError(
            f"corpus.few_shot_split: format {fmt.name} has no splits (formats with splits: "
            f"{', '.join(f.name for f in formats() if f.splits)}); for files use few_shot_path"
        )
    if path is None and fmt.needs_path:
        raise CorpusError(f"corpus: format {fmt.name} needs a path ({fmt.description})")
    table = fmt.reader(path, config if split is None else dataclasses.replace(config, split=split), problems)
    return table.label, table.articles + _map_rows(table, config, problems)


def _map_rows(table: RawTable, config: CorpusConfig, problems: Problems) -> list[tuple[str, Article]]:
    """The table's records as Articles through the field mapping; bad records become problems."""
    if not table.rows:
        return []
    mapper = RecordMapper.make(config.fields, config.preset, config.language, config.max_body_chars)
    if any(isinstance(row.record, Mapping) for row in table.rows):  # else every row is reported below
        mapper = mapper.resolve(table.columns, table.label)
    out = []
    rows, table.rows = table.rows, []
    for i, row in enumerate(rows):
        rows[i] = None  # type: ignore[call-overload]  # the raw record goes once it is an Article: the load's peak
        try:
            out.append((row.where, mapper.article(row.record, row.default_id)))
        except RowError as exc:
            problems.add(row.where, str(exc))
    return out


def _dedupe(
    pairs: list[tuple[str, Article]], drop: bool, problems: Problems
) -> tuple[list[tuple[str, Article]], list[str]]:
    """Report repeated bodies (and drop them when ``drop``); a reused id with another body is a problem."""
    first_body: dict[str, tuple[str, str]] = {}
    first_id: dict[str, str] = {}
    kept, notes = [], []
    for where, article in pairs:
        seen = first_body.get(article.body_hash)
        if seen is not None:
            notes.append(
                f"{where}: same body as {seen[1]!r} ({_short_where(seen[0], where)})"
                + ("; dropped" if drop else "; kept (dedupe is off)")
            )
            if drop:
                continue
        elif article.id in first_id:
            problems.add(
                where,
                f"id {article.id!r} is already used by {first_id[article.id]} for another article; ids must be unique",
            )
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


def _few_shot(
    config: CorpusConfig, base_dir: Path | None, articles: list[Article], problems: Problems
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
        raise CorpusError(
            f"{label}: the few-shot pool has {len(pool)} usable article(s), fewer than few_shot={config.few_shot}"
        )
    examples = sample_articles(pool, config.few_shot, config.seed ^ 0x5EED)
    taken = {a.body_hash for a in examples}
    rest = [a for a in articles if a.body_hash not in taken]
    if len(rest) < len(articles):
        log.warning(
            "corpus: %d article(s) also in the few-shot pool left out of the evaluated set", len(articles) - len(rest)
        )
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
    pairs, cleaned = _clean(pairs, config)
    pairs, leakage = _check_leakage(pairs, config)
    kept, notes = _dedupe(pairs, config.dedupe, problems)
    examples, articles = _few_shot(config, base_dir, [a for _, a in kept], problems)
    if config.stratify_by is not None:
        _check_stratify(config.stratify_by, articles)
    articles = sample_articles(articles, config.limit, config.seed, config.stratify_by)
    corpus = Corpus(
        articles=articles,
        source=label,
        problems=problems.messages,
        duplicates=len(notes),
        duplicate_notes=notes,
        rows_read=len(pairs),
        few_shot=examples,
        leakage=leakage,
        clean=cleaned,
        signature=corpus_signature(config),
    )
    _log_summary(corpus)
    return corpus


def corpus_signature(config: CorpusConfig) -> str:
    """What shaped the bodies beyond the source: the boilerplate and leakage settings, in one line."""
    settings = config.clean_settings
    leakage = f"leakage:{config.leakage}" + (f"@{config.leakage_threshold:g}" if config.leakage != "off" else "")
    return f"{settings.signature() if settings else 'clean:off'}|{leakage}"


def _clean(pairs: list[tuple[str, Article]], config: CorpusConfig) -> tuple[list, dict[str, Any]]:
    """Boilerplate lines out of every body (``corpus.clean``), counted by rule."""
    settings = config.clean_settings
    if settings is None:
        return pairs, {}
    cleaned, report = clean_articles([a for _, a in pairs], settings)
    if report.removed:
        log.info(
            "corpus: removed %d boilerplate line(s) from %d article(s) (%s; %s)",
            sum(report.removed.values()),
            report.articles_cleaned,
            ", ".join(f"{k} {v}" for k, v in report.removed.items()),
            report.signature,
        )
    if report.kept:
        log.warning(
            "corpus: %d article(s) kept uncleaned: they would lose more than max_loss %g of their words (first: %s)",
            len(report.kept),
            settings.max_loss,
            report.kept[0],
        )
    return [(where, article) for (where, _), article in zip(pairs, cleaned)], report.to_dict()


def _check_leakage(pairs: list[tuple[str, Article]], config: CorpusConfig) -> tuple[list, dict[str, int]]:
    """Bodies that open with their own headline or standfirst: stripped or flagged (``corpus.leakage``)."""
    checked, report = check_leakage([a for _, a in pairs], config.leakage, config.leakage_threshold)
    counts = {f"{target} {action}": n for (target, action), n in sorted(report.counts.items())}
    if counts:
        log.warning(
            "corpus: %d body/bodies opened with their own reference (%s; corpus.leakage: %s)",
            report.total,
            ", ".join(f"{k}: {v}" for k, v in counts.items()),
            config.leakage,
        )
    return [(where, article) for (where, _), article in zip(pairs, checked)], counts


def _check_stratify(name: str, articles: list[Article]) -> None:
    if name in ARTICLE_FIELDS or any(name in a.meta for a in articles):
        return
    keys = sorted({k for a in articles for k in a.meta})
    hint = suggest(name, ARTICLE_FIELDS + tuple(keys))
    raise CorpusError(
        f"corpus.stratify_by: no field or meta key {name!r}{hint}; "
        f"fields: {', '.join(ARTICLE_FIELDS)}" + (f"; meta keys: {', '.join(keys)}" if keys else "")
    )


def _log_summary(corpus: Corpus) -> None:
    if corpus.problems:
        log.warning(
            "corpus %s: skipped %d bad row(s) (first: %s)", corpus.source, len(corpus.problems), corpus.problems[0]
        )
    if corpus.duplicates:
        log.warning(
            "corpus %s: %d article(s) repeat an earlier body (first: %s)",
            corpus.source,
            corpus.duplicates,
            corpus.duplicate_notes[0],
        )
