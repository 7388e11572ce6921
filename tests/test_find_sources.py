"""--do_find_src: a source missing from the model is found at its position by the TS-map search."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_TEMPLATE

from pyfermijobs.config import builtin_settings
from pyfermijobs.datasets import build_synthetic_roi, separation_deg, to_frame, unit_vectors
from pyfermijobs.estimators.tsmap import find_sources, source_name, ts_map
from pyfermijobs.fitting import choose_free, fit_components, free_names

DRACO = (260.05167, 57.91528)


def test_left_out_source_is_found_where_it_is() -> None:
    roi = build_synthetic_roi(SMALL_TEMPLATE, "draco", *DRACO)
    choose_free(roi, builtin_settings({}, "t"))
    # the brightest point source inside the map leaves the model but stays in the counts
    inside = [c for c in roi.components if c.kind == "point" and roi.geom.contains(*to_frame(c.ra, c.dec, "GAL"), 0.4)]
    hidden = max(inside, key=lambda c: c.template.sum())
    roi.components.remove(hidden)
    fit_components(roi, free_names(roi)).apply()
    tsm = ts_map(roi)
    found = find_sources(roi, sqrt_ts=5.0)
    assert found, "the hidden source is detected"
    new = roi.component(found[0])
    sep = separation_deg(
        unit_vectors(*to_frame(new.ra, new.dec, "GAL")), unit_vectors(*to_frame(hidden.ra, hidden.dec, "GAL"))
    )
    assert float(sep) <= 1.5 * roi.geom.binsz, "within a pixel or so"
    assert new.free == ["norm"] and new.name.startswith("PS J")
    assert tsm.ts.max() > 25


def test_fermipy_style_names() -> None:
    assert source_name(260.05167, 57.91528) == "PS J1720.2+5754"
    assert source_name(15.0392, -33.7092) == "PS J0100.2-3342"
    assert np.isfinite(0.0)


def test_ts_map_peaks_on_a_left_out_source_with_its_fitted_ts() -> None:
    """Issue 9: the TS map peaks within a pixel of a source missing from the model, TS ~ fitted TS."""
    from pyfermijobs.estimators import reference_spectrum
    from pyfermijobs.fitting import FreeComponent, PoissonFit
    from pyfermijobs.rng import generator

    roi = build_synthetic_roi(SMALL_TEMPLATE, "draco", *DRACO)
    choose_free(roi, builtin_settings({}, "t"))
    fit_components(roi, free_names(roi)).apply()
    # an extra index-2 source at a pixel centre one degree from the target, in the counts only
    x, y = 15, 12
    lon, lat = roi.geom.pix_to_sky(np.array([float(x)]), np.array([float(y)]))
    from pyfermijobs.datasets import to_icrs

    ra, dec = to_icrs(float(lon[0]), float(lat[0]), "GAL")
    extra = roi.point_source("extra", ra, dec, reference_spectrum(2.0).with_values(Prefactor=4e-13))
    roi.counts = roi.counts + generator("tsmap-extra").poisson(extra.template)
    tsm = ts_map(roi)
    peak = np.unravel_index(np.argmax(tsm.ts), tsm.ts.shape)
    assert abs(peak[0] - y) <= 1 and abs(peak[1] - x) <= 1
    fitted = PoissonFit(roi.counts, roi.model(), [FreeComponent("extra", extra.template)]).fit()
    null = PoissonFit(roi.counts, roi.model(), []).loglike(np.zeros(0))
    fitted_ts = 2 * (fitted.loglike - null)
    assert fitted_ts > 25
    assert tsm.ts[y, x] == pytest.approx(fitted_ts, rel=0.15)


def test_residuals_of_a_null_realization_are_unit_gaussian() -> None:
    from pyfermijobs.estimators import residual_significance
    from pyfermijobs.rng import generator

    template = {
        **SMALL_TEMPLATE,
        "selection": {"emin": 100, "emax": 100000},
        "binning": {"binsperdec": 4, "binsz": 0.1, "roiwidth": 10.0, "coordsys": "GAL"},
        "model": {"src_roiwidth": 12.0},
    }
    roi = build_synthetic_roi(template, "draco", *DRACO)
    model = roi.model()
    sigma = residual_significance(generator("residual-null").poisson(model), model)
    assert abs(sigma.mean()) < 0.1
    assert abs(sigma.std() - 1.0) < 0.1
