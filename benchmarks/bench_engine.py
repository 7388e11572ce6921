"""Engine benchmark: one realization (Poisson draw + refit + SED) against gammapy's SED.

The ROI is the issue's reference: 10 x 10 deg at 0.1 deg, 100 MeV - 100 GeV with 4 bins per
decade, the 4FGL-DR4 sources and both diffuse components (synthetic Draco sky). In the same
run it times gammapy's FluxPointsEstimator building the same SED (same energy bins, same
free parameters, reoptimised) on the same ROI, and reports the ratio. Run on one core:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_engine.py

Peak memory is the process's maximum resident set size (ru_maxrss), measured after our
part only (before gammapy is imported).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import timing

from pyfermijobs.config import builtin_settings
from pyfermijobs.datasets import build_synthetic_roi
from pyfermijobs.fitting import choose_free, fit_components, free_names

DRACO = (260.05167, 57.91528)
TEMPLATE = {
    "selection": {"emin": 100, "emax": 100000},
    "binning": {"binsperdec": 4, "binsz": 0.1, "roiwidth": 10.1, "coordsys": "GAL"},
    "model": {"src_roiwidth": 12.0},
}


def main(repeats: int = 10) -> dict:
    t0 = time.perf_counter()
    roi = build_synthetic_roi(TEMPLATE, "draco", *DRACO)
    build = time.perf_counter() - t0
    choose_free(roi, builtin_settings({}, "bench"))
    t0 = time.perf_counter()
    fit_components(roi, free_names(roi)).apply()
    baseline_fit = time.perf_counter() - t0
    times, ours_sed = timing.ours(roi, *DRACO, repeats)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    gammapy_sed = timing.gammapy_sed(roi, *DRACO)

    result = {
        "roi": "10.1 x 10.1 deg, 0.1 deg pixels, 100 MeV-100 GeV, 4 bins/decade, synthetic Draco sky",
        "components": len(roi.components),
        "free_parameters": len(free_names(roi)),
        "build_synthetic_roi_s": round(build, 3),
        "baseline_fit_s": round(baseline_fit, 3),
        "realization_s_median": round(float(np.median(times)), 3),
        "realization_s_max": round(float(np.max(times)), 3),
        "sed_ours_s": round(ours_sed, 3),
        "sed_gammapy_s": round(gammapy_sed, 3),
        "speedup_sed_vs_gammapy": round(gammapy_sed / ours_sed, 1),
        "speedup_realization_vs_gammapy_sed": round(gammapy_sed / float(np.median(times)), 1),
        "peak_rss_mb_ours": round(peak_mb, 1),
    }
    return result


if __name__ == "__main__":
    out = main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    print(json.dumps(out, indent=2))
    Path(__file__).with_name("results").mkdir(exist_ok=True)
    Path(__file__).with_name("results").joinpath("engine.json").write_text(json.dumps(out, indent=2) + "\n")
