"""The LAT release profile (``assets/lat_dsph2017``): its whole dark-matter stage, and dmpipe's way.

Times ``pfj chain`` on the profile (45 released likelihoods x 12 channels x 21 masses x 2 J priors:
read, spectra tables, conversion, stacking, limits, plots, report) as one process, and optionally
``nextflow run -profile lat_dsph2017`` (``--nextflow``). The reference, measured in the same run:
dmpipe's conversion of one castro for one channel over the same masses with a J prior (fermipy's
``CastroData``, dmsky's ``LGaussLikePrior`` and dmpipe's profile over J, as ``dmpipe-convert-castro``
does it), scaled to the profile's (target, channel, prior) count. Goal (issue 24): the whole
profile under 2 minutes on 2 cores. Run:

    PFJ_LAT_DATA=../shared/lat-data .venv/bin/python benchmarks/bench_dsph2017.py [--nextflow]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LAT = Path(os.environ.get("PFJ_LAT_DATA") or REPO.parent / "shared" / "lat-data")
MASSES = [6, 7.746, 10, 15.81, 25, 35.36, 50, 70.7, 100, 158.1, 250, 353.6, 500, 707, 1000, 1581, 2500]
MASSES += [3536, 5000, 7070, 10000]
TARGETS, CHANNELS, PRIORS = 45, 12, 2


def chain_seconds(out: Path) -> float:
    env = {**os.environ, "PFJ_LAT_DATA": str(LAT)}
    t0 = time.perf_counter()
    subprocess.run(
        [str(REPO / ".venv/bin/pfj"), "chain", "--master", str(REPO / "assets/lat_dsph2017/master.yaml"),
         "--outdir", str(out)],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - t0


def nextflow_seconds(launch: Path) -> float:
    nextflow = shutil.which("nextflow") or str(REPO / "scripts/nextflow/nextflow")
    env = {**os.environ, "PATH": f"{REPO / '.venv/bin'}:{os.environ['PATH']}", "NXF_OFFLINE": "true"}
    launch.mkdir(parents=True)
    t0 = time.perf_counter()
    subprocess.run(
        [nextflow, "run", str(REPO), "-profile", "lat_dsph2017", "--lat_data", str(LAT), "--outdir",
         str(launch / "results")],
        check=True, env=env, cwd=launch, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - t0


def dmpipe_seconds() -> float:
    """dmpipe's recipe for Draco, b bbar, the profile's masses, J prior lgauss_like: per mass a
    200-point scan of the castro and a profile over J with dmsky's prior (fermipy's LnLFn_norm_prior)."""
    import warnings

    from dmsky.priors import create_prior_functor
    from fermipy.castro import CastroData, LnLFn
    from fermipy.spectrum import DMFitFunction
    from fermipy.stats_utils import LnLFn_norm_prior

    from pyfermijobs.darkmatter.spectra import J_REF, SIGMAV_REF, bin_integrals
    from pyfermijobs.io.castro_files import read_castro

    sed, _ = read_castro(LAT / "dsph-likelihoods-2017/like_draco.txt")
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        DMFitFunction([SIGMAV_REF, 100.0], chan="bb", jfactor=J_REF)
        castro = CastroData(
            sed["norm_scan"], -sed["dloglike_scan"], _ref_spec(sed), "eflux"
        )  # fermipy's negative log-likelihood
        j0, sigma = 6.92e18, 0.13
        prior = create_prior_functor({"functype": "lgauss_like", "mu": j0, "sigma": sigma, "scale": j0})
        for mass in MASSES:
            _, eflux = bin_integrals("bb", mass, sed["e_min"], sed["e_max"])
            phi = eflux / (SIGMAV_REF * J_REF) * j0 / sed["ref_eflux"]
            norms = np.logspace(-30, -20, 200)
            nll = np.array([castro(n * phi[None, :])[0] for n in norms])
            LnLFn_norm_prior(LnLFn(norms, nll - nll.min(), "dummy"), prior)(norms)
    return time.perf_counter() - t0


def _ref_spec(sed: dict) -> object:
    from fermipy.castro import ReferenceSpec

    return ReferenceSpec(
        sed["e_min"], sed["e_max"], sed["ref_dnde"], sed["ref_flux"], sed["ref_eflux"], np.ones(len(sed["e_min"])),
        eref=sed["e_ref"],
    )  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours = chain_seconds(Path(tmp) / "chain")
        reference = dmpipe_seconds()
        row = {
            "profile": "lat_dsph2017: 45 released likelihoods x 12 channels x 21 masses x 2 priors",
            "pfj_chain_s": round(ours, 1),
            "dmpipe_one_target_channel_prior_s": round(reference, 2),
            "dmpipe_scaled_to_profile_s": round(reference * TARGETS * CHANNELS * PRIORS, 0),
            "ratio_ours_over_dmpipe": round(ours / (reference * TARGETS * CHANNELS * PRIORS), 4),
            "goal_s": 120,
            "cores": os.cpu_count(),
        }
        if "--nextflow" in sys.argv:
            row["nextflow_run_s"] = round(nextflow_seconds(Path(tmp) / "nf"), 1)
    print(json.dumps(row, indent=1))
    out = REPO / "benchmarks/results/dsph2017.json"
    out.write_text(json.dumps(row, indent=1) + "\n")


if __name__ == "__main__":
    main()
