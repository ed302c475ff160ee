"""The meta-eval config file (``configs/meta-eval-*.yaml``): which metrics, with which settings.

::

    judgments: ../shared/judgments/realsumm-cnndm.jsonl   # relative to this file; the CLI argument wins
    group_by: family
    bootstrap: 1000
    seed: 12345
    metrics:                 # label -> the metric's settings (as in a run config's metrics: section)
      rouge: {engine: fast}
      rouge@perl: {engine: perl}   # name@tag: a second setting of one metric, columns named rouge2@perl.recall
      bertscore: {}
    tests: [[rouge2.recall, bertscore.f1]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.errors import ConfigError
from bench.metaeval.evaluate import MetricSpec
from bench.metrics.base import create_metric
from bench.typed import suggest

__all__ = ["MetaEvalConfig", "load_config", "build_specs"]

_KEYS = ("judgments", "group_by", "bootstrap", "seed", "metrics", "tests", "aspects", "levels")


@dataclass
class MetaEvalConfig:
    """The parsed file; ``metrics`` maps label -> settings mapping, in file order."""

    path: Path | None = None
    judgments: Path | None = None
    metrics: dict[str, dict[str, Any]] = field(default_factory=lambda: {"rouge": {}})
    options: dict[str, Any] = field(default_factory=dict)


def load_config(path: Path) -> MetaEvalConfig:
    """Read a meta-eval YAML file; unknown keys and wrong shapes raise ConfigError naming the file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with keys {', '.join(_KEYS)}")
    unknown = [k for k in data if k not in _KEYS]
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {unknown[0]!r}{suggest(str(unknown[0]), _KEYS)}; known: {', '.join(_KEYS)}"
        )
    metrics = data.get("metrics", {"rouge": {}})
    if not isinstance(metrics, dict) or not metrics:
        raise ConfigError(f"{path}: metrics: expected a mapping like {{rouge: {{engine: fast}}}}")
    metrics = {str(k): (v if isinstance(v, dict) else {}) for k, v in metrics.items() if v is not False}
    judgments = data.get("judgments")
    options = {k: data[k] for k in ("group_by", "bootstrap", "seed", "tests", "aspects", "levels") if k in data}
    return MetaEvalConfig(Path(path), (Path(path).parent / judgments) if judgments else None, metrics, options)


def build_specs(metrics: dict[str, dict[str, Any]], where: str) -> list[MetricSpec]:
    """One :class:`MetricSpec` per label; ``name@tag`` builds metric ``name``."""
    specs = []
    for label, settings in metrics.items():
        name = label.partition("@")[0]
        specs.append(MetricSpec(label, create_metric(name, settings, where)))
    return specs
