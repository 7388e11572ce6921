"""The engines that run the analysis steps.

Two engines share one layout and one SED format: ``builtin`` (this project's binned
likelihood on a synthetic LAT-like sky, runs anywhere) and ``fermipy`` (fermipy's
``GTAnalysis`` on real LAT data, needs Fermitools). The master configuration chooses one for
the data analysis (``backend``: AnalyzeROI, AnalyzeSED) and one for the control studies
(``sim_backend``: SimulateROI and the random-direction SEDs); :meth:`RunConfig.engine
<pyfermijobs.config.run.RunConfig.engine>` answers which runs a step. ``backend: fermipy`` with
``sim_backend: builtin`` is the hybrid: fermipy fits the data, its baseline ROI is exported
to the builtin engine's files (:mod:`pyfermijobs.backends.fermipy.export`) and the many
realizations run on the fast engine.
"""

from __future__ import annotations

from pyfermijobs.config.run import BUILTIN, FERMIPY

__all__ = ["BUILTIN", "FERMIPY"]
