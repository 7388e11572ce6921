"""Poisson realizations of a fitted ROI, refitted: the core of SimulateROI.

The injected source (if any) is part of both the simulated sky and the refitted model, as
in fermipy's ``simulate_roi``; AnalyzeSED's ``--non_null_src`` then zeroes it before the SED.
Leaving it out of the refit would let the free background absorb part of the signal and bias
every positive control low.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from pyfermijobs.datasets.roi import Component, ROIDataset
from pyfermijobs.fitting.roi_fit import fit_components, free_names


def realization(
    base: ROIDataset, injected: Component | None, rng: np.random.Generator, expected: np.ndarray | None = None
) -> ROIDataset:
    """A copy of ``base`` with counts drawn from its model (+ ``injected``), then refitted.

    ``expected`` (the model counts) can be passed in when many realizations share it.
    """
    if expected is None:
        expected = base.model() + (injected.template if injected is not None else 0.0)
    comps = [dataclasses.replace(c, info=dict(c.info), free=list(c.free)) for c in base.components]
    if injected is not None:
        comps.append(dataclasses.replace(injected, info=dict(injected.info), free=["norm"]))
    roi = dataclasses.replace(base, counts=rng.poisson(expected), components=comps, meta=dict(base.meta))
    fit_components(roi, free_names(roi)).apply()
    return roi
