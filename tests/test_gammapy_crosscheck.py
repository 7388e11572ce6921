"""Cross-check of the builtin engine against gammapy on the same ROI.

The ROI (counts, exposure, PSF, diffuse templates, binning) is handed to gammapy as a
MapDataset (``pyfermijobs.io.gammapy_export``); gammapy computes the point sources' counts
from exposure and PSF itself, evaluates the Poisson likelihood, fits and builds the castro
scans with its own FluxPointsEstimator. The ROI is the 10 x 10 deg one at 0.1 deg (101 pixels,
so that the target sits on a pixel centre: gammapy spreads a point source off a pixel centre
over its neighbours, we integrate the PSF over pixels), 1-100 GeV, 4 bins per decade.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pyfermijobs.config import builtin_settings
from pyfermijobs.datasets import build_synthetic_roi
from pyfermijobs.estimators import bin_profile, prepare, reference_spectrum
from pyfermijobs.fitting import FreeComponent, PoissonFit, choose_free, fit_components, free_names

DRACO = (260.05167, 57.91528)
TEMPLATE = {
    "selection": {"emin": 1000, "emax": 100000},
    "binning": {"binsperdec": 4, "binsz": 0.1, "roiwidth": 10.1, "coordsys": "GAL"},
    "model": {"src_roiwidth": 12.0},
}
pytestmark = [pytest.mark.filterwarnings("ignore"), pytest.mark.slow]


@pytest.fixture(scope="module")
def roi():
    roi = build_synthetic_roi(TEMPLATE, "draco", *DRACO)
    choose_free(roi, builtin_settings({}, "t"))
    return roi


def gammapy_dataset(roi, free: set[str], extra=()):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyfermijobs.io import to_mapdataset

        return to_mapdataset(roi, free, list(extra))


def near_sources(roi, n: int = 2) -> list[str]:
    points = [c for c in roi.components if c.kind == "point" and c.free]
    return [c.name for c in sorted(points, key=lambda c: c.info["offset"])[:n]]


def test_loglike_at_same_parameters(roi) -> None:
    test = roi.point_source("test", *DRACO, reference_spectrum(2.0))
    free = {"galdiff", "isodiff", *near_sources(roi)}
    dataset = gammapy_dataset(roi, free, [test])
    ours = PoissonFit(roi.counts, roi.model() + test.template, []).loglike(np.zeros(0))
    theirs = -0.5 * dataset.stat_sum()
    assert abs(ours - theirs) / abs(ours) < 1e-3
    # and each point source's predicted counts agree bin by bin
    for name in near_sources(roi):
        gp = dataset.npred_signal(model_names=[name]).data.sum(axis=(1, 2))
        assert np.allclose(gp, roi.component(name).template.sum(axis=(1, 2)), rtol=0.01)


def test_fitted_normalisations(roi) -> None:
    from gammapy.modeling import Fit

    test = roi.point_source("test", *DRACO, reference_spectrum(2.0))
    names = ["galdiff", "isodiff", *near_sources(roi)]
    dataset = gammapy_dataset(roi, {*names, "test"}, [test])
    dataset.models["test"].spectral_model.amplitude.min = 0.0
    initial = {n: dataset.models[n].parameters["norm" if n.endswith("diff") else "amplitude"].value for n in names}
    result = Fit().run([dataset])
    assert result.success
    comps = [FreeComponent(n, roi.component(n).template) for n in names] + [FreeComponent("test", test.template)]
    ours = PoissonFit(roi.counts, roi.model(exclude=tuple(names)), comps).fit()
    for name in names:
        par = "norm" if name.endswith("diff") else "amplitude"
        theirs = dataset.models[name].parameters[par].value / initial[name]
        assert ours.value(f"{name}:norm") == pytest.approx(theirs, rel=0.02), name
    test_theirs = dataset.models["test"].spectral_model.amplitude.value / 1e-13
    assert abs(ours.value("test:norm") - test_theirs) < 0.1 * ours.errors[-1]


def test_castro_scans_agree(roi) -> None:
    from gammapy.estimators import FluxPointsEstimator

    fit_components(roi, free_names(roi)).apply()
    setup = prepare(roi, "test", *DRACO, 2.0)
    nuisance = {fc.name for fc in setup.nuisance}
    dataset = gammapy_dataset(roi, {*nuisance, "test"}, [setup.test])
    scan_values = np.linspace(0.0, 8.0, 9)  # gammapy refits at each: its cost is in proportion
    estimator = FluxPointsEstimator(
        energy_edges=np.asarray(roi.geom.energy_edges) * 1e-6 * _tev(),
        source="test",
        selection_optional=["scan"],
        reoptimize=True,
        norm={"scan_values": scan_values, "min": 0.0},
    )
    points = estimator.run([dataset])
    stat_scan = np.squeeze(points.stat_scan.data)  # (nbins, nscan)
    stat_best = np.squeeze(points.stat.data)
    compared = 0
    for k in range(roi.geom.nebins):
        best, profile = bin_profile(roi, setup, k)
        ours = np.array([profile(x) for x in scan_values]) - best.loglike
        theirs = -0.5 * (stat_scan[k] - stat_best[k])
        keep = ours > -10
        assert np.all(np.abs(ours[keep] - theirs[keep]) < 0.1), (k, ours[keep], theirs[keep])
        compared += keep.sum()
    assert compared > 30


def _tev():
    import astropy.units as u

    return u.TeV
