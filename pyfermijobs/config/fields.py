"""A small declarative checker for YAML sections.

Each section of a configuration file is a table of :class:`Field` objects. Checking a
section returns plain values with defaults filled in, or raises an
:class:`~pyfermijobs.errors.InputError` naming the file and dotted key. Keeping the
tables declarative is what lets docs/configuration.md, the CLI and ``nextflow_schema.json`` quote
one definition of every key.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyfermijobs.errors import InputError, closest

REQUIRED = object()


class ConfigWarning(UserWarning):
    """A key that is accepted but not used (e.g. the later dark-matter stage's keys)."""


@dataclass(frozen=True)
class Field:
    """One key: its type name, default and an optional value check.

    ``kind`` is one of ``str int float bool list[str] dict any`` (plus ``|null``); the
    check returns a problem text or ``None``.
    """

    kind: str
    default: Any = REQUIRED
    doc: str = ""
    check: Callable[[Any], str | None] | None = None
    choices: tuple[str, ...] = field(default=())


def _is_kind(value: Any, kind: str) -> bool:
    if value is None:
        return kind.endswith("|null") or kind == "any"
    base = kind.removesuffix("|null")
    if base == "any":
        return True
    if base == "str":
        return isinstance(value, str)
    if base == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if base == "float":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if base == "bool":
        return isinstance(value, bool)
    if base == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if base == "dict":
        return isinstance(value, dict)
    raise ValueError(f"unknown field kind {kind}")


_KIND_TEXT = {
    "str": "a string",
    "int": "an integer",
    "float": "a finite number",
    "bool": "true or false",
    "list[str]": "a list of strings",
    "dict": "a mapping",
    "any": "any value",
}


def kind_text(kind: str) -> str:
    base = kind.removesuffix("|null")
    text = _KIND_TEXT[base]
    return f"{text} or null" if kind.endswith("|null") else text


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def check_value(value: Any, spec: Field, file: str | Path, key: str) -> Any:
    """Check one value against its field; ints are accepted where floats are asked."""
    if not _is_kind(value, spec.kind):
        raise InputError(file, key, f"must be {kind_text(spec.kind)}, got {type_name(value)} ({value!r})")
    if spec.choices and value is not None and value not in spec.choices:
        raise InputError(
            file, key, f"must be one of {', '.join(spec.choices)}, got {value!r}" + closest(str(value), spec.choices)
        )
    if spec.check is not None and value is not None:
        problem = spec.check(value)
        if problem:
            raise InputError(file, key, problem)
    if spec.kind.removesuffix("|null") == "float" and value is not None:
        value = float(value)
    return value


def check_section(
    data: Any,
    fields: Mapping[str, Field],
    file: str | Path,
    prefix: str = "",
    ignored: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check a mapping against ``fields``; return values with defaults filled in.

    ``ignored`` maps keys that are accepted with a warning (and dropped) to the reason.
    """
    where = prefix.rstrip(".") or None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(file, where, f"must be a mapping of keys to values, got {type_name(data)}")
    ignored = ignored or {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise InputError(file, f"{prefix}{key}", "keys must be strings")
        if key in ignored:
            warnings.warn(f"{file}: {prefix}{key}: ignored ({ignored[key]})", ConfigWarning, stacklevel=2)
            continue
        if key not in fields:
            raise InputError(file, f"{prefix}{key}", "unknown key" + closest(key, fields))
        out[key] = check_value(value, fields[key], file, f"{prefix}{key}")
    for key, spec in fields.items():
        if key not in out:
            if spec.default is REQUIRED:
                raise InputError(file, f"{prefix}{key}", "required key is missing")
            out[key] = spec.default() if callable(spec.default) else spec.default
    return out


# --- reusable value checks ---------------------------------------------------------------


def at_least(minimum: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value >= minimum else f"must be >= {minimum}, got {value}"

    return check


def positive(value: Any) -> str | None:
    return None if value > 0 else f"must be > 0, got {value}"


def non_empty(value: Any) -> str | None:
    return None if len(value) else "must not be empty"


_FORBIDDEN_NAME_CHARS = set("/\\:* \t\n'\"$`;|&")


def file_field_name(value: str) -> str | None:
    """Names that become folder or file-name fields: no path separators, colons or blanks."""
    if not value:
        return "must not be empty"
    bad = sorted(set(value) & _FORBIDDEN_NAME_CHARS)
    if bad or value in {".", ".."}:
        return f"{value!r} cannot be used in file names (no blanks, quotes or / \\ : * $ ` ; | &)"
    return None
