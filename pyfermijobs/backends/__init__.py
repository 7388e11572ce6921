"""Which engine runs which step.

Two engines share one layout and one SED format: ``builtin`` (this project's binned
likelihood on a synthetic LAT-like sky, runs anywhere) and ``fermipy`` (fermipy's
``GTAnalysis`` on real LAT data, needs Fermitools). The master configuration chooses one for
the data analysis (``backend``: AnalyzeROI, AnalyzeSED) and one for the control studies
(``sim_backend``: SimulateROI and the random-direction SEDs). ``backend: fermipy`` with
``sim_backend: builtin`` is the hybrid: fermipy fits the data, its baseline ROI is exported
to the builtin engine's files (:mod:`pyfermijobs.backends.fermipy.export`) and the many
realizations run on the fast engine.
"""

from __future__ import annotations

from typing import Any

BUILTIN = "builtin"
FERMIPY = "fermipy"


def data_backend(config: dict[str, Any]) -> str:
    """Engine of the data analysis, from the run configuration PrepareTargets wrote."""
    return str(config.get("backend") or BUILTIN)


def control_backend(config: dict[str, Any]) -> str:
    """Engine of the simulations and random directions (``sim_backend``, default ``backend``)."""
    return str(config.get("sim_backend") or data_backend(config))


def step_backend(config: dict[str, Any], sim: str | None) -> str:
    """Engine of a step that runs in the data area (``sim=None``) or in a control-study area."""
    return data_backend(config) if sim is None else control_backend(config)


def uses_fermipy(config: dict[str, Any]) -> bool:
    return FERMIPY in (data_backend(config), control_backend(config))
