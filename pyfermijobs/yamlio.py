"""YAML I/O: safe loading with precise errors, deterministic atomic writes.

Every YAML file the user gives goes through :func:`load_yaml`: a safe loader (no object
tags) that also refuses duplicate mapping keys, which PyYAML otherwise drops silently (a
target listed twice in one roster would vanish). Every file the pipeline writes goes
through :func:`pyfermijobs.atomic.atomic_write` so that a killed task never leaves a half-written file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pyfermijobs.atomic import atomic_write
from pyfermijobs.errors import InputError
from pyfermijobs.named_inputs import note


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first at line {seen[key].start_mark.line + 1})", mark
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: str | Path, what: str = "file") -> Any:
    """Read a user YAML file; any problem becomes an :class:`InputError` naming the file.

    ``what`` says what the file is for ("roster", "alias dictionary") so that a missing
    file's message tells the user which setting pointed at it.
    """
    path = note(Path(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, f"{what} not found") from None
    except IsADirectoryError:
        raise InputError(path, None, f"{what} is a directory, expected a YAML file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"cannot read {what}: {exc}") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # _StrictLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(path, where, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(path, None, f"YAML syntax error: {exc}") from None


def dump_yaml(data: Any) -> str:
    """Serialise plain data deterministically (insertion order kept, block style)."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def write_yaml(path: str | Path, data: Any) -> None:
    """Write ``data`` as YAML atomically."""
    with atomic_write(path) as handle:
        handle.write(dump_yaml(data))
