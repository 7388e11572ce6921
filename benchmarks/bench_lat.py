"""Real-data benchmark: the 3FHL Galactic-centre box through the builtin engine, against gammapy.

The ROI is the whole counts cube, as issue 15 asks: 400 x 200 pixels of 0.05 deg around
(l, b) = (0, 0), its 11 bins from 10 to 500 GeV, the 3FHL sources inside, and gammapy's
Galactic + isotropic background cube as the diffuse model (the shipped Galactic model cutout
covers only |l| < 7.5 deg, -4.1 < b < 3.9 deg). In the same run: our baseline fit, realizations
(Poisson draw + refit + SED at (0, 0)) and the SED, and gammapy's Fit and FluxPointsEstimator on
the same dataset (same free parameters, same bins). Run on one core:

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
from pyfermijobs.datasets.lat_data import cube_roi
from pyfermijobs.fitting import choose_free, fit_components, free_names

LAT = Path(os.environ.get("PFJ_LAT_DATA") or Path(__file__).resolve().parents[2] / "shared" / "lat-data")
GC = LAT / "3fhl-gc"


def main(repeats: int = 5) -> dict:
    ra, dec = (float(v) for v in to_icrs(0.0, 0.0, "GAL"))
    t0 = time.perf_counter()
    roi = cube_roi(
        GC / "fermi-3fhl-gc-counts-cube.fits.gz",
        GC / "fermi-3fhl-gc-exposure-cube.fits.gz",
        GC / "fermi-3fhl-gc-psf-cube.fits.gz",
        background=GC / "fermi-3fhl-gc-background-cube.fits.gz",
        catalog=str(LAT / "catalogs" / "gll_psch_v13.fit.gz"),
    )
    build = time.perf_counter() - t0
    choose_free(roi, builtin_settings({}, "bench"))
    t0 = time.perf_counter()
    fit_components(roi, free_names(roi), with_index=False)  # gammapy's fit below frees the same norms
    norms_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    fit_components(roi, free_names(roi)).apply()  # the baseline: indices of the bright sources too
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
        "roi": "3FHL GC box (real photons): 20 x 10 deg at (0, 0), 0.05 deg (400 x 200), 11 bins 10-500 GeV",
        "counts": int(roi.counts.sum()),
        "components": len(roi.components),
        "free_components": len(free_names(roi)),
        "free_parameters": sum(len(c.free) for c in roi.components),
        "build_roi_s": round(build, 3),
        "baseline_fit_s": round(baseline_fit, 3),
        "fit_norms_s": round(norms_fit, 3),
        "fit_norms_gammapy_s": round(gammapy_fit, 3),
        "realization_s_median": round(float(np.median(times)), 3),
        "sed_ours_s": round(ours_sed, 3),
        "sed_gammapy_s": round(gammapy_sed, 3),
        "speedup_fit_vs_gammapy": round(gammapy_fit / norms_fit, 1),
        "speedup_sed_vs_gammapy": round(gammapy_sed / ours_sed, 1),
        "peak_rss_mb_ours": round(peak_mb, 1),
    }


if __name__ == "__main__":
    out = main()
    print(json.dumps(out, indent=2))
    Path(__file__).with_name("results").mkdir(exist_ok=True)
    Path(__file__).with_name("results").joinpath("lat.json").write_text(json.dumps(out, indent=2) + "\n")
