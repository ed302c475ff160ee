"""Compare runs: one table of systems × targets × ROUGE types, with 95% CIs, significance against a
baseline, speed and model size — as markdown, CSV or a rich terminal table.

Means and CIs come from each run's summary.json (never re-computed); significance re-aggregates the
per-article F1 of scores.jsonl, paired by article hash, with :mod:`bench.metrics.stats` (paired bootstrap
or approximate randomization), seeded with the runs' own bootstrap settings so the same runs always give
the same marks. Runs scored under different signatures are refused: their numbers are not comparable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.errors import RunError
from bench.metrics.stats import SIGNIFICANCE_METHODS, approximate_randomization, paired_bootstrap
from bench.run.rundir import Run, signature_difference
from bench.render.tables import LABELS, f1_text
from bench.typed import suggest

__all__ = ["Cell", "Row", "Comparison", "build_comparison", "to_markdown", "to_csv", "to_rich", "legend",
           "format_size", "format_speed", "format_cell"]


@dataclass(frozen=True)
class Cell:
    """One F1 (in [0, 1]) with its 95% CI, and its p-value against the baseline (None: no test)."""

    f1: float | None
    low: float | None = None
    high: float | None = None
    p: float | None = None
    significant: bool = False


@dataclass
class Row:
    """One system on one target in one run."""

    label: str  # unique across the compared runs: the system name, or 'name (run #i)' when names repeat
    system: str
    run: str
    target: str
    kind: str
    status: str
    error: str | None
    n: int
    articles_per_s: float | None
    parameters: int | None
    fingerprint: str | None = None  # the system's settings hash: equal fingerprints, identical outputs
    cells: dict[str, Cell] = field(default_factory=dict)
    is_baseline: bool = False
    upper_bound: bool = False  # the system reads the reference (an oracle): shown, never ranked

    @property
    def display_name(self) -> str:
        """The label with its role: '(baseline)', '(upper bound)'."""
        return self.label + (" (baseline)" if self.is_baseline else "") + (" (upper bound)" if self.upper_bound else "")


def ranked(rows: Sequence[Row]) -> list[tuple[str, Row]]:
    """(rank, row) in table order; upper bounds get '–' and do not take a rank from real systems."""
    out, rank = [], 0
    for row in rows:
        if row.upper_bound:
            out.append(("–", row))
        else:
            rank += 1
            out.append((str(rank), row))
    return out


@dataclass
class Comparison:
    """The comparison table and what it was computed with (for its legend)."""

    rows: list[Row]
    types: list[str]
    targets: list[str]
    signature: str
    baseline: str | None
    method: str
    resamples: int
    seed: int
    alpha: float
    runs: list[str]  # run directory names, in the order given (run #1, #2, ...)
    baseline_chosen: bool = False  # True when the caller named the baseline
    notes: list[str] = field(default_factory=list)  # caveats printed with the legend


def _check_signatures(runs: Sequence[Run]) -> str:
    first = runs[0]
    for run in runs[1:]:
        if run.signature != first.signature:
            raise RunError(f"{run.path}: scored with a different ROUGE signature than {first.path} "
                           f"({signature_difference(first.signature, run.signature)}); numbers under different "
                           "settings are not comparable — rescore both with the same metrics settings")
    return first.signature


def _check_distinct(runs: Sequence[Run]) -> None:
    seen: dict[str, Run] = {}
    for run in runs:
        if run.name in seen:
            same = seen[run.name].path.resolve() == run.path.resolve()
            raise RunError(f"{run.path}: " + ("the same run directory is passed twice" if same else
                           f"has the same name as {seen[run.name].path}; rename one of them") +
                           "; pass each run once")
        seen[run.name] = run


def _labels(runs: Sequence[Run]) -> dict[tuple[str, str], str]:
    """A unique label per (run, system): the system name, or 'name (run #i)' when names repeat."""
    count: dict[str, int] = {}
    for run in runs:
        for system in run.systems:
            count[system] = count.get(system, 0) + 1
    return {(run.name, s): (s if count[s] == 1 else f"{s} (run #{i})")
            for i, run in enumerate(runs, start=1) for s in run.systems}


def _resolve_baseline(baseline: str | None, labels: dict[tuple[str, str], str],
                      runs: Sequence[Run]) -> tuple[str, bool]:
    ordered = list(dict.fromkeys(labels.values()))
    if baseline is None:  # the first system that did not fail
        ok = [labels[(run.name, r["system"])] for run in runs for r in run.rows if r.get("status", "ok") == "ok"]
        return (ok or ordered)[0], False
    if baseline in ordered:
        return baseline, True
    by_system = [label for (_, system), label in labels.items() if system == baseline]
    if by_system:
        return by_system[0], True  # a system name that repeats across runs: the first run's
    systems = list(dict.fromkeys(s for _, s in labels))
    raise RunError(f"--baseline {baseline!r}: no such system in these runs{suggest(baseline, systems)}; "
                   f"systems: {', '.join(ordered)}")


def _per_article(run: Run, system: str, target: str, column: str) -> dict[str, float]:
    """{article hash: per-article value} of one system on one target (grouped once per run)."""
    groups = run.score_groups()
    part = groups.get((system, target))
    if part is None or column not in part.columns:
        return {}
    return dict(zip(part["article_hash"].astype(str), part[column].astype(float)))


def _p_value(a: dict[str, float], b: dict[str, float], method: str, resamples: int, seed: int) -> float | None:
    common = [h for h in a if h in b]
    if len(common) < 2:
        return None
    xa, xb = [a[h] for h in common], [b[h] for h in common]
    if method == "paired-bootstrap":
        return paired_bootstrap(xa, xb, n=resamples, seed=seed)
    return approximate_randomization(xa, xb, n=resamples, seed=seed)


def _base_row(run: Run, summary: dict[str, Any], label: str) -> Row:
    return Row(label=label, system=summary["system"], run=run.name, target=summary["target"],
               kind=str(summary.get("kind") or ""), status=str(summary.get("status") or "ok"),
               error=summary.get("error"), n=int(summary.get("n") or 0),
               articles_per_s=summary.get("articles_per_s"), parameters=summary.get("parameters"),
               fingerprint=summary.get("fingerprint"), upper_bound=bool(summary.get("upper_bound")))


def _sort_key(row: Row, primary: str) -> tuple:
    cell = row.cells.get(primary)
    score = cell.f1 if cell and cell.f1 is not None else float("-inf")
    return (row.status != "ok", row.upper_bound, -score)


def build_comparison(runs: Sequence[Run], *, baseline: str | None = None, targets: Sequence[str] | None = None,
                     types: Sequence[str] | None = None, method: str = "paired-bootstrap",
                     alpha: float = 0.05) -> Comparison:
    """The comparison of every system × target of ``runs`` (sorted by the first type's F1 per target)."""
    if not runs:
        raise RunError("compare: pass at least one run directory")
    if method not in SIGNIFICANCE_METHODS:
        raise RunError(f"significance method {method!r} unknown; known: {', '.join(SIGNIFICANCE_METHODS)}")
    _check_distinct(runs)
    signature = _check_signatures(runs)
    known_targets = list(dict.fromkeys(t for run in runs for t in run.targets))
    for target in targets or ():
        if target not in known_targets:
            raise RunError(f"--target {target!r}: not in these runs{suggest(target, known_targets)}; "
                           f"targets: {', '.join(known_targets)}")
    chosen_targets = list(targets) if targets else known_targets
    known_types = runs[0].rouge_types()
    for t in types or ():
        if t not in known_types:
            raise RunError(f"--metric {t!r}: not scored in these runs{suggest(t, known_types)}; "
                           f"scored: {', '.join(known_types)}")
    chosen_types = list(types) if types else known_types
    labels = _labels(runs)
    base_label, named = _resolve_baseline(baseline, labels, runs)
    resamples, seed = runs[0].bootstrap_settings()
    rows: list[Row] = []
    for target in chosen_targets:
        base = next(((run, s) for run in runs for s in run.rows
                     if s["target"] == target and labels[(run.name, s["system"])] == base_label), None)
        target_rows = []
        for run in runs:
            for summary in run.rows:
                if summary["target"] != target:
                    continue
                row = _base_row(run, summary, labels[(run.name, summary["system"])])
                row.is_baseline = row.label == base_label
                for rtype in chosen_types:
                    row.cells[rtype] = _cell(run, summary, rtype, base, row.is_baseline, method, resamples, seed, alpha)
                target_rows.append(row)
        rows += sorted(target_rows, key=lambda r: _sort_key(r, chosen_types[0]))
    return Comparison(rows, chosen_types, chosen_targets, signature, base_label, method, resamples, seed,
                      alpha, [run.name for run in runs], baseline_chosen=named,
                      notes=_corpus_notes(runs) + _sample_notes(rows))


def _sample_notes(rows: Sequence[Row]) -> list[str]:
    """Say so when some systems scored fewer articles (a per-system sample) than others."""
    notes = []
    for target in dict.fromkeys(r.target for r in rows):
        ns = {r.label: r.n for r in rows if r.target == target and r.status == "ok"}
        most = max(ns.values(), default=0)
        fewer = [f"{label} ({n})" for label, n in ns.items() if n < most]
        if fewer:
            notes.append(f"On {target}, {', '.join(fewer)} scored fewer articles than the others ({most}): "
                         "their mean is over that sample only (wider CI), and their test against the baseline "
                         "pairs only the articles both scored.")
    return notes


def _corpus_notes(runs: Sequence[Run]) -> list[str]:
    sources = list(dict.fromkeys(str(run.summary.get("corpus") or "unknown") for run in runs))
    if len(sources) < 2:
        return []
    return [f"The runs read different corpora ({'; '.join(sources)}): each test uses only the articles both "
            "systems scored."]


def _cell(run: Run, summary: dict[str, Any], rtype: str, base: tuple[Run, dict[str, Any]] | None,
          is_baseline: bool, method: str, resamples: int, seed: int, alpha: float) -> Cell:
    stats = summary.get(rtype) or {}
    if summary.get("status", "ok") != "ok" or stats.get("f1") is None:
        return Cell(None)
    low, high = stats.get("f1_ci") or (None, None)
    p = None
    if base is not None and not is_baseline and base[1].get("status", "ok") == "ok":
        column = f"{rtype}_f"
        p = _p_value(_per_article(run, summary["system"], summary["target"], column),
                     _per_article(base[0], base[1]["system"], base[1]["target"], column), method, resamples, seed)
    return Cell(stats["f1"], low, high, p, p is not None and p < alpha)


def format_size(parameters: int | None) -> str:
    """270000000 → '270M'; None → '–'."""
    if not parameters:
        return "–"
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if parameters >= scale:
            value = parameters / scale
            return f"{value:.3g}{unit}"
    return str(parameters)


def format_speed(speed: float | None) -> str:
    """Articles per second, 3 significant figures; '–' when not measured (every prediction cached)."""
    if not speed:
        return "–"
    return f"{speed:,.0f}" if speed >= 100 else f"{speed:.3g}"


def format_cell(cell: Cell, short: bool = False) -> str:
    """'41.23 [40.10–42.35]*' (F1 ×100, 95% CI, significance mark), or with ``short`` '41.23 ±1.12*'
    (± half the CI's width, for terminals); '–' without a score."""
    if cell.f1 is None:
        return "–"
    return f1_text(cell.f1, cell.low, cell.high, short) + ("*" if cell.significant else "")


def legend(table: Comparison, short: bool = False) -> str:
    """What the marks and numbers mean, with the test, its resamples and seed, and the signature."""
    test = "paired bootstrap" if table.method == "paired-bootstrap" else "approximate randomization"
    ci = "± half the width of the 95% bootstrap CI" if short else "with 95% bootstrap CI"
    how = "" if table.baseline_chosen else " The baseline is the first system that ran; choose one with --baseline."
    return (f"ROUGE F1 ×100 {ci}. * = differs from the baseline {table.baseline} at p < {table.alpha:g}, "
            f"two-sided {test} on per-article F1 paired by article (n={table.resamples} resamples, "
            f"seed={table.seed}).{how} An upper bound (an oracle that reads the reference) is shown, not ranked. "
            "Speed: articles generated per second (– when not recorded). Size: model parameters (– when unknown). "
            f"Signature: {table.signature}" + _run_list(table) + "".join(f" {note}" for note in table.notes))


def _run_list(table: Comparison) -> str:
    if len(table.runs) < 2:
        return ""
    return ". Runs: " + "; ".join(f"#{i} {name}" for i, name in enumerate(table.runs, start=1)) + "."


def _header(table: Comparison) -> list[str]:
    multi = len(table.runs) > 1
    return (["target", "system"] + (["run"] if multi else []) + ["n"]
            + [f"{LABELS.get(t, t)} F1" for t in table.types] + ["articles/s", "size"])


def _cells(table: Comparison, row: Row, short: bool = False) -> list[str]:
    multi = len(table.runs) > 1
    name = (row.system if multi else row.label) + (" (baseline)" if row.is_baseline else "") + \
        (" (upper bound)" if row.upper_bound else "")
    lead = [row.target, name] + ([f"#{table.runs.index(row.run) + 1}"] if multi else []) + [str(row.n)]
    if row.status != "ok":
        return lead + [f"FAILED: {row.error or 'unknown error'}"] + [""] * (len(table.types) + 1)
    return lead + [format_cell(row.cells[t], short) for t in table.types] + [format_speed(row.articles_per_s),
                                                                      format_size(row.parameters)]


def to_markdown(table: Comparison, title: str | None = None) -> str:
    """A markdown table (targets one after the other), the legend under it."""
    head = _header(table)
    numeric = {"n", "articles/s", "size"} | {h for h in head if h.endswith(" F1")}
    lines = [f"### {title}", ""] if title else []
    lines += ["| " + " | ".join(head) + " |",
              "|" + "|".join("---:" if h in numeric else "---" for h in head) + "|"]
    for row in table.rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(table, row)) + " |")
    return "\n".join(lines + ["", legend(table), ""])


def to_csv(table: Comparison) -> str:
    """Flat CSV, values in [0, 1]: F1, CI bounds, p-value and significance per type, plus the signature."""
    head = ["target", "system", "run", "kind", "fingerprint", "status", "n", "articles_per_s", "parameters",
            "baseline"]
    for t in table.types:
        head += [f"{t}_f1", f"{t}_f1_low", f"{t}_f1_high", f"{t}_p", f"{t}_significant"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(head + ["error", "test", "resamples", "seed", "signature"])
    for row in table.rows:
        values: list[Any] = [row.target, row.label, row.run, row.kind, row.fingerprint, row.status, row.n,
                             row.articles_per_s, row.parameters, row.is_baseline]
        for t in table.types:
            c = row.cells.get(t, Cell(None))
            values += [c.f1, c.low, c.high, c.p, c.significant]
        writer.writerow(values + [row.error or "", table.method, table.resamples, table.seed, table.signature])
    return buf.getvalue()


def to_rich(table: Comparison):  # -> rich.table.Table
    """The terminal table: failed rows in red, significant cells bold, the legend as caption."""
    from rich.table import Table
    from rich.text import Text

    out = Table(title="Comparison: ROUGE F1 ×100 ± half the 95% CI", caption=legend(table, short=True),
                caption_justify="left")
    for h in _header(table):
        out.add_column(h, justify="right" if h in {"n", "articles/s", "size"} or h.endswith(" F1") else "left",
                       style="bold" if h == "system" else None)
    previous = None
    for row in table.rows:
        if previous is not None and row.target != previous:
            out.add_section()
        previous = row.target
        out.add_row(*(Text(c) for c in _cells(table, row, short=True)), style="red" if row.status != "ok" else None)
    return out
