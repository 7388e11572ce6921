"""Real-data benchmark: the 3FHL Galactic-centre data set through the builtin engine, against gammapy.

The ROI is the largest square inside the Galactic model cutout's footprint: 7.5 x 7.5 deg at
(l, b) = (0, 0), 0.05 deg pixels (150 x 150), the counts cube's 11 bins from 10 to 500 GeV, the
3FHL sources, gll_iem_v06 and the isotropic model; the box's full 400 x 200 grid reaches beyond
the Galactic model cutout. In the same run: our baseline fit, one realization (Poisson draw +
refit + SED) and the SED, and gammapy's Fit and FluxPointsEstimator on the same dataset (same
free parameters, same bins). Run on one core:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PFJ_LAT_DATA=../shared/lat-data .venv/bin/python benchmarks/bench_lat.py

Peak memory is the process's maximum resident set size after our part (before gammapy is imported).
"""

from __future__ import annotations

import json
import os
import resource
import time
import warnings
from pathlib import Path

import numpy as np
import timing

from pyfermijobs.config import builtin_settings
from pyfermijobs.datasets import to_icrs
from pyfermijobs.datasets.lat_data import build_lat_roi
from pyfermijobs.fitting import choose_free, fit_components, free_names

LAT = Path(os.environ.get("PFJ_LAT_DATA") or Path(__file__).resolve().parents[2] / "shared" / "lat-data")
GC = LAT / "3fhl-gc"
CONFIG = {
    "selection": {"emin": 10000, "emax": 500000},
    "binning": {
        "binsz": 0.05,
        "roiwidth": 7.5,
        "binsperdec": float(11 / np.log10(50)),
        "coordsys": "GAL",
        "proj": "CAR",
    },
    "model": {
        "galdiff": str(GC / "gll_iem_v06_gc.fits.gz"),
        "isodiff": str(GC / "iso_P8R2_SOURCE_V6_v06.txt"),
        "catalogs": [str(LAT / "catalogs" / "gll_psch_v13.fit.gz")],
    },
}
DATA = {
    "counts": str(GC / "fermi-3fhl-gc-counts-cube.fits.gz"),
    "exposure": str(GC / "fermi-3fhl-gc-exposure-cube.fits.gz"),
    "psf": str(GC / "fermi-3fhl-gc-psf-cube.fits.gz"),
}


def main(repeats: int = 5) -> dict:
    ra, dec = (float(v) for v in to_icrs(0.0, 0.0, "GAL"))
    t0 = time.perf_counter()
    roi = build_lat_roi(CONFIG, DATA, "gc", ra, dec, GC / "config.yaml")
    build = time.perf_counter() - t0
    choose_free(roi, builtin_settings({}, "bench"))
    t0 = time.perf_counter()
    fit_components(roi, free_names(roi)).apply()
    baseline_fit = time.perf_counter() - t0
    times, ours_sed = timing.ours(roi, ra, dec, repeats)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from gammapy.modeling import Fit

        from pyfermijobs.io import to_mapdataset

        baseline = to_mapdataset(roi, set(free_names(roi)), [])
        t0 = time.perf_counter()
        Fit().run([baseline])
        gammapy_fit = time.perf_counter() - t0
    gammapy_sed = timing.gammapy_sed(roi, ra, dec)

    return {
        "roi": "3FHL GC data (real photons): 7.5 x 7.5 deg at (0, 0), 0.05 deg (150 x 150), 11 bins 10-500 GeV",
        "counts": int(roi.counts.sum()),
        "components": len(roi.components),
        "free_parameters": len(free_names(roi)),
        "build_roi_s": round(build, 3),
        "baseline_fit_s": round(baseline_fit, 3),
        "baseline_fit_gammapy_s": round(gammapy_fit, 3),
        "realization_s_median": round(float(np.median(times)), 3),
        "sed_ours_s": round(ours_sed, 3),
        "sed_gammapy_s": round(gammapy_sed, 3),
        "speedup_fit_vs_gammapy": round(gammapy_fit / baseline_fit, 1),
        "speedup_sed_vs_gammapy": round(gammapy_sed / ours_sed, 1),
        "peak_rss_mb_ours": round(peak_mb, 1),
    }


if __name__ == "__main__":
    out = main()
    print(json.dumps(out, indent=2))
    Path(__file__).with_name("results").mkdir(exist_ok=True)
    Path(__file__).with_name("results").joinpath("lat.json").write_text(json.dumps(out, indent=2) + "\n")
