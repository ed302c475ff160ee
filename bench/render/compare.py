"""Compare runs (logic only): one :class:`~bench.render.table.Table` of systems × targets × metric columns.

Means and CIs come from each run's summary.json (never re-computed) — except when the systems of a target
scored different article sets (a model run on a sample): different samples are different exams, so rows are
then ranked on the articles every system scored, with means and CIs recomputed from the per-article values
of scores.jsonl, and each system's own full mean is listed in a separate, unranked block. Significance
re-aggregates per-article values paired by article hash with :mod:`bench.metrics.stats` (paired bootstrap or
approximate randomization), seeded with the runs' bootstrap settings, so the same runs give the same marks.
Runs scored under different signatures are refused: their numbers are not comparable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.errors import RunError
from bench.metrics.base import Column
from bench.metrics.stats import SIGNIFICANCE_METHODS, approximate_randomization, bootstrap_ci, paired_bootstrap
from bench.render.table import OWN, RANKED, Cell, Row, Table
from bench.run.rundir import Run, signature_difference
from bench.typed import suggest

__all__ = ["build_comparison", "select_columns"]


def _check_signatures(runs: Sequence[Run]) -> dict[str, str]:
    first = runs[0]
    for run in runs[1:]:
        for name in dict.fromkeys(list(first.signatures) + list(run.signatures)):
            a, b = first.signatures.get(name, "(not scored)"), run.signatures.get(name, "(not scored)")
            if a != b:
                raise RunError(
                    f"{run.path}: scored with a different {name} signature than {first.path} "
                    f"({signature_difference(a, b)}); numbers under different settings are not "
                    "comparable — rescore both with the same metrics settings"
                )
    return dict(first.signatures)


def _check_distinct(runs: Sequence[Run]) -> None:
    seen: dict[str, Run] = {}
    for run in runs:
        if run.name in seen:
            same = seen[run.name].path.resolve() == run.path.resolve()
            raise RunError(
                f"{run.path}: "
                + (
                    "the same run directory is passed twice"
                    if same
                    else f"has the same name as {seen[run.name].path}; rename one of them"
                )
                + "; pass each run once"
            )
        seen[run.name] = run


def select_columns(available: Sequence[Column], wanted: Sequence[str] | None) -> list[Column]:
    """The columns to show: the shown-by-default ones, or those ``wanted`` names (a key such as
    ``rouge1_f``, a label such as ``R-1``, a metric name such as ``extra``, or ``all``)."""
    if not wanted:
        return [c for c in available if c.show]
    out: list[Column] = []
    for name in wanted:
        if name == "all":
            hits = list(available)
        else:
            hits = [c for c in available if name in (c.key, c.label, c.metric)]
        if not hits:
            names = [c.key for c in available]
            raise RunError(
                f"--columns {name!r}: not scored in these runs{suggest(name, names)}; "
                f"scored: {', '.join(names)} (or a metric name, or all)"
            )
        out += [c for c in hits if c not in out]
    return out


def _labels(runs: Sequence[Run]) -> dict[tuple[str, str], str]:
    """A unique label per (run, system): the system name, or 'name (run #i)' when names repeat."""
    count: dict[str, int] = {}
    for run in runs:
        for system in run.systems:
            count[system] = count.get(system, 0) + 1
    return {
        (run.name, s): (s if count[s] == 1 else f"{s} (run #{i})")
        for i, run in enumerate(runs, start=1)
        for s in run.systems
    }


def _resolve_baseline(
    baseline: str | None, labels: dict[tuple[str, str], str], runs: Sequence[Run]
) -> tuple[str, bool]:
    ordered = list(dict.fromkeys(labels.values()))
    if baseline is None:  # the first real system that did not fail
        ok = [
            labels[(run.name, r["system"])]
            for run in runs
            for r in run.rows
            if r.get("status", "ok") == "ok" and not r.get("upper_bound")
        ]
        return (ok or ordered)[0], False
    if baseline in ordered:
        return baseline, True
    by_system = [label for (_, system), label in labels.items() if system == baseline]
    if by_system:
        return by_system[0], True  # a system name that repeats across runs: the first run's
    systems = list(dict.fromkeys(s for _, s in labels))
    raise RunError(
        f"--baseline {baseline!r}: no such system in these runs{suggest(baseline, systems)}; "
        f"systems: {', '.join(ordered)}"
    )


def _per_article(run: Run, system: str, target: str, column: str) -> dict[str, float]:
    """{article hash: per-article value} of one system on one target (grouped once per run)."""
    part = run.score_groups().get((system, target))
    if part is None or column not in part.columns:
        return {}
    pairs = zip(part["article_hash"].astype(str), part[column])
    return {h: float(v) for h, v in pairs if v is not None and v == v}


def _p_value(a: dict[str, float], b: dict[str, float], method: str, resamples: int, seed: int) -> float | None:
    common = [h for h in a if h in b]
    if len(common) < 2:
        return None
    xa, xb = [a[h] for h in common], [b[h] for h in common]
    if method == "paired-bootstrap":
        return paired_bootstrap(xa, xb, n=resamples, seed=seed)
    return approximate_randomization(xa, xb, n=resamples, seed=seed)


def _base_row(run: Run, summary: dict[str, Any], label: str, block: str) -> Row:
    return Row(
        label=label,
        system=summary["system"],
        run=run.name,
        target=summary["target"],
        kind=str(summary.get("kind") or ""),
        status=str(summary.get("status") or "ok"),
        error=summary.get("error"),
        n=int(summary.get("n") or 0),
        articles_per_s=summary.get("articles_per_s"),
        parameters=summary.get("parameters"),
        fingerprint=summary.get("fingerprint"),
        cost_usd=summary.get("cost_usd"),
        price=_price(run, summary["system"]),
        upper_bound=bool(summary.get("upper_bound")),
        block=block,
    )


def _price(run: Run, system: str) -> str | None:
    """The system's ``price`` from the run's config as '$in/$out' (USD per 1M input/output tokens), or None."""
    spec = next((s for s in run.config.get("systems") or [] if isinstance(s, dict) and s.get("name") == system), {})
    price = spec.get("price")
    if not isinstance(price, dict):
        return None
    return f"${price.get('input', 0):g}/${price.get('output', 0):g}"


def _sort_key(row: Row, primary: Column | None) -> tuple:
    cell = row.cells.get(primary.key) if primary else None
    score = cell.mean if cell and cell.mean is not None else float("-inf")
    return (row.status != "ok", row.upper_bound, -score if (primary is None or primary.higher_is_better) else score)


def _common_articles(runs: Sequence[Run], target: str) -> set[str] | None:
    """The article hashes every ok row of ``target`` scored, or None when they all scored the same ones.

    The usual case — one run, every system on the same articles in the same order — is settled by comparing
    the hash columns, without a set of them per row (200,000 articles: ~25 MB a set, three held at once)."""
    parts = []
    for run in runs:
        for s in run.rows:
            if s["target"] == target and s.get("status", "ok") == "ok":
                part = run.score_groups().get((s["system"], target))
                parts.append(part["article_hash"].to_numpy(dtype=object) if part is not None else None)
    first = parts[0] if parts else None
    if all(p is not None and first is not None and len(p) == len(first) and (p == first).all() for p in parts):
        return None  # (no rows, or the same hashes in the same order)
    sets = [set(p.tolist()) if p is not None else set() for p in parts]
    if all(s == sets[0] for s in sets):
        return None
    return set.intersection(*sets)


class _Builder:
    """Holds what every cell needs while the rows of one comparison are built."""

    def __init__(
        self,
        runs: Sequence[Run],
        columns: list[Column],
        labels: dict[tuple[str, str], str],
        base_label: str,
        method: str,
        alpha: float,
        test: bool,
    ) -> None:
        self.runs, self.columns, self.labels, self.base_label = runs, columns, labels, base_label
        self.method, self.alpha, self.test = method, alpha, test
        self.resamples, self.seed = runs[0].bootstrap_settings()

    def target_rows(self, target: str, block: str, common: set[str] | None) -> list[Row]:
        base = next(
            (
                (run, s)
                for run in self.runs
                for s in run.rows
                if s["target"] == target and self.labels[(run.name, s["system"])] == self.base_label
            ),
            None,
        )
        rows = []
        for run in self.runs:
            for summary in run.rows:
                if summary["target"] != target:
                    continue
                row = _base_row(run, summary, self.labels[(run.name, summary["system"])], block)
                row.is_baseline = self.test and row.label == self.base_label and block == RANKED
                if common is not None and row.status == "ok":
                    row.n = len(common)
                for column in self.columns:
                    row.cells[column.key] = self.cell(run, summary, column, base, row.is_baseline, common, block)
                rows.append(row)
        primary = next((c for c in self.columns if c.rank), self.columns[0] if self.columns else None)
        return sorted(rows, key=lambda r: _sort_key(r, primary))

    def cell(
        self,
        run: Run,
        summary: dict[str, Any],
        column: Column,
        base: tuple[Run, dict[str, Any]] | None,
        is_baseline: bool,
        common: set[str] | None,
        block: str,
    ) -> Cell:
        stats = (summary.get("scores") or {}).get(column.key) or {}
        if summary.get("status", "ok") != "ok":
            return Cell(None)
        mean, low, high = stats.get("mean"), stats.get("low"), stats.get("high")
        mine = None
        if common is not None:
            mine = {
                h: v
                for h, v in _per_article(run, summary["system"], summary["target"], column.key).items()
                if h in common
            }
            if not mine:
                return Cell(None)
            iv = bootstrap_ci(list(mine.values()), n=self.resamples, seed=self.seed)
            mean, low, high = iv.mean, iv.low, iv.high
        if mean is None:
            return Cell(None)
        p = None
        tested = self.test and column.test and block == RANKED
        if tested and base is not None and not is_baseline and base[1].get("status", "ok") == "ok":
            if mine is None:
                mine = _per_article(run, summary["system"], summary["target"], column.key)
            theirs = _per_article(base[0], base[1]["system"], base[1]["target"], column.key)
            p = _p_value(mine, theirs, self.method, self.resamples, self.seed)
        return Cell(mean, low, high, p, p is not None and p < self.alpha)


def build_comparison(
    runs: Sequence[Run],
    *,
    baseline: str | None = None,
    targets: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    method: str = "paired-bootstrap",
    alpha: float = 0.05,
    test: bool = True,
) -> Table:
    """The table of every system × target of ``runs``, each target's rows sorted by its ranking column.

    ``columns``: see :func:`select_columns`; ``test``: False leaves out significance (the run table)."""
    if not runs:
        raise RunError("compare: pass at least one run directory")
    if method not in SIGNIFICANCE_METHODS:
        raise RunError(f"significance method {method!r} unknown; known: {', '.join(SIGNIFICANCE_METHODS)}")
    _check_distinct(runs)
    signatures = _check_signatures(runs)
    known_targets = list(dict.fromkeys(t for run in runs for t in run.targets))
    for target in targets or ():
        if target not in known_targets:
            raise RunError(
                f"--target {target!r}: not in these runs{suggest(target, known_targets)}; "
                f"targets: {', '.join(known_targets)}"
            )
    chosen = select_columns(runs[0].columns, columns)
    labels = _labels(runs)
    base_label, named = _resolve_baseline(baseline, labels, runs)
    builder = _Builder(runs, chosen, labels, base_label, method, alpha, test)
    rows: list[Row] = []
    common_n: dict[str, int] = {}
    for target in list(targets) if targets else known_targets:
        common = _common_articles(runs, target)
        if common is not None:
            common_n[target] = len(common)
            rows += builder.target_rows(target, RANKED, common)
            rows += builder.target_rows(target, OWN, None)
        else:
            rows += builder.target_rows(target, RANKED, None)
    return Table(
        rows,
        chosen,
        list(targets) if targets else known_targets,
        signatures,
        base_label,
        method,
        builder.resamples,
        builder.seed,
        alpha,
        [run.name for run in runs],
        baseline_chosen=named,
        tested=test,
        notes=_corpus_notes(runs) + _run_notes(runs),
        common_n=common_n,
        manifest=dict(runs[0].manifest),
    )


def _corpus_notes(runs: Sequence[Run]) -> list[str]:
    sources = list(dict.fromkeys(str(run.summary.get("corpus") or "unknown") for run in runs))
    if len(sources) < 2:
        return []
    return [
        f"The runs read different corpora ({'; '.join(sources)}): each test uses only the articles both systems scored."
    ]


def _run_notes(runs: Sequence[Run]) -> list[str]:
    return list(dict.fromkeys(note for run in runs for note in (run.summary.get("notes") or [])))
