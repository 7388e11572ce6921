"""What the engine benchmarks time the same way: realizations and SEDs, ours and gammapy's."""

from __future__ import annotations

import time
import warnings

import numpy as np

from pyfermijobs.config import sed_settings
from pyfermijobs.estimators import compute_sed, prepare
from pyfermijobs.fitting import realization
from pyfermijobs.rng import generator


def ours(roi, ra: float, dec: float, repeats: int) -> tuple[list[float], float]:
    """Seconds of each realization (Poisson draw + refit + SED at (ra, dec)), and of the data's SED."""
    settings = sed_settings({}, "bench")
    expected = roi.model()
    times = []
    for seed in range(repeats):
        t0 = time.perf_counter()
        compute_sed(realization(roi, None, generator("bench", seed), expected), "test", ra, dec, settings)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    compute_sed(roi, "test", ra, dec, settings)
    return times, time.perf_counter() - t0


def gammapy_sed(roi, ra: float, dec: float) -> float:
    """Seconds of gammapy's FluxPointsEstimator for the same SED (same bins, free parameters, reoptimised)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import astropy.units as u
        from gammapy.estimators import FluxPointsEstimator

        from pyfermijobs.io import to_mapdataset

        setup = prepare(roi, "test", ra, dec, 2.0)
        dataset = to_mapdataset(roi, {*(fc.name for fc in setup.nuisance), "test"}, [setup.test])
        estimator = FluxPointsEstimator(
            energy_edges=np.asarray(roi.geom.energy_edges) * u.MeV,
            source="test",
            selection_optional=["errn-errp", "ul", "scan"],
            reoptimize=True,
            norm={"scan_values": np.linspace(0, 10, 20), "min": 0.0},
        )
        t0 = time.perf_counter()
        estimator.run([dataset])
        return time.perf_counter() - t0
