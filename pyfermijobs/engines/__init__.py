"""The engines that run the analysis steps.

Two engines share one layout and one SED format and offer the same per-target functions
(:class:`Engine`): ``builtin`` (this project's binned likelihood on a synthetic LAT-like sky,
runs anywhere; :mod:`pyfermijobs.engines.builtin`) and ``fermipy`` (fermipy's ``GTAnalysis``
on real LAT data, needs Fermitools; :mod:`pyfermijobs.engines.fermipy`). The master
configuration chooses one for the data analysis (``backend``: AnalyzeROI, AnalyzeSED) and one
for the control studies (``sim_backend``: SimulateROI and the random-direction SEDs).
``backend: fermipy`` with ``sim_backend: builtin`` is the hybrid: fermipy fits the data, its
baseline ROI is exported to the builtin engine's files and the many realizations run on the
fast engine. Steps check their inputs, ask :func:`engine_for` and loop over targets.
"""

from __future__ import annotations

from pyfermijobs.config.run import BUILTIN, FERMIPY, RunConfig
from pyfermijobs.engines.engine import Engine, Realizations, SEDRequest


def engine_for(run_config: RunConfig, sim: str | None) -> Engine:
    """The engine of a step in the data area (``sim=None``) or in a control study's area.

    The fermipy engine needs Fermitools: without it this stops before any work, saying how
    to get it.
    """
    if run_config.engine(sim) == FERMIPY:
        from pyfermijobs.engines.fermipy.analysis import FermipyEngine
        from pyfermijobs.engines.fermitools import require_fermitools

        return FermipyEngine(require_fermitools(run_config.origin, "backend" if sim is None else "sim_backend"))
    from pyfermijobs.engines.builtin import BuiltinEngine

    return BuiltinEngine()


__all__ = ["BUILTIN", "FERMIPY", "Engine", "Realizations", "SEDRequest", "engine_for"]
