"""What fermipy needs from the analysis template, checked before any work.

fermipy reads the LAT data from ``data.evfile`` (a FITS file, or ``@list`` of them) and needs
the spacecraft file ``data.scfile`` unless a livetime cube ``data.ltcube`` is given. A
missing key or file would otherwise surface deep inside ``GTAnalysis.setup`` of a task.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pyfermijobs.errors import InputError


def _resolve(value: str, base: Path) -> Path:
    path = Path(os.path.expandvars(str(value)).removeprefix("@")).expanduser()
    return path if path.is_absolute() else base / path


def check_fermipy_template(config: dict[str, Any], file: Path, check_files: bool) -> None:
    """``data.evfile`` and ``data.scfile`` (or ``data.ltcube``) given, and present when ``check_files``."""
    data = config.get("data") or {}
    keys = ["evfile"] + (["ltcube"] if data.get("ltcube") else ["scfile"])
    for key in keys:
        if not data.get(key):
            what = "the LAT photon file(s)" if key == "evfile" else "the spacecraft file (or give data.ltcube)"
            raise InputError(file, f"data.{key}", f"required by the fermipy backend: {what}")
        if check_files and not _resolve(data[key], Path(file).parent).exists():
            raise InputError(file, f"data.{key}", f"file not found: {data[key]}")
