"""TS map speed: a point source of index 2 at every pixel of the reference ROI, one core.

10 x 10 deg at 0.1 deg (10,000 positions), 100 MeV - 100 GeV, 4 bins per decade, synthetic
Draco sky; goal under 3 s (issue 17; it was 30 s). Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from pyfermijobs.config import builtin_settings
from pyfermijobs.datasets import build_synthetic_roi
from pyfermijobs.estimators import ts_map
from pyfermijobs.fitting import choose_free, fit_components, free_names

TEMPLATE = {
    "selection": {"emin": 100, "emax": 100000},
    "binning": {"binsperdec": 4, "binsz": 0.1, "roiwidth": 10.0, "coordsys": "GAL"},
    "model": {"src_roiwidth": 12.0},
}

if __name__ == "__main__":
    roi = build_synthetic_roi(TEMPLATE, "draco", 260.05167, 57.91528)
    choose_free(roi, builtin_settings({}, "bench"))
    fit_components(roi, free_names(roi)).apply()
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        ts_map(roi)
        runs.append(time.perf_counter() - start)
    out = {
        "roi": "10 x 10 deg, 0.1 deg, 100 MeV-100 GeV, 4 bins/decade",
        "positions": roi.geom.npix**2,
        "tsmap_s_min": round(min(runs), 2),
        "tsmap_s_max": round(max(runs), 2),
        "goal_s": 3,
    }
    print(json.dumps(out, indent=2))
    Path(__file__).with_name("results").joinpath("tsmap.json").write_text(json.dumps(out, indent=2) + "\n")
