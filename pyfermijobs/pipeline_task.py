"""One pipeline task: merge the staged input trees, run a step, keep only what it wrote.

Nextflow stages each task's inputs by file name, which would lose fermipy's folder layout.
So every task receives its inputs as directory trees (``part*``: outputs of earlier tasks,
each a piece of the layout), merges them into ``layout/`` as symlinks, runs one ``pfj``
step there, and moves the regular files the step wrote (not the symlinks) into ``out/``:
that tree is the task's output, staged by later tasks; ``publish/`` holds hard links to the
same files for publishing into ``--outdir``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def merge(parts: list[Path], layout: Path) -> None:
    """Symlink every file of every part into ``layout`` at its relative path."""
    for part in parts:
        root = part.resolve()
        for path in root.rglob("*"):
            if path.is_dir():
                continue
            dest = layout / path.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.is_symlink() or dest.exists():
                dest.unlink()
            dest.symlink_to(path.resolve())


def harvest(layout: Path, out: Path, publish: Path) -> int:
    """Move the files a step wrote (regular files, not staged symlinks) into ``out``.

    ``publish`` gets hard links to the same files: Nextflow publishes a directory output
    only as a whole, so the files to publish are declared apart (``publish/**``).
    """
    moved = 0
    for path in sorted(layout.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        relative = path.relative_to(layout)
        dest, link = out / relative, publish / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        link.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, dest)
        os.link(dest, link)
        moved += 1
    return moved


def main(argv: list[str] | None = None) -> int:
    """``pfj-task [--stub] PART... -- STEP ARGS...``: see the module docstring.

    ``--stub`` (Nextflow's ``-stub-run``) writes empty placeholders of the step's outputs instead
    of running it: the same command, the same names, from the Layout.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    stub = bool(argv) and argv[0] == "--stub"
    argv = argv[1:] if stub else argv
    if "--" not in argv:
        print("usage: pfj-task [--stub] PART... -- STEP [ARGS...]", file=sys.stderr)
        return 2
    split = argv.index("--")
    parts, step = [Path(p) for p in argv[:split]], argv[split + 1 :]
    layout, out, publish = Path("layout"), Path("out"), Path("publish")
    for folder in (layout, out, publish):  # a task rerun in the same folder (after a kill) starts clean
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    merge(parts, layout)
    from pyfermijobs.cli import main as pfj

    code = pfj([*step, "--outdir", str(layout)], stub=stub)
    if code == 0:
        harvest(layout, out, publish)
    return code
