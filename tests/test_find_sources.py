"""--do_find_src: a source missing from the model is found at its position by the TS-map search."""

from __future__ import annotations

import numpy as np
from conftest import SMALL_TEMPLATE

from pyfermijobs.datasets.geom import separation_deg, to_frame, unit_vectors
from pyfermijobs.datasets.synthetic import build_synthetic_roi
from pyfermijobs.estimators.tsmap import find_sources, source_name, ts_map
from pyfermijobs.fitting.roi_fit import builtin_settings, choose_free, fit_components, free_names

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
    sep = separation_deg(unit_vectors(*to_frame(new.ra, new.dec, "GAL")),
                         unit_vectors(*to_frame(hidden.ra, hidden.dec, "GAL")))
    assert float(sep) <= 1.5 * roi.geom.binsz, "within a pixel or so"
    assert new.free == ["norm"] and new.name.startswith("PS J")
    assert tsm.ts.max() > 25


def test_fermipy_style_names() -> None:
    assert source_name(260.05167, 57.91528) == "PS J1720.2+5754"
    assert source_name(15.0392, -33.7092) == "PS J0100.2-3342"
    assert np.isfinite(0.0)
