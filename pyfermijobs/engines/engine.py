"""What every engine offers the steps: the per-target work of AnalyzeROI, AnalyzeSED and SimulateROI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pyfermijobs.datasets.roi import ROIDataset
    from pyfermijobs.layout import Layout


@dataclass(frozen=True)
class SEDRequest:
    """What AnalyzeSED asks of an engine for one target: the SED of each profile at the target, or
    (``skydirs``, the random-direction study) at each of those directions instead."""

    target: str
    profiles: list[str]
    prefix: str  # the baseline ROI's name
    sim: str | None  # None: the data area; 'random': the random directions
    skydirs: dict[int, dict[str, float]] | None  # key -> {'ra', 'dec'}
    non_null_src: bool
    config_path: Path  # the target's analysis configuration


@dataclass(frozen=True)
class Realizations:
    """What SimulateROI asks of an engine for one target: a scenario's seeds and the study's options."""

    sim: str
    seeds: range
    sim_profile: str | None  # the profile that places the injected source (builtin engine)
    non_null_src: bool
    do_find_src: bool


class Engine(Protocol):
    """The per-target work of AnalyzeROI, AnalyzeSED and SimulateROI."""

    name: str

    def analyze_roi(
        self, layout: Layout, target: str, config_path: Path, prefix: str, do_find_src: bool, make_plots: bool
    ) -> ROIDataset:
        """Fit the baseline and write it; return it as the builtin engine's ROI (for diagnostics)."""

    def analyze_sed(self, layout: Layout, request: SEDRequest) -> None:
        """The SED of each profile at the target, or at each direction of ``skydirs`` (random study)."""

    def simulate(
        self, layout: Layout, target: str, profiles: list[str], prefix: str, work: Realizations, config_path: Path
    ) -> None:
        """One SED (and truth file) per profile and seed of a scenario."""
