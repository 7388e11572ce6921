"""The files a master configuration names, noted where the code finds them.

PrepareTargets, the pipeline's first task, reads the master and the files it names (rosters,
templates, scenario files, SED files, data files). The pipeline stages exactly those, not the
master's whole folder (a cloud executor uploads everything staged), and
``pfj validate --inputs_file`` lists them. Each reader or resolver of a path from the user's
files calls :func:`note`; a test reads what PrepareTargets really opens and checks that it was
noted, so a new reader that forgets cannot pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_found: ContextVar[set[Path] | None] = ContextVar("named_inputs", default=None)


@contextmanager
def recording() -> Iterator[set[Path]]:
    """Collect the files noted inside the block (resolved, existing files only)."""
    found: set[Path] = set()
    token = _found.set(found)
    try:
        yield found
    finally:
        _found.reset(token)


def note(path: Path) -> Path:
    """Note a file the configuration names, if a recording is open; return it unchanged."""
    found = _found.get()
    if found is not None and path.is_file():
        found.add(path.resolve())
    return path


def inside(files: set[Path], folder: Path) -> list[str]:
    """The files below ``folder`` as sorted POSIX paths relative to it: what the pipeline stages
    (files elsewhere, like the LAT data, are read where they are)."""
    root = folder.resolve()
    return sorted(p.relative_to(root).as_posix() for p in files if p.is_relative_to(root))
