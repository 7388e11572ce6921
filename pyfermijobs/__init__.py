"""pyfermijobs: multi-target Fermi-LAT analyses and their control studies.

The public Python API mirrors fermipy.jobs' links (``PrepareTargets()`` ...). Everything
heavy (numpy, astropy, matplotlib, fermipy) is imported only by the step that needs it,
because every pipeline task is a fresh process.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


#: The step classes (fermipy.jobs' links and their ``_SG`` forms), made on first use.
_LINKS = [
    "PrepareTargets",
    "AnalyzeROI",
    "AnalyzeSED",
    "CopyBaseROI",
    "ExportROI",
    "SimulateROI",
    "RandomDirGen",
    "CollectSED",
    "PlotCastro",
    "PlotSEDSummaryBands",
    "PlotCalibration",
    "SpecTable",
    "ConvertCastro",
    "StackLikelihood",
    "CollectLimits",
    "PlotDM",
    "PlotLimits",
    "PlotStackedDM",
    "PlotStackedLimits",
    "PlotControlLimits",
    "PlotControlMLEs",
    "PlotFinalLimits",
    "Chain",
    "Validate",
    "Plan",
    "Report",
    "AnalyzeROI_SG",
    "AnalyzeSED_SG",
    "PlotCastro_SG",
    "CopyBaseROI_SG",
    "SimulateROI_SG",
    "RandomDirGen_SG",
    "CollectSED_SG",
]
__all__ = ["__version__", *_LINKS]


def __getattr__(name: str) -> Any:
    from pyfermijobs.links import LINKS

    if name in LINKS:
        return LINKS[name]
    raise AttributeError(f"module 'pyfermijobs' has no attribute {name!r}")
