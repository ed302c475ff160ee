"""Meta-evaluation: how well each metric's scores agree with human judgments, with CIs and paired tests.

:func:`meta_evaluate` scores every judged summary with each metric (cached), then for every group
(``group_by`` field value, or all judgments), human aspect, metric column and level gives Kendall τ-b,
Spearman and Pearson with bootstrap 95% CIs over systems and documents, and on request a paired
permutation test between two metric columns.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench import __version__
from bench.errors import CorpusError, MetricError
from bench.metaeval.correlations import COEFFICIENTS, LEVELS, level_values
from bench.metaeval.judgments import Grid, Judgment, aspects_of, build_grid
from bench.metaeval.resampling import bootstrap_ci, bootstrap_indices, permutation_test
from bench.metaeval.scoring import score_judgments
from bench.metrics.base import Metric

__all__ = ["MetricSpec", "Row", "PairTest", "MetaEval", "Settings", "variant_name", "meta_evaluate"]

log = logging.getLogger(__name__)
_STAT_NAMES = {"p": "precision", "r": "recall", "f": "f1"}


@dataclass(frozen=True)
class MetricSpec:
    """A metric to correlate, under ``label`` (its name, or ``name@tag`` for a second setting of it)."""

    label: str
    metric: Metric


@dataclass(frozen=True)
class Settings:
    """How correlations are computed: bootstrap resamples and seed, levels, aspects, grouping, tests."""

    bootstrap: int = 1000
    seed: int = 12345
    levels: tuple[str, ...] = LEVELS
    aspects: tuple[str, ...] | None = None
    group_by: str | None = None
    tests: tuple[tuple[str, str], ...] = ()
    test_coefficient: str = "kendall"
    permutations: int = 1000

    def signature(self) -> str:
        return (
            f"metaeval|levels:{','.join(self.levels)}|ci:95-boot-both|boot:{self.bootstrap}|seed:{self.seed}"
            f"|perm:{self.permutations}|version:{__version__}"
        )


@dataclass(frozen=True)
class Row:
    """One metric column's correlations with one human aspect at one level (in one group)."""

    metric: str
    aspect: str
    level: str
    group: str | None
    values: dict[str, float]
    ci: dict[str, tuple[float, float]]
    n_docs: int
    n_systems: int


@dataclass(frozen=True)
class PairTest:
    """Paired permutation test: does ``metric_a`` correlate differently from ``metric_b``?"""

    metric_a: str
    metric_b: str
    aspect: str
    level: str
    group: str | None
    coefficient: str
    delta: float
    p_value: float


@dataclass
class MetaEval:
    """Everything ``bench meta-eval`` prints: rows, paired tests, signatures and notes."""

    rows: list[Row]
    signature: dict[str, str]
    n_summaries: int
    tests: list[PairTest] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def variant_name(label: str, key: str) -> str:
    """``rouge`` + ``rouge2_r`` → ``rouge2.recall``; ``bertscore`` + ``bertscore_f`` → ``bertscore.f1``;
    other columns → ``label.key`` (``extra.coverage``). A tagged label (``rouge@perl``) keeps its tag."""
    stem, _, short = key.rpartition("_")
    tag = label.partition("@")[2]
    if stem and short in _STAT_NAMES:
        return f"{stem}{'@' + tag if tag else ''}.{_STAT_NAMES[short]}"
    return f"{label}.{key}"


def _variants(
    judgments: Sequence[Judgment],
    specs: Sequence[MetricSpec],
    cache_dir: Path | None,
    signature: dict[str, str],
    notes: list[str],
) -> dict[str, list[float | None]]:
    """Per metric column, its value on every judgment; columns undefined or constant everywhere (e.g. article
    statistics when the judgments have no article) are left out with a note."""
    out: dict[str, list[float | None]] = {}
    constant: list[str] = []
    for spec in specs:
        values, sig, fresh = score_judgments(judgments, spec.metric, cache_dir)
        log.info("meta-eval: %s scored %d distinct new summaries (the rest from the cache)", spec.label, fresh)
        signature[spec.label] = sig
        for column in spec.metric.columns():
            col = [row.get(column.key) for row in values]
            defined = {v for v in col if v is not None and not math.isnan(v)}
            if len(defined) > 1:
                out[variant_name(spec.label, column.key)] = col
            else:
                constant.append(variant_name(spec.label, column.key))
    if constant:
        notes.append(f"left out, undefined or constant on every summary: {', '.join(constant)}")
    return out


def _groups(judgments: Sequence[Judgment], group_by: str | None) -> dict[str | None, list[int]]:
    if group_by is None:
        return {None: list(range(len(judgments)))}
    groups: dict[str | None, list[int]] = {}
    for i, j in enumerate(judgments):
        value = j.fields.get(group_by, getattr(j, group_by, None) if group_by == "dataset" else None)
        if value is None:
            raise CorpusError(
                f"--group-by {group_by}: judgment {j.doc_id!r} × {j.system!r} has no field "
                f"{group_by!r}; group by a field every line has (e.g. family)"
            )
        groups.setdefault(str(value), []).append(i)
    return dict(sorted(groups.items()))


def _complete(metric: np.ndarray, human: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Drop documents where the metric is undefined for some system (NaN)."""
    keep = ~np.isnan(metric).any(axis=1)
    return metric[keep], human[keep], int((~keep).sum())


def _rows_for(
    name: str,
    metric: np.ndarray,
    human: np.ndarray,
    aspect: str,
    group: str | None,
    settings: Settings,
    notes: list[str],
) -> list[Row]:
    metric, human, dropped = _complete(metric, human)
    if dropped:
        notes.append(
            f"{name}: undefined on some summary of {dropped} documents"
            f"{f' (group {group})' if group else ''}; those documents are left out for it"
        )
    if metric.shape[0] == 0:
        return []
    draws = bootstrap_indices(metric.shape[0], metric.shape[1], settings.bootstrap, settings.seed)
    rows = []
    for level in settings.levels:
        values = {c: level_values(metric, human, level, c) for c in COEFFICIENTS}
        ci = bootstrap_ci(metric, human, level, draws)
        rows.append(Row(name, aspect, level, group, values, ci, metric.shape[0], metric.shape[1]))
    return rows


def _tests(
    grid: Grid,
    variants: dict[str, list[float | None]],
    human: np.ndarray,
    aspect: str,
    group: str | None,
    settings: Settings,
) -> list[PairTest]:
    out = []
    for a, b in settings.tests:
        ma, mb = grid.matrix(variants[a]), grid.matrix(variants[b])
        keep = ~(np.isnan(ma).any(axis=1) | np.isnan(mb).any(axis=1))
        for level in settings.levels:
            delta, p = permutation_test(
                ma[keep], mb[keep], human[keep], level, settings.test_coefficient, settings.permutations, settings.seed
            )
            out.append(PairTest(a, b, aspect, level, group, settings.test_coefficient, delta, p))
    return out


def _check(settings: Settings, judgments: Sequence[Judgment], specs: Sequence[MetricSpec]) -> list[str]:
    """Check aspects, tests and levels before any scoring; the aspects to report."""
    variants = [variant_name(spec.label, c.key) for spec in specs for c in spec.metric.columns()]
    known = aspects_of(judgments)
    aspects = list(settings.aspects or known)
    for aspect in aspects:
        if aspect not in known:
            raise CorpusError(f"--aspects: no human aspect {aspect!r} on every judgment; known: {', '.join(known)}")
    for pair in settings.tests:
        for name in pair:
            if name not in variants:
                raise MetricError(f"--test: no metric column {name!r}; known: {', '.join(variants)}")
    bad = [lv for lv in settings.levels if lv not in LEVELS]
    if bad:
        raise MetricError(f"--levels: unknown level {bad[0]!r}; known: {', '.join(LEVELS)}")
    return aspects


def meta_evaluate(
    judgments: Sequence[Judgment],
    specs: Sequence[MetricSpec],
    settings: Settings = Settings(),
    cache_dir: Path | None = None,
) -> MetaEval:
    """Correlate every metric column of ``specs`` with every human aspect; see the module docstring."""
    signature = {"meta-eval": settings.signature()}
    aspects = _check(settings, judgments, specs)
    result = MetaEval([], signature, len(judgments))
    variants = _variants(judgments, specs, cache_dir, signature, result.notes)
    for name in {n for pair in settings.tests for n in pair} - set(variants):
        raise MetricError(f"--test: metric column {name!r} is undefined or constant on every judged summary")
    for group, indices in _groups(judgments, settings.group_by).items():
        grid = build_grid(judgments, indices)
        if grid.dropped_docs:
            result.notes.append(
                f"{grid.dropped_docs} documents{f' of group {group}' if group else ''} lack a "
                "summary of some system and are left out"
            )
        for aspect in aspects:
            human = grid.matrix([j.human[aspect] for j in judgments])
            for name, values in variants.items():
                result.rows += _rows_for(name, grid.matrix(values), human, aspect, group, settings, result.notes)
            result.tests += _tests(grid, variants, human, aspect, group, settings)
    return result
