"""Dark-matter stage benchmark: its cost per realization against SimulateROI's, in the same run.

A realization of the issue's reference ROI (synthetic Draco, 10 x 10 deg at 0.1 deg, 100 MeV -
100 GeV, 4 bins per decade) is a Poisson draw, a refit and a castro SED. The dark-matter stage then
does, per realization and target: read the castro, convert it for the official example's 12
channels x 13 masses under two J-factor priors (none, lgauss_like), compute the limits and write the
dmlike/dmlimits files; and per realization and roster the stacking, here counted once per target
(a roster of one). Goal (issue 16): under 10% of a realization. Run on one core:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_darkmatter.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from pyfermijobs.config import builtin_settings, sed_settings
from pyfermijobs.darkmatter.castro import CastroLikelihood
from pyfermijobs.darkmatter.likelihood import convert_priors
from pyfermijobs.darkmatter.limits import limits
from pyfermijobs.darkmatter.spectra import CHANNELS, spec_table
from pyfermijobs.datasets import build_synthetic_roi
from pyfermijobs.estimators import compute_sed
from pyfermijobs.fitting import choose_free, fit_components, free_names, realization
from pyfermijobs.io.dm_fits import read_dmlike, write_dmlike, write_limits
from pyfermijobs.rng import generator

DRACO = (260.05167, 57.91528)
J0, JSIGMA = 10**18.8, 0.16
TEMPLATE = {
    "selection": {"emin": 100, "emax": 100000},
    "binning": {"binsperdec": 4, "binsz": 0.1, "roiwidth": 10.1, "coordsys": "GAL"},
    "model": {"src_roiwidth": 12.0},
}


def main(repeats: int = 10) -> dict:
    roi = build_synthetic_roi(TEMPLATE, "draco", *DRACO)
    choose_free(roi, builtin_settings({}, "bench"))
    fit_components(roi, free_names(roi)).apply()
    settings = sed_settings({}, "bench")
    expected = roi.model()
    table = spec_table(list(CHANNELS), np.logspace(1, 4, 13), roi.geom.emin, roi.geom.emax)
    phi = table.eflux_per_unit()
    sim_times, dm_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(repeats):
            t0 = time.perf_counter()
            product = compute_sed(realization(roi, None, generator("bench", seed), expected), "test", *DRACO, settings)
            sim_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            castro = CastroLikelihood.from_sed(product.sed)
            likes = convert_priors(castro, phi, table.channels, table.masses, J0, JSIGMA, ["none", "lgauss_like"])
            for prior, like in likes.items():  # as convert-castro does: one reading, both priors
                path = Path(tmp) / f"dmlike_{prior}_{seed}.fits"
                write_dmlike(path, like, {"SEED": seed})
                write_limits(Path(tmp) / f"dmlimits_{prior}_{seed}.fits", limits(like), {"SEED": seed})
                stacked, _ = read_dmlike(path)  # the stacking: read, add (a roster of one), limits
                limits(stacked + stacked)
            dm_times.append(time.perf_counter() - t0)
    sim, dm = float(np.median(sim_times)), float(np.median(dm_times))
    return {
        "roi": "synthetic Draco, 10 x 10 deg at 0.1 deg, 100 MeV - 100 GeV, 12 bins",
        "dark matter": "12 channels x 13 masses x 2 priors, convert + limits + files + stacking",
        "realization_s_median": round(sim, 3),
        "darkmatter_s_median": round(dm, 4),
        "ratio": round(dm / sim, 4),
        "repeats": repeats,
    }


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    out = Path(__file__).parent / "results" / "darkmatter.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
