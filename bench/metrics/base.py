"""The metric registry: what a metric declares so that runs, tables, comparisons and reports show it.

A metric is a class registered with ``@register_metric("name")``, like sacrebleu's metrics and like
system kinds. It declares:

* ``Config`` — a dataclass, the config section ``metrics.<name>`` (built by :func:`bench.typed.build`);
* :meth:`Metric.columns` — its per-article values (one :class:`Column` each: the key in ``scores.jsonl``,
  the table label, how to show it, whether tables show it by default, whether it is significance-tested);
* :meth:`Metric.score` — one ``{column key: value}`` per :class:`Item` (None where undefined);
* :meth:`Metric.aggregate` — corpus numbers per column, by default the mean with a seeded bootstrap 95% CI;
* :meth:`Metric.signature` — every setting that changes its numbers, printed beside them.

Nothing else in the package names a metric: ``bench run`` scores every enabled metric, ``summary.*``,
the terminal table, ``bench compare``, ``bench leaderboard`` and the report read its columns from the run.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from bench.article import Article
from bench.errors import ConfigError
from bench.metrics import stats
from bench.typed import build, suggest

__all__ = [
    "Column",
    "Item",
    "Metric",
    "register_metric",
    "unregister_metric",
    "metric_registry",
    "create_metric",
    "default_metrics",
    "column_values",
]

#: a metric's per-article values: numbers under its column keys; text under other keys (e.g. the LLM
#: judge's raw answer) is written to scores.jsonl beside them and never aggregated
Values = dict[str, float | str | None]


@dataclass(frozen=True)
class Column:
    """One per-article value of a metric and how tables show its corpus mean.

    ``key`` names it in ``scores.jsonl`` and ``summary.json`` (unique across metrics); ``label`` heads table
    columns; a shown value is ``mean × scale`` with ``digits`` decimals; ``show`` puts it in tables by
    default (others appear when asked for); ``rank``: tables order systems by the first shown ranking
    column; ``test``: compared with a paired significance test; ``ci``: tables print its interval.
    """

    key: str
    label: str
    metric: str = ""
    description: str = ""
    scale: float = 1.0
    digits: int = 2
    show: bool = False
    rank: bool = False
    test: bool = True
    ci: bool = True
    higher_is_better: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Column:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Item:
    """What a metric scores: one prediction, its reference(s), the article it summarises and its target
    (``headline`` / ``standfirst``; None where there is none, e.g. a judged summary in meta-eval)."""

    prediction: str
    references: tuple[str, ...]
    article: Article
    target: str | None = None


class Metric:
    """Base of every metric. Subclasses set ``Config`` and implement columns, score and signature."""

    name: ClassVar[str] = ""
    Config: ClassVar[type] = type(None)
    #: scored when a config's ``metrics:`` section does not mention it (``name: false`` turns it off)
    enabled_by_default: ClassVar[bool] = False
    #: True when an item's values depend on that item alone, not on the others scored with it nor on how
    #: they are batched: a run may then score a large unit in slices (same numbers, bounded memory), and
    #: :meth:`aggregate` gets the values back as floats (None kept)
    item_independent: ClassVar[bool] = False
    #: True when the metric is cheap CPU work that a worker process may build from ``(type(m), m.config)``
    #: and run beside the driver (``run.score_workers``; see :mod:`bench.run.score_pool`): no model to
    #: load N times, no device, no server. Only item-independent metrics are ever sent to workers; the
    #: side state its :meth:`notes` and :meth:`signature` read must travel with :meth:`take_state`, and
    #: its :meth:`aggregate` must read only the values and the config (a worker computes it too)
    parallel_safe: ClassVar[bool] = False

    def __init__(self, config: Any) -> None:
        self.config = config

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def score(self, items: Sequence[Item]) -> list[Values]:
        """One ``{column key: value}`` per item, in order."""
        raise NotImplementedError

    def aggregate(self, values: Sequence[Mapping[str, float | None]]) -> dict[str, stats.Interval]:
        """Corpus numbers per column: the mean over the items where it is defined, with a seeded bootstrap
        95% CI (``Config.bootstrap`` resamples and ``Config.seed`` when the config has them)."""
        resamples = int(getattr(self.config, "bootstrap", 1000))
        seed = int(getattr(self.config, "seed", 12345))
        defined: dict[str, Any] = {}
        for column in self.columns():
            vals = column_values(values, column.key)
            if len(vals):
                defined[column.key] = vals
        # one call: columns of one length share the resample draws (each interval as its own call gives it)
        return dict(zip(defined, stats.bootstrap_cis(list(defined.values()), n=resamples, seed=seed)))

    def signature(self) -> str:
        raise NotImplementedError

    def check_systems(self, systems: Sequence[Any], where: str) -> None:
        """Look at the run's scored systems before any work and raise ConfigError for what makes this metric
        unfit for them (the LLM judge refuses to judge its own model); nothing by default."""

    def notes(self) -> list[str]:
        """Warnings about what was scored (e.g. text the tokenizer could not see), for the manifest and
        the table footer; [] by default."""
        return []

    def take_state(self) -> Any:
        """The side state that :meth:`score` added since the last take (what :meth:`notes` and
        :meth:`signature` read: languages seen, texts that yield no token, ...), as a picklable snapshot,
        and forget it. A score worker hands it to the driver after each slice; None: no side state."""
        return None

    def merge_state(self, state: Any) -> None:
        """Fold a :meth:`take_state` snapshot of an instance built from the same config into this one, as if
        this instance had scored those items itself (snapshots are merged in the order the items were
        scored). The default has no side state: only None is accepted."""
        if state is not None:
            raise TypeError(f"metric {self.name!r} has no side state to merge, got {type(state).__name__}")


_REGISTRY: dict[str, type[Metric]] = {}


def column_values(values: Sequence[Mapping[str, float | None]], key: str) -> Sequence[float]:
    """Column ``key`` of per-article ``values`` without the None and NaN ones, in order. The run hands
    :meth:`Metric.aggregate` a view of its score arrays that gives the column as one float64 array (no Python
    float per value); any other sequence of mappings is read row by row."""
    column = getattr(values, "column", None)
    if column is not None:
        arr = column(key)
        return arr[~np.isnan(arr)]
    return [float(v) for row in values if (v := row.get(key)) is not None and not math.isnan(v)]


def register_metric(name: str) -> Callable[[type[Metric]], type[Metric]]:
    """Class decorator: register a Metric subclass as ``metrics.<name>``; duplicates fail loudly."""

    def deco(cls: type[Metric]) -> type[Metric]:
        if not (isinstance(cls, type) and issubclass(cls, Metric)):
            raise TypeError(f"@register_metric({name!r}) needs a Metric subclass, got {cls!r}")
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise TypeError(f"metric {name!r} registered twice: {_REGISTRY[name].__qualname__} and {cls.__qualname__}")
        if not dataclasses.is_dataclass(cls.Config):
            raise TypeError(f"{cls.__qualname__}.Config must be a dataclass")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def unregister_metric(name: str) -> None:
    """Remove ``name`` from the registry (for tests that register a metric of their own)."""
    _REGISTRY.pop(name, None)


def metric_registry() -> dict[str, type[Metric]]:
    """name -> class for every registered metric (the built-in ones register on import)."""
    import bench.metrics.builtin  # noqa: F401  (runs the built-in @register_metric decorators)

    return dict(_REGISTRY)


def default_metrics() -> list[str]:
    """The metrics scored when a config's ``metrics:`` section does not mention them."""
    return [name for name, cls in metric_registry().items() if cls.enabled_by_default]


def create_metric(name: str, settings: Any, where: str) -> Metric:
    """Build metric ``name`` from its config mapping; errors name ``where`` and the known metrics."""
    known = metric_registry()
    if name not in known:
        raise ConfigError(f"{where}: unknown metric {name!r}{suggest(name, known)}; known: {', '.join(sorted(known))}")
    cls = known[name]
    return cls(build(cls.Config, settings, f"{where}.{name}"))
