"""ROI maps anywhere on the sky: each coordinate labels its own ticks, every map panel is square.

Near a Galactic pole (Sculptor, b = -83 deg), near the celestial pole (dec 87 deg, CEL frame) and
across RA = 0, the longitude's ticks can sit on any side of a WCS frame; the label must follow the
coordinate, not the side (issue 18). The figures go to test-artifacts/ for a look.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pyfermijobs.datasets import build_synthetic_roi
from pyfermijobs.plotting.roi import map_figure, residuals_figure
from pyfermijobs.plotting.style import save

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PLACES = {
    "sculptor_galactic_pole": ("GAL", 15.03917, -33.70917),
    "celestial_pole": ("CEL", 30.0, 87.0),
    "across_ra_zero": ("CEL", 359.6, 12.0),
}


def small_roi(name: str, coordsys: str, ra: float, dec: float):
    template = {
        "selection": {"emin": 1000, "emax": 100000},
        "binning": {"binsperdec": 2, "binsz": 0.2, "roiwidth": 8.0, "coordsys": coordsys},
        "model": {"src_roiwidth": 10.0},
    }
    return build_synthetic_roi(template, name, ra, dec)


def map_axes(fig):
    return [ax for ax in fig.axes if hasattr(ax, "coords")]


@pytest.mark.parametrize("place", list(PLACES))
def test_each_coordinate_labels_its_own_ticks_and_maps_stay_square(place: str) -> None:
    coordsys, ra, dec = PLACES[place]
    roi = small_roi(place, coordsys, ra, dec)
    names = ("Galactic longitude", "Galactic latitude") if coordsys == "GAL" else ("RA", "Dec")
    counts = roi.counts.sum(axis=0).astype(float)
    figures = {
        "counts": map_figure(roi, counts, f"{place}: counts", "counts per pixel"),
        "residmap": residuals_figure(roi, np.random.default_rng(1).normal(size=counts.shape), f"{place}: residuals"),
    }
    for kind, fig in figures.items():
        fig.canvas.draw()
        (ax,) = map_axes(fig)
        for coord, name, kind_of_coord in zip(ax.coords, names, ("longitude", "latitude"), strict=True):
            assert coord.coord_type == kind_of_coord
            assert coord.get_axislabel() == f"{name} [deg]"
            # the label sits on the side(s) where this coordinate's tick labels are
            assert coord.get_axislabel_position() == coord.get_ticklabel_position()
        box = ax.get_window_extent()
        assert box.width / box.height == pytest.approx(1.0, abs=0.03), kind
        assert box.width > 0.3 * fig.bbox.width, f"{kind}: map panel squeezed"
        ARTIFACTS.mkdir(exist_ok=True)
        save(fig, ARTIFACTS / f"skymap_{place}_{kind}.png")
