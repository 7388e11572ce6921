"""Atomic writes: every file the pipeline writes appears whole or not at all.

A killed task (Nextflow's retry, a SLURM pre-emption) must never leave a half-written FITS or
YAML file that a resumed run would take for a finished one, so writers get a temporary name
beside the destination and it is renamed onto it only when the writer returns.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


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
