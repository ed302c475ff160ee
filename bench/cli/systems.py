"""``bench systems [KIND]``: the system kinds a config can name, with their settings and defaults.

Everything shown is read from the registered classes and their ``Config`` dataclasses, so the listing
cannot drift from the code.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import typing
from typing import Any

from bench.errors import ConfigError
from bench.systems.base import registry
from bench.typed import suggest, to_plain

__all__ = ["add_parser", "describe", "render"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "systems",
        help="list system kinds with their settings and defaults",
        description="List the system kinds a config's 'systems:' entries can use, each with its "
        "settings, types and defaults (read from the code). A config entry is flat: "
        "{name: ..., kind: ..., <settings>}.",
    )
    p.add_argument("kind", nargs="?", help="show only this kind")
    p.add_argument("--json", action="store_true", help="print the listing as JSON")
    p.set_defaults(func=_systems)


def _type_text(tp: Any) -> str:
    text = str(tp) if not isinstance(tp, type) else tp.__name__
    text = re.sub(r"Literal\[([^\]]*)\]", lambda m: m.group(1).replace("'", "").replace(", ", "|"), text)
    for noise in ("typing.", "bench.systems.prompts.", "bench.systems.hf.base.", "NoneType"):
        text = text.replace(noise, "None" if noise == "NoneType" else "")
    return text


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return to_plain(f.default)
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return to_plain(f.default_factory())  # type: ignore[misc]
    return "(required)"


def _nested_dataclass(tp: Any) -> type | None:
    """The dataclass inside a type such as ``dict[str, Generation]`` or ``tuple[Example, ...]``."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return tp
    for arg in typing.get_args(tp):
        found = _nested_dataclass(arg)
        if found is not None:
            return found
    return None


def _settings(config_cls: type) -> list[dict[str, Any]]:
    hints = typing.get_type_hints(config_cls)
    out = []
    for f in dataclasses.fields(config_cls):
        entry = {"name": f.name, "type": _type_text(hints[f.name]), "default": _default(f)}
        nested = _nested_dataclass(hints[f.name])
        if nested is not None:
            entry["fields"] = _settings(nested)
        out.append(entry)
    return out


def describe(kind: str, cls: type) -> dict[str, Any]:
    """A kind's summary line and its settings: name, type, default (and the fields of nested settings)."""
    settings = _settings(cls.Config)
    doc = (cls.__doc__ or "").strip().splitlines()
    flags = [flag for flag in ("upper_bound", "needs_reference") if getattr(cls, flag, False)]
    return {
        "kind": kind,
        "summary": doc[0] if doc else "",
        "module": cls.__module__,
        "flags": flags,
        "settings": settings,
    }


def render(entries: list[dict[str, Any]]) -> str:
    """The human-readable listing."""
    lines = []
    for e in entries:
        flags = f"  [{', '.join(e['flags'])}]" if e["flags"] else ""
        lines.append(f"{e['kind']}: {e['summary']}{flags}")
        lines += _setting_lines(e["settings"], "    ")
        lines.append("")
    return "\n".join(lines).rstrip()


def _setting_lines(settings: list[dict[str, Any]], indent: str) -> list[str]:
    lines = []
    for s in settings:
        default = s["default"] if s["default"] == "(required)" else json.dumps(s["default"])
        lines.append(f"{indent}{s['name']:<20} {s['type']:<36} {default}")
        if "fields" in s:
            lines += _setting_lines(s["fields"], indent + "  · ")
    return lines


def _systems(args: argparse.Namespace) -> int:
    kinds = registry()
    if args.kind and args.kind not in kinds:
        raise ConfigError(
            f"unknown system kind {args.kind!r}{suggest(args.kind, kinds)}; known kinds: {', '.join(sorted(kinds))}"
        )
    names = [args.kind] if args.kind else sorted(kinds)
    entries = [describe(k, kinds[k]) for k in names]
    print(json.dumps(entries, indent=2) if args.json else render(entries))
    return 0
