"""Run a config end to end into a run directory: corpus → systems → ROUGE → files.

``execute`` is what ``bench run`` calls; it is also the library entry point for scripts.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.render import tables
from bench.config import Config
from bench.corpus.load import Corpus, load_corpus, resolve_path
from bench.corpus.sampling import sample_articles
from bench.run.manifest import environment, git_commit
from bench.metrics.extra import ExtraMetrics
from bench.metrics.rouge import Rouge
from bench.files import write_json, write_jsonl, write_text_atomic, write_yaml
from bench.run.rundir import FILES, create_run_dir
from bench.run.generate import NullProgress, Progress, Unit, run_system
from bench.run.score import score_units, summary_rows
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
    types: tuple[str, ...]
    failures: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def execute(config: Config, *, output_root: Path, use_cache: bool = True, limit: int | None = None,
            progress: Progress | None = None, argv: list[str] | None = None) -> RunResult:
    """Run every system on every task of ``config``; write the run directory; return what happened."""
    progress = progress or NullProgress()
    started = datetime.now(timezone.utc)
    code = git_commit()  # the code as it was when the run started (edits during a run do not count)
    corpus = load_corpus(config.corpus, config.base_dir)
    articles = corpus.articles[:limit] if limit else corpus.articles
    rouge = Rouge(config.rouge)  # validates metric settings before any generation
    extra = ExtraMetrics(config.extra) if config.extra else None
    systems = config.build_systems()
    run_dir = create_run_dir(output_root, config.name, started)
    write_yaml(run_dir / FILES["config"], _resolved_config(config, limit))
    units: list[Unit] = []
    timings: dict[str, dict[str, float]] = {}
    system_records = []
    for system in systems:
        sample = config.samples.get(system.name)
        subset = sample_articles(articles, sample.limit, sample.seed, sample.stratify_by) if sample else articles
        system.use_examples(corpus.few_shot)  # before the fingerprint: examples change the prompts
        sys_units, load_s = run_system(system, config.tasks, subset, output_root / ".cache",
                                       use_cache=use_cache, chunk_size=config.run.chunk_size, progress=progress)
        units.extend(sys_units)
        timings[system.name] = {"load_s": round(load_s, 3),
                                "generate_s": round(sum(u.seconds_generate for u in sys_units), 3)}
        system_records.append({"name": system.name, "kind": system.kind, "fingerprint": sys_units[0].fingerprint,
                               "articles": len(subset), "sample": to_plain(sample) if sample else None,
                               "parameters": sys_units[0].parameters if sys_units else None,
                               "upper_bound": system.upper_bound, "stats": _run_stats(system)})
    scores = score_units(units, rouge, extra)
    for u in units:
        timings[u.system]["score_s"] = round(timings[u.system].get("score_s", 0.0) + u.seconds_score, 3)
    signature = rouge.signature()
    summary = summary_rows(units, rouge)
    failures = [{"system": u.system, "target": u.target, "error": u.error or ""} for u in units if u.status != "ok"]
    write_jsonl(run_dir / FILES["predictions"], _prediction_rows(units))
    write_jsonl(run_dir / FILES["scores"], scores)
    extra_signature = extra.signature() if extra else None
    write_json(run_dir / FILES["summary_json"], {"signature": signature, "extra_signature": extra_signature,
                                          "config": config.name,
                                          "corpus": corpus.source, "rows": summary})
    write_text_atomic(run_dir / FILES["summary_csv"], tables.to_csv(summary, rouge.types, signature))
    write_text_atomic(run_dir / FILES["summary_md"], tables.to_markdown(summary, rouge.types, signature))
    manifest = {
        "command": argv if argv is not None else sys.argv, "config": config.name,
        "config_path": str(config.path) if config.path else None,
        "started": started.isoformat(), "finished": datetime.now(timezone.utc).isoformat(),
        "corpus": {"source": corpus.source, "articles": len(articles), "problems": corpus.problems[:50],
                   "problem_count": len(corpus.problems), "duplicates": corpus.duplicates,
                   "duplicates_dropped": config.corpus.dedupe, "rows_read": corpus.rows_read},
        "signature": signature, "extra_signature": extra_signature, "seeds": {"corpus": config.corpus.seed, "bootstrap": config.rouge.seed},
        "systems": system_records,
        "timings": timings, "cache": {"enabled": use_cache,
                                      "reused": sum(u.reused for u in units),
                                      "generated": sum(u.generated for u in units)},
        "failures": failures, **environment(), "git": code,
    }
    write_json(run_dir / FILES["manifest"], manifest)
    return RunResult(run_dir, signature, summary, units, corpus, rouge.types, failures)


def _resolved_config(config: Config, limit: int | None) -> dict[str, Any]:
    raw = dict(config.raw)
    raw["corpus"] = to_plain(config.corpus)
    path = resolve_path(config.corpus.path, config.base_dir)
    if path is not None:
        raw["corpus"]["path"] = str(path.resolve())
    if limit:
        raw["corpus"]["run_limit"] = limit
    raw["tasks"] = {t.target: {"max_words": t.max_words} for t in config.tasks}
    raw["metrics"] = {"rouge": to_plain(config.rouge), "extra": to_plain(config.extra) if config.extra else False}
    raw["run"] = to_plain(config.run)
    return raw


def _run_stats(system: Any) -> dict[str, Any]:
    try:
        return system.run_stats()
    except Exception:  # noqa: BLE001 — diagnostics only
        log.warning("system %s: run_stats() failed", system.name, exc_info=True)
        return {}


def _prediction_rows(units: list[Unit]) -> list[dict[str, Any]]:
    return [{"system": u.system, "target": u.target, "article_id": r.article.id,
             "article_hash": r.article.content_hash, "prediction": r.prediction,
             "reference": r.article.reference(u.target), "cached": r.cached, "fingerprint": u.fingerprint}
            for u in units for r in u.rows]
