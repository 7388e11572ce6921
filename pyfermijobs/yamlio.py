"""YAML and file I/O: safe loading with precise errors, atomic writes.

Every YAML file the user gives goes through :func:`load_yaml`: a safe loader (no object
tags) that also refuses duplicate mapping keys, which PyYAML otherwise drops silently (a
target listed twice in one roster would vanish). Every file the pipeline writes goes
through :func:`atomic_write` so that a killed task never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from pyfermijobs.errors import InputError


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
    path = Path(path)
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


def _umask_mode() -> int:
    """Permissions a plain open() would give (mkstemp's files are private otherwise)."""
    mask = os.umask(0)
    os.umask(mask)
    return (stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH) & ~mask


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for writers that want a file name (FITS, PNG).

    The writer must create the file; it is renamed onto ``path`` only on success.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix or ".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        yield Path(tmp)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[Any]:
    """An open temporary file beside ``path``, renamed onto ``path`` only on success."""
    with atomic_path(path) as tmp, open(tmp, mode) as handle:
        yield handle


def write_yaml(path: str | Path, data: Any) -> None:
    """Write ``data`` as YAML atomically."""
    with atomic_write(path) as handle:
        handle.write(dump_yaml(data))
