"""The run config: YAML in, typed sections out, every mistake named by file and field.

```yaml
name: default                 # optional; the file's stem otherwise
corpus: {path: ../data/sample.jsonl}   # relative paths: against this file's folder
tasks:                        # targets to write, each with a length budget in words
  headline: {max_words: 12}
  standfirst: {max_words: 40}
systems:
  - {name: lead-1, kind: lead, sentences: 1}
metrics:                      # one section per registered metric (bench.metrics.base); false = off
  rouge: {engine: auto, stemmer: true}   # see bench.metrics.rouge.RougeConfig
  extra: {semantic: true}               # lengths, compression, novel n-grams, fragments (+ embeddings)
run: {chunk_size: 64, score_workers: auto}
```
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from bench.article import TARGETS, Task
from bench.corpus.load import CorpusConfig
from bench.errors import BenchError, ConfigError
from bench.metrics.base import Metric, create_metric, default_metrics, metric_registry
from bench.run.executors.settings import RaySettings
from bench.systems.base import System, create
from bench.typed import build, suggest

__all__ = ["RunSettings", "SystemSample", "Config", "load_config", "parse_config", "default_config_path"]

_TOP_LEVEL = ("name", "corpus", "tasks", "systems", "metrics", "run")
_DEFAULT_MAX_WORDS = {"headline": 12, "standfirst": 40}


@dataclass(frozen=True)
class RunSettings:
    """The ``run`` section: how the runner works (does not change any number)."""

    chunk_size: int = 64  # articles per summarize() call; each chunk is cached as soon as it is done
    executor: Literal["local", "ray"] = "local"  # where chunks are generated (the driver always writes)
    ray: RaySettings = field(default_factory=RaySettings)  # used when executor is ray
    # processes that score slices of a large unit: auto (the CPUs this process may use) or a number; 1
    # scores in the driver (bench.run.score_pool); checked in validate, so one line names any mistake
    score_workers: Any = "auto"

    def validate(self, where: str) -> None:
        if self.chunk_size < 1:
            raise ConfigError(f"{where}.chunk_size: must be ≥ 1, got {self.chunk_size}")
        workers = self.score_workers
        if workers != "auto" and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise ConfigError(
                f"{where}.score_workers: expected auto (the CPUs this process may use) or a number of processes "
                f"≥ 1 (1: score in the driver), got {workers!r}"
            )

    def score_processes(self) -> int:
        """``score_workers`` as a number: ``auto`` is the CPUs this process may use (its affinity)."""
        if self.score_workers != "auto":
            return int(self.score_workers)
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    def check_systems(self, names: list[str], where: str) -> None:
        """Every ``ray.resources`` entry names a system of the config."""
        for name in self.ray.resources:
            if name not in names:
                raise ConfigError(
                    f"{where}.ray.resources: {name!r} is not a system of this config{suggest(name, names)}; "
                    f"systems: {', '.join(names)}"
                )


@dataclass(frozen=True)
class SystemSample:
    """A system entry's ``sample:``: run that system on a deterministic subset (e.g. an LLM on 100)."""

    limit: int
    seed: int = 0
    stratify_by: str | None = None

    def validate(self, where: str) -> None:
        if self.limit < 1:
            raise ConfigError(f"{where}.limit: must be ≥ 1, got {self.limit}")


@dataclass
class Config:
    """A loaded, validated config. ``raw`` is the resolved mapping saved as the run's config.yaml."""

    name: str
    path: Path | None
    corpus: CorpusConfig
    tasks: list[Task]
    system_specs: list[dict[str, Any]]  # {name, kind, settings...} without 'sample'
    metric_specs: dict[str, dict[str, Any]]  # enabled metric name -> its settings, in scoring order
    run: RunSettings
    raw: dict[str, Any] = field(default_factory=dict)
    samples: dict[str, SystemSample] = field(default_factory=dict)  # system name -> its subset

    @property
    def base_dir(self) -> Path:
        """Folder that relative paths in the config are resolved against."""
        return self.path.parent if self.path else Path.cwd()

    def build_systems(self) -> list[System]:
        where = self.path or "config"
        return [
            create(_resolve_model_path(spec, self.base_dir), f"{where}: systems[{i}]")
            for i, spec in enumerate(self.system_specs)
        ]

    def build_metrics(self) -> list[Metric]:
        """One fresh instance per enabled metric (a metric's signature covers what it scored)."""
        where = f"{self.path or 'config'}: metrics"
        try:
            return [create_metric(name, settings, where) for name, settings in self.metric_specs.items()]
        except BenchError as exc:
            raise ConfigError(str(exc)) from None


def default_config_path() -> Path:
    """``configs/default.yaml`` beside the installed package (editable install), else in the cwd."""
    here = Path(__file__).resolve().parent.parent / "configs" / "default.yaml"
    return here if here.exists() else Path("configs/default.yaml")


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config file; errors name the file, line (for YAML syntax) and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: config file not found; pass the path of a YAML config (see configs/ for examples)"
        ) from None
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config as UTF-8 text ({exc.__class__.__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}{line}: not valid YAML ({problem}); fix the syntax on that line") from None
    return parse_config(data, path)


def parse_config(data: Any, path: Path | None = None) -> Config:
    """Validate a config mapping; ``path`` names the file in errors and anchors relative paths."""
    where = str(path) if path else "config"
    if not isinstance(data, dict):
        raise ConfigError(
            f"{where}: a config must be a YAML mapping with 'corpus' and 'systems', got {type(data).__name__}"
        )
    for key in data:
        if key not in _TOP_LEVEL:
            raise ConfigError(
                f"{where}: unknown section {key!r}{suggest(str(key), _TOP_LEVEL)}; known: {', '.join(_TOP_LEVEL)}"
            )
    name = data.get("name") or (path.stem if path else "config")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise ConfigError(
            f"{where}: name: use letters, digits, '.', '_' or '-' (it names the run folder), got {name!r}"
        )
    if "corpus" not in data:
        raise ConfigError(f"{where}: missing section 'corpus' (e.g. corpus: {{path: ../data/sample.jsonl}})")
    metric_specs = _parse_metrics(data.get("metrics"), where)
    try:
        corpus = build(CorpusConfig, data["corpus"], f"{where}: corpus")
    except BenchError as exc:
        raise ConfigError(str(exc)) from None
    run = build(RunSettings, data.get("run"), f"{where}: run")
    tasks = _parse_tasks(data.get("tasks"), where)
    specs, samples = _parse_systems(data.get("systems"), where)
    run.check_systems([str(s.get("name", s.get("kind"))) for s in specs], f"{where}: run")
    cfg = Config(
        name=name,
        path=path,
        corpus=corpus,
        tasks=tasks,
        system_specs=specs,
        metric_specs=metric_specs,
        run=run,
        raw=dict(data, name=name),
        samples=samples,
    )
    systems = cfg.build_systems()  # validate every system's and metric's settings now, before any work starts
    for metric in cfg.build_metrics():
        metric.check_systems(systems, f"{where}: metrics")
    return cfg


def _parse_metrics(data: Any, where: str) -> dict[str, dict[str, Any]]:
    """``metrics:`` -> {enabled metric: settings}: the default metrics unless set to false, then the others
    the section names (``{}``, ``true`` or a null value: default settings)."""
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: metrics: expected a mapping like {{rouge: {{...}}}}, got {data!r}")
    known = metric_registry()
    for key in data:
        if key not in known:
            raise ConfigError(
                f"{where}: metrics: unknown metric {key!r}{suggest(str(key), known)}; known: {', '.join(sorted(known))}"
            )
    specs: dict[str, dict[str, Any]] = {}
    for name in default_metrics() + [k for k in data if k not in default_metrics()]:
        value = data.get(name, {})
        if value is False:
            continue
        if value is None or value is True:
            value = {}
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: metrics.{name}: expected a mapping of settings, true or false, got {value!r}")
        specs[name] = value
    if not specs:
        raise ConfigError(f"{where}: metrics: every metric is switched off; enable at least one (e.g. rouge: {{}})")
    return specs


def _parse_tasks(data: Any, where: str) -> list[Task]:
    if data is None:
        data = {t: {} for t in TARGETS}
    if isinstance(data, list):
        data = {t: {} for t in data}
    if not isinstance(data, dict) or not data:
        raise ConfigError(f"{where}: tasks: expected a mapping like {{headline: {{max_words: 12}}}}, got {data!r}")
    tasks = []
    for target, settings in data.items():
        if target not in TARGETS:
            raise ConfigError(
                f"{where}: tasks: unknown target {target!r}{suggest(str(target), TARGETS)}; known: {', '.join(TARGETS)}"
            )
        settings = settings or {}
        if not isinstance(settings, dict) or set(settings) - {"max_words"}:
            raise ConfigError(f"{where}: tasks.{target}: only 'max_words' can be set, got {settings!r}")
        max_words = settings.get("max_words", _DEFAULT_MAX_WORDS[target])
        if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
            raise ConfigError(f"{where}: tasks.{target}.max_words: expected a positive integer, got {max_words!r}")
        tasks.append(Task(target, max_words))
    return tasks


def _parse_systems(data: Any, where: str) -> tuple[list[dict[str, Any]], dict[str, SystemSample]]:
    if not isinstance(data, list) or not data:
        raise ConfigError(f"{where}: systems: expected a non-empty list of {{name, kind, ...}} entries")
    specs: list[dict[str, Any]] = []
    samples: dict[str, SystemSample] = {}
    for i, spec in enumerate(data):
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: systems[{i}]: expected a mapping with 'name' and 'kind', got {spec!r}")
        spec = dict(spec)
        name = spec.get("name", spec.get("kind"))
        if any(s.get("name", s.get("kind")) == name for s in specs):
            raise ConfigError(f"{where}: systems[{i}].name: {name!r} is used twice; give each system its own name")
        if "sample" in spec:
            samples[str(name)] = build(SystemSample, spec.pop("sample"), f"{where}: systems[{i}].sample")
        specs.append(spec)
    return specs, samples


def _resolve_model_path(spec: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """A relative ``model:`` that exists beside the config names that folder/file (like corpus.path);
    anything else (a hub id, ``packaged:...``, an absolute path) is left as written. A relative ``path:`` (a
    file a system reads, e.g. ``kind: predictions``) is always taken against the config's folder."""
    path = spec.get("path")
    if isinstance(path, str) and path and not Path(path).expanduser().is_absolute():
        spec = dict(spec, path=str((base_dir / path).resolve()))
    model = spec.get("model")
    if isinstance(model, str) and not model.startswith("packaged:") and not Path(model).is_absolute():
        candidate = base_dir / model
        if candidate.exists():
            return dict(spec, model=str(candidate.resolve()))
    return spec
