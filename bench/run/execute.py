"""Run a config end to end into a run directory: corpus → systems → metrics → files.

``execute`` is what ``bench run`` calls; it is also the library entry point for scripts.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.config import Config
from bench.corpus.load import Corpus, load_corpus, resolve_path
from bench.corpus.sampling import sample_articles, take
from bench.files import write_json, write_text_atomic, write_yaml
from bench.metrics.base import Column, Metric
from bench.run.cache import note_kept_on_failure
from bench.run.executors import SystemJob, create_executor
from bench.run.generate import NullProgress, Progress, Unit
from bench.run.manifest import environment, git_commit
from bench.run.rundir import FILES, Run, create_run_dir, read_json
from bench.run.score import columns_of
from bench.run.stream import RunStream, release_freed_memory
from bench.typed import to_plain

__all__ = ["RunResult", "execute"]

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    run_dir: Path
    signature: str
    summary: list[dict[str, Any]]
    units: list[Unit]
    corpus: Corpus
    columns: list[Column]
    run: Run  # the run directory as readers see it (tables are built from it)
    failures: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the metrics' warnings about what they scored
    stream: RunStream | None = field(default=None, repr=False)  # what the run kept of its units

    @property
    def ok(self) -> bool:
        return not self.failures

    def examples(self, k: int) -> list[tuple[str, list[tuple[str, str, list[tuple[str, str]]]]]]:
        """The ``k`` articles most systems predicted: (article id, per target (target, reference,
        [(system, prediction)...])). The units' rows are on disk, not in ``units``: this reads them back."""
        return self.stream.examples(k) if self.stream else []


@dataclass
class _Run:
    """What one run is about, gathered before generation and needed again to write its files."""

    config: Config
    corpus: Corpus
    articles: list[Any]
    metrics: list[Metric]
    run_dir: Path
    started: datetime
    code: dict[str, Any]
    use_cache: bool
    argv: list[str]
    executor: dict[str, Any] = field(default_factory=dict)  # where generation ran (the manifest's "executor")


def execute(
    config: Config,
    *,
    output_root: Path,
    use_cache: bool = True,
    limit: int | None = None,
    progress: Progress | None = None,
    argv: list[str] | None = None,
) -> RunResult:
    """Run every system on every task of ``config``; write the run directory; return what happened."""
    progress = progress or NullProgress()
    started = datetime.now(UTC)
    code = git_commit()  # the code as it was when the run started (edits during a run do not count)
    corpus = load_corpus(config.corpus, config.base_dir)
    release_freed_memory()  # the load's temporaries: the run's memory starts from what the corpus holds
    # --limit: a deterministic sample that keeps the corpus's strata (not the first N, which may all be business)
    articles = (
        take(corpus.articles, limit, stratify_by=config.corpus.stratify_by, seed=config.corpus.seed)
        if limit
        else corpus.articles
    )
    metrics = config.build_metrics()
    systems = config.build_systems()
    with note_kept_on_failure(output_root / ".cache"):  # a full or read-only disk: say what the cache kept
        run_dir = create_run_dir(output_root, config.name, started)
        run = _Run(
            config, corpus, articles, metrics, run_dir, started, code, use_cache, argv if argv is not None else sys.argv
        )
        write_yaml(run_dir / FILES["config"], _resolved_config(config, limit, metrics))
        order = [(s.name, t.target) for s in systems for t in config.tasks]
        # each unit is scored and written the moment it finishes; only its float scores stay in memory
        workers = config.run.score_processes()  # processes scoring large units' slices (1: the driver alone)
        with RunStream(run_dir, metrics, columns_of(metrics), order, score_workers=workers) as stream:
            units, timings, records = _generate(run, systems, output_root, progress, stream.on_unit)
            return _finish(run, stream, units, timings, records)


def _finish(
    run: _Run, stream: RunStream, units: list[Unit], timings: dict[str, dict[str, float]], records: list[dict]
) -> RunResult:
    """Put the streamed predictions and scores in place and write the summaries (the manifest last)."""
    stream.close_pool()  # every unit is scored: the score workers leave before the summaries are written
    for record in stream.records:
        seconds = record.scores.seconds if record.scores else 0
        timings[record.unit.system]["score_s"] = round(timings[record.unit.system].get("score_s", 0.0) + seconds, 3)
    columns = stream.columns
    signatures = {m.name: m.signature() for m in run.metrics}
    notes = [note for m in run.metrics for note in m.notes()]
    summary = stream.summary_rows()
    stream.commit()
    write_json(
        run.run_dir / FILES["summary_json"],
        {
            "signature": next(iter(signatures.values())),
            "signatures": signatures,
            "config": run.config.name,
            "corpus": f"{run.corpus.source} [{run.corpus.signature}]",  # what identifies the corpus: source + settings
            "columns": [c.to_dict() for c in columns],
            "notes": notes,
            "rows": summary,
        },
    )
    manifest = _manifest(run, units, timings, records, signatures, notes, stream)
    readable = _write_summaries(run.run_dir, manifest, stream)
    write_json(run.run_dir / FILES["manifest"], manifest)
    return RunResult(
        run.run_dir,
        manifest["signature"],
        summary,
        units,
        run.corpus,
        columns,
        readable,
        manifest["failures"],
        notes,
        stream,
    )


def _manifest(
    run: _Run,
    units: list[Unit],
    timings: dict[str, dict[str, float]],
    records: list[dict],
    signatures: dict[str, str],
    notes: list[str],
    stream: RunStream,
) -> dict[str, Any]:
    corpus, config = run.corpus, run.config
    return {
        "command": run.argv,
        "config": config.name,
        "config_path": str(config.path) if config.path else None,
        "started": run.started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "corpus": {
            "source": corpus.source,
            "articles": len(run.articles),
            "problems": corpus.problems[:50],
            "problem_count": len(corpus.problems),
            "duplicates": corpus.duplicates,
            "duplicates_dropped": config.corpus.dedupe,
            "rows_read": corpus.rows_read,
            "leakage": corpus.leakage,
            "leakage_mode": config.corpus.leakage,
            "clean": corpus.clean or "off",  # boilerplate lines removed per rule (corpus.clean)
            "signature": corpus.signature,
        },
        "signature": next(iter(signatures.values())),
        "signatures": signatures,
        "notes": notes,
        "seeds": {
            "corpus": config.corpus.seed,
            **{f"bootstrap_{m.name}": getattr(m.config, "seed", None) for m in run.metrics},
        },
        "systems": records,
        "timings": timings,
        "cache": {
            "enabled": run.use_cache,
            "reused": sum(u.reused for u in units),
            "generated": sum(u.generated for u in units),
        },
        "failures": [
            {"system": u.system, "target": u.target, "error": u.error or ""} for u in units if u.status != "ok"
        ],
        "executor": run.executor,
        "scoring": {  # how scoring ran (no number depends on it, so no signature names it)
            "score_workers": config.run.score_workers,
            "processes": config.run.score_processes(),
            "workers_used": stream.workers_used,
            "pooled_units": stream.pooled_units,
        },
        **environment(),
        "git": run.code,
    }


def _generate(
    run: _Run,
    systems: list[Any],
    output_root: Path,
    progress: Progress,
    on_unit: Callable[[Unit], None] | None = None,
) -> tuple[list[Unit], dict[str, dict[str, float]], list[dict]]:
    """Every system on every task through the cache, on the configured executor: (units, timings per
    system, manifest records); the executor's description goes to ``run.executor``. ``on_unit`` gets each
    (system, target) unit as the executor hands it over, once its system has generated every target and
    closed (it may drop the unit's rows)."""
    config, jobs = run.config, []
    for system in systems:
        sample = config.samples.get(system.name)
        subset = (
            sample_articles(run.articles, sample.limit, sample.seed, sample.stratify_by) if sample else run.articles
        )
        system.use_examples(run.corpus.few_shot)  # before the fingerprint: examples change the prompts
        jobs.append(SystemJob(system, subset, run.corpus.few_shot))
    executor = create_executor(config.run.executor, config.run.ray)
    try:
        units = []
        for unit in executor.units(
            jobs,
            config.tasks,
            output_root / ".cache",
            use_cache=run.use_cache,
            chunk_size=config.run.chunk_size,
            progress=progress,
        ):
            if on_unit is not None:  # after the system closed: a metric's model never shares its device
                on_unit(unit)
            units.append(unit)
    finally:
        executor.close()
    run.executor = executor.describe()  # after close: Ray's shut-down time is part of it
    timings: dict[str, dict[str, float]] = {}
    records = []
    for job in jobs:
        system, report = job.system, executor.reports[job.system.name]
        sys_units = [u for u in units if u.system == system.name]
        timings[system.name] = {
            "load_s": round(report.load_s, 3),
            "generate_s": round(sum(u.seconds_generate for u in sys_units), 3),
        }
        sample = config.samples.get(system.name)
        records.append(
            {
                "name": system.name,
                "kind": system.kind,
                "fingerprint": sys_units[0].fingerprint,
                "articles": len(job.articles),
                "sample": to_plain(sample) if sample else None,
                "parameters": sys_units[0].parameters if sys_units else None,
                "upper_bound": system.upper_bound,
                "stats": report.stats,
            }
        )
    return units, timings, records


def _write_summaries(run_dir: Path, manifest: dict[str, Any], stream: RunStream) -> Run:
    """summary.csv, summary.md (every summary output format of :mod:`bench.render`) from the files just
    written; returns the run as ``bench compare`` will read it, its per-article scores from the stream's
    arrays rather than from scores.jsonl (the same values, without reading the whole file back)."""
    from bench.render import summary_files

    run = Run(run_dir, manifest, read_json(run_dir / FILES["summary_json"]), groups=stream.score_groups)
    for name, text in summary_files(run).items():
        write_text_atomic(run_dir / name, text)
    return run


def _resolved_config(config: Config, limit: int | None, metrics: list[Metric]) -> dict[str, Any]:
    raw = dict(config.raw)
    raw["corpus"] = to_plain(config.corpus)
    path = resolve_path(config.corpus.path, config.base_dir)
    if path is not None:
        raw["corpus"]["path"] = str(path.resolve())
    if limit:
        raw["corpus"]["run_limit"] = limit
    raw["tasks"] = {t.target: {"max_words": t.max_words} for t in config.tasks}
    settings = {m.name: to_plain(m.config) for m in metrics}
    raw["metrics"] = {**{name: False for name in (config.raw.get("metrics") or {}) if name not in settings}, **settings}
    raw["run"] = to_plain(config.run)
    return raw
