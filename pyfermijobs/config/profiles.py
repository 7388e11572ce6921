"""Profile files (``profile_{profile}.yaml``): the test source of one target version and spatial model.

PrepareTargets writes them in fermipy.jobs' form; AnalyzeSED and SimulateROI (both engines)
read the test source's name and position from them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyfermijobs.errors import InputError
from pyfermijobs.layout import profile_name
from pyfermijobs.yamlio import load_yaml


def profile_source(ra: float, dec: float, version: str, spatial: str) -> dict[str, Any]:
    """Test-source definition of one profile, in fermipy.jobs' ``profile_*.yaml`` form."""
    return {
        "name": profile_name(version, spatial),
        "source_model": {"SpectrumType": "PowerLaw", "RA": ra, "DEC": dec, "SpatialModel": "PointSource"},
    }


def profile_position(path: Path) -> tuple[str, float, float]:
    """Name and (RA, DEC) of a profile's test source."""
    doc = load_yaml(path, "profile file")
    try:
        model = doc["source_model"]
        return str(doc["name"]), float(model["RA"]), float(model["DEC"])
    except (KeyError, TypeError, ValueError):
        raise InputError(path, "source_model", "a profile file needs name and source_model.RA/DEC") from None
