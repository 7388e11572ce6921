"""fermipy's own reader (fermipy.castro.CastroData) reads our SED files and agrees with us."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_TEMPLATE

from pyfermijobs.config import builtin_settings, sed_settings
from pyfermijobs.datasets import build_synthetic_roi
from pyfermijobs.estimators import compute_sed
from pyfermijobs.fitting import choose_free, fit_components, free_names
from pyfermijobs.io import read_sed, write_sed

DRACO = (260.05167, 57.91528)


def sed_file(tmp_path: Path, extra_source: float) -> Path:
    """An SED of the Draco ROI; ``extra_source`` adds a power law at the target (x reference)."""
    from pyfermijobs.estimators import reference_spectrum
    from pyfermijobs.rng import generator

    roi = build_synthetic_roi(SMALL_TEMPLATE, "draco", *DRACO)
    if extra_source:
        signal = roi.point_source("signal", *DRACO, reference_spectrum(2.0))
        roi.counts = roi.counts + generator("compat-signal").poisson(extra_source * signal.template)
    choose_free(roi, builtin_settings({}, "t"))
    fit_components(roi, free_names(roi)).apply()
    product = compute_sed(roi, "test", *DRACO, sed_settings({}, "t"))
    path = tmp_path / f"sed_{extra_source}.fits"
    write_sed(path, product.sed, product.model_flux, product.params, {"SRCNAME": "test", "TS": product.ts})
    return path


@pytest.mark.parametrize("extra_source", [0.0, 4.0])
def test_castrodata_reads_our_sed_and_agrees(tmp_path: Path, extra_source: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fermipy.castro import CastroData

    path = sed_file(tmp_path, extra_source)
    ours, _ = read_sed(path)
    castro = CastroData.create_from_sedfile(str(path), norm_type="norm")
    assert castro.nx == len(ours["e_ref"])
    assert np.allclose(castro.ts_vals(), ours["ts"], rtol=0.01, atol=0.01)
    assert np.allclose(castro.getLimits(0.05), ours["norm_ul"], rtol=0.01)
    if extra_source:
        assert ours["ts"].max() > 25, "the added source is detected"
    # the energy-flux view fermipy uses for its castro plots
    castro_e = CastroData.create_from_sedfile(str(path), norm_type="eflux")
    assert np.allclose(castro_e.getLimits(0.05), ours["norm_ul"] * ours["ref_eflux"], rtol=0.01)


@pytest.mark.parametrize("case", ["null", "signal", "realization"])
@pytest.mark.parametrize("cl", [0.95, 0.68])
def test_gammapy_reads_our_sed_and_recomputes_our_limits(tmp_path: Path, cl: float, case: str) -> None:
    """gammapy's FluxPoints reads the SED HDU as a gadf 'likelihood' SED; from our stat_scan its
    recompute_ul gives our one-sided upper limits (n_sigma_ul = Phi^-1(cl)) within 1% and our TS
    (issue 18). gammapy takes the first row's norm_scan for every bin, so our bins share one grid
    (issue 29): checked on the data with no signal (best fits at zero in most bins), with a bright
    one, and on a Poisson realization of the fitted model."""
    from scipy.stats import norm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from astropy.table import Table
        from gammapy.estimators import FluxPoints

        from pyfermijobs.estimators import reference_spectrum
        from pyfermijobs.fitting import realization
        from pyfermijobs.rng import generator

        roi = build_synthetic_roi(SMALL_TEMPLATE, "draco", *DRACO)
        if case == "signal":
            signal = roi.point_source("signal", *DRACO, reference_spectrum(2.0))
            roi.counts = roi.counts + generator("compat-signal").poisson(2.0 * signal.template)
        choose_free(roi, builtin_settings({}, "t"))
        fit_components(roi, free_names(roi)).apply()
        if case == "realization":
            roi = realization(roi, None, generator("compat-realization", 3), roi.model())
        product = compute_sed(roi, "test", *DRACO, sed_settings({"ul_confidence": cl}, "t"))
        path = tmp_path / "sed.fits"
        write_sed(path, product.sed, product.model_flux, product.params, {"SRCNAME": "test", "UL_CONF": cl})
        points = FluxPoints.from_table(Table.read(path, hdu="SED"), sed_type="likelihood", format="gadf-sed")
        points.recompute_ul(n_sigma_ul=float(norm.ppf(cl)))
        theirs = np.squeeze(points.norm_ul.data)
        ts = np.squeeze(points.ts.data)
    ours, _ = read_sed(path)
    assert np.allclose(theirs, ours["norm_ul"], rtol=0.01), (theirs, ours["norm_ul"])
    assert np.allclose(ts, ours["ts"], atol=1e-6)
    assert np.all(ours["norm_scan"] == ours["norm_scan"][0])  # one grid for every bin
    if case == "null":
        assert np.mean(ours["norm"] == 0) >= 0.5, ours["norm"]  # best fits at zero in most bins
