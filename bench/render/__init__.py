"""Output formats: one registry used by ``bench run`` (table and summary files), ``bench compare`` and
``bench leaderboard``.

An output format renders a :class:`~bench.render.table.Table` to text. It is registered with
:func:`register_output` (name, file suffix, whether ``bench run`` writes it as ``summary.<suffix>``, whether
it shows every metric column or only the shown ones). The built-in ones (terminal, markdown, csv, json,
leaderboard) register on import of their modules, listed at the end of this file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.errors import RunError
from bench.render.table import Table
from bench.typed import suggest

__all__ = [
    "OutputFormat",
    "register_output",
    "unregister_output",
    "output_formats",
    "get_output",
    "render",
    "summary_files",
]


@dataclass(frozen=True)
class OutputFormat:
    name: str
    suffix: str
    render: Callable[[Table], str]
    description: str = ""
    summary: bool = False  # bench run writes it into the run directory as summary.<suffix>
    all_columns: bool = False  # every metric column, not only the ones tables show by default


_FORMATS: dict[str, OutputFormat] = {}


def register_output(
    name: str, *, suffix: str, description: str = "", summary: bool = False, all_columns: bool = False
) -> Callable[[Callable[[Table], str]], Callable[[Table], str]]:
    """Decorator: register ``fn(table) -> str`` as output format ``name``; a second, different one fails."""

    def deco(fn: Callable[[Table], str]) -> Callable[[Table], str]:
        fmt = OutputFormat(name, suffix, fn, description, summary, all_columns)
        if name in _FORMATS and _FORMATS[name].render is not fn:
            raise TypeError(f"output format {name!r} registered twice")
        _FORMATS[name] = fmt
        return fn

    return deco


def unregister_output(name: str) -> None:
    """Remove ``name`` (for tests that register a format of their own)."""
    _FORMATS.pop(name, None)


def output_formats() -> dict[str, OutputFormat]:
    """name -> format, built-ins first."""
    _load_builtin()
    return dict(_FORMATS)


def get_output(name: str) -> OutputFormat:
    formats = output_formats()
    if name not in formats:
        raise RunError(f"--format {name!r}: unknown output format{suggest(name, formats)}; known: {', '.join(formats)}")
    return formats[name]


def render(table: Table, name: str) -> str:
    """``table`` as text in output format ``name``."""
    return get_output(name).render(table)


def summary_files(run: object) -> dict[str, str]:
    """{file name: text} of every summary format for a run (:class:`~bench.run.rundir.Run`): its table
    without significance marks (the run's own numbers), with all or the shown columns as each format wants."""
    from bench.render.compare import build_comparison

    tables: dict[bool, Table] = {}
    out = {}
    for fmt in output_formats().values():
        if fmt.summary:
            if fmt.all_columns not in tables:
                tables[fmt.all_columns] = build_comparison(
                    [run],
                    test=False,  # type: ignore[list-item]
                    columns=["all"] if fmt.all_columns else None,
                )
            out[f"summary.{fmt.suffix}"] = fmt.render(tables[fmt.all_columns])
    return out


def _load_builtin() -> None:
    from bench.render import csv_table, json_table, leaderboard, markdown, terminal  # noqa: F401
