"""pyfermijobs: multi-target Fermi-LAT analyses and their control studies.

The public Python API mirrors fermipy.jobs' links (``PrepareTargets()`` ...). Everything
heavy (numpy, astropy, matplotlib, fermipy) is imported only by the step that needs it,
because every pipeline task is a fresh process.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    from pyfermijobs.links import LINKS

    if name in LINKS:
        return LINKS[name]
    raise AttributeError(f"module 'pyfermijobs' has no attribute {name!r}")
