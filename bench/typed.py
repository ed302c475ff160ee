"""Build typed dataclasses from YAML mappings, with errors that name the field and the fix.

Every config section (corpus, each system, metrics, run) is a dataclass owned by the module that uses it;
:func:`build` turns a plain mapping into one, checking names and types, so mistakes are reported before
any work starts (not at the first ``score()`` call).
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from bench.errors import ConfigError

__all__ = ["build", "suggest", "to_plain"]

T = TypeVar("T")


def suggest(name: str, choices: typing.Iterable[str]) -> str:
    """Return ' (did you mean "x"?)' for the closest choice, or '' when none is close."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _type_name(tp: Any) -> str:
    if isinstance(tp, type):
        return {
            "str": "a string",
            "int": "an integer",
            "float": "a number",
            "bool": "true/false",
            "dict": "a mapping",
            "list": "a list",
            "tuple": "a list",
        }.get(tp.__name__, tp.__name__)
    return str(tp).replace("typing.", "")


def _coerce(value: Any, tp: Any, where: str) -> Any:
    """Check ``value`` against the annotation ``tp``; return it (lists become tuples for tuple types)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(value, arg, where)
            except ConfigError as exc:
                errors.append(exc)
        names = " or ".join(_type_name(a) for a in args if a is not type(None))
        raise ConfigError(f"{where}: expected {names}, got {value!r}")
    if origin is typing.Literal:
        if value in args:
            return value
        choices = ", ".join(repr(a) for a in args)
        raise ConfigError(f"{where}: {value!r} is not one of {choices}{suggest(str(value), map(str, args))}")
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return build(tp, value, where)
    if origin in (list, tuple) or tp in (list, tuple):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        item_tp = args[0] if args else Any
        items = [_coerce(v, item_tp, f"{where}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if (origin is tuple or tp is tuple) else items
    if origin is dict or tp is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        if len(args) == 2:
            return {_coerce(k, args[0], f"{where} key"): _coerce(v, args[1], f"{where}.{k}") for k, v in value.items()}
        return dict(value)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    if isinstance(tp, type) and not isinstance(value, tp):
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {value!r}")
    return value


def build(cls: type[T], data: Any, where: str) -> T:
    """Make ``cls`` (a dataclass) from ``data`` (a mapping), naming ``where`` in every error.

    Unknown keys, missing required keys and wrong types raise :class:`ConfigError`. A dataclass may define
    ``validate(self, where)`` for checks across fields; it is called after construction.
    """
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: expected a mapping of settings, got {data!r}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(f"{where}: unknown setting {key!r}{suggest(str(key), fields)}; known: {known}")
        kwargs[key] = _coerce(value, hints[key], f"{where}.{key}")
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and name not in kwargs:
            raise ConfigError(f"{where}: missing required setting {name!r}")
    obj = cls(**kwargs)
    validate = getattr(obj, "validate", None)
    if callable(validate):
        validate(where)
    return obj


def to_plain(obj: Any) -> Any:
    """Turn dataclasses/tuples into plain dicts/lists for YAML/JSON, recursively."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    return obj
