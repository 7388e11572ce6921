"""The engines that run the analysis steps.

Two engines share one layout and one SED format and offer the same per-target functions
(:class:`Engine`): ``builtin`` (this project's binned likelihood on a synthetic LAT-like sky,
runs anywhere; :mod:`pyfermijobs.backends.builtin`) and ``fermipy`` (fermipy's ``GTAnalysis``
on real LAT data, needs Fermitools; :mod:`pyfermijobs.backends.fermipy`). The master
configuration chooses one for the data analysis (``backend``: AnalyzeROI, AnalyzeSED) and one
for the control studies (``sim_backend``: SimulateROI and the random-direction SEDs).
``backend: fermipy`` with ``sim_backend: builtin`` is the hybrid: fermipy fits the data, its
baseline ROI is exported to the builtin engine's files and the many realizations run on the
fast engine. Steps check their inputs, ask :func:`engine_for` and loop over targets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pyfermijobs.config.run import BUILTIN, FERMIPY, RunConfig

if TYPE_CHECKING:
    from pyfermijobs.datasets.roi import ROIDataset
    from pyfermijobs.layout import Layout


class Engine(Protocol):
    """The per-target work of AnalyzeROI, AnalyzeSED and SimulateROI."""

    name: str

    def analyze_roi(
        self, layout: Layout, target: str, config_path: Path, prefix: str, do_find_src: bool, make_plots: bool
    ) -> ROIDataset:
        """Fit the baseline and write it; return it as the builtin engine's ROI (for diagnostics)."""

    def analyze_sed(
        self,
        layout: Layout,
        target: str,
        profiles: list[str],
        prefix: str,
        sim: str | None,
        skydirs: dict[int, dict[str, float]] | None,
        non_null_src: bool,
        config_path: Path,
    ) -> None:
        """The SED of each profile at the target, or at each direction of ``skydirs`` (random study)."""

    def simulate(
        self,
        layout: Layout,
        target: str,
        profiles: list[str],
        sim: str,
        seeds: range,
        prefix: str,
        sim_profile: str | None,
        non_null_src: bool,
        do_find_src: bool,
        config_path: Path,
    ) -> None:
        """One SED (and truth file) per profile and seed of a scenario."""


def engine_for(config: RunConfig, sim: str | None) -> Any:
    """The engine of a step in the data area (``sim=None``) or in a control study's area.

    The fermipy engine needs Fermitools: without it this stops before any work, saying how
    to get it.
    """
    if config.engine(sim) == FERMIPY:
        from pyfermijobs.backends.fermipy.analysis import FermipyEngine
        from pyfermijobs.backends.fermitools import require_fermitools

        return FermipyEngine(require_fermitools(config.origin, "backend" if sim is None else "sim_backend"))
    from pyfermijobs.backends.builtin import BuiltinEngine

    return BuiltinEngine()


__all__ = ["BUILTIN", "FERMIPY", "Engine", "engine_for"]
