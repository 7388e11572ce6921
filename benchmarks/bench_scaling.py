"""Cost curves: time and peak memory of a realization against ROI size, energy bins and free parameters.

A realization is what SimulateROI does per seed: a Poisson draw of the baseline model, a refit of
the free parameters and the castro SED at the target. Around the reference ROI (synthetic Draco,
10 x 10 deg at 0.1 deg, 100 MeV - 100 GeV, 4 bins per decade, the default free parameters) one
factor varies at a time: pixel size (0.05-0.2 deg), ROI width (4-20 deg), energy bins (4-40) and
free parameters (2 to all of them). Every point runs in a fresh process (its peak memory is its
own maximum resident set size). Then the realizations per task: a task's first realization also
pays for the Python start, the imports and reading the ROI. Run on one core:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_scaling.py

Writes results/scaling.json (the table, the fitted exponents, the campaign estimate) and
results/scaling.png.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DRACO = (260.05167, 57.91528)
REFERENCE = {"binsz": 0.1, "roiwidth": 10.0, "binsperdec": 4.0, "free": "default"}
#: free-parameter choices: (free_radius deg, free_ts, free_index_ts); "default" is the builtin's
FREE = {"diffuse only": (0.0, np.inf, np.inf), "default": None, "norms": (0.0, 0.0, np.inf), "all": (0.0, 0.0, 0.0)}
POINTS = (
    [("pixel size", {"binsz": b}) for b in (0.2, 0.1, 0.05)]
    + [("ROI width", {"roiwidth": w}) for w in (4.0, 10.0, 20.0)]
    + [("energy bins", {"binsperdec": n / 3.0}) for n in (4, 12, 24, 40)]
    + [("free parameters", {"free": f}) for f in FREE]
)


def one_point(params: dict, repeats: int = 3) -> dict:
    """Median seconds of a realization and peak RSS, in this process."""
    from pyfermijobs.config import builtin_settings, sed_settings
    from pyfermijobs.datasets import build_synthetic_roi
    from pyfermijobs.estimators import compute_sed
    from pyfermijobs.fitting import choose_free, fit_components, free_names, realization
    from pyfermijobs.rng import generator

    template = {
        "selection": {"emin": 100, "emax": 100000},
        "binning": {"binsperdec": params["binsperdec"], "binsz": params["binsz"], "roiwidth": params["roiwidth"]},
        "model": {"src_roiwidth": params["roiwidth"] + 2.0},
    }
    template["binning"]["coordsys"] = "GAL"
    roi = build_synthetic_roi(template, "draco", *DRACO)
    settings = builtin_settings({}, "bench")
    if FREE[params["free"]] is not None:
        settings.update(zip(("free_radius", "free_ts", "free_index_ts"), FREE[params["free"]], strict=True))
    choose_free(roi, settings)
    fit_components(roi, free_names(roi)).apply()
    nfree = sum(len(c.free) for c in roi.components if c.template is not None)
    sed = sed_settings({}, "bench")
    expected = roi.model()
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        compute_sed(realization(roi, None, generator("scaling", seed), expected), "test", *DRACO, sed)
        times.append(time.perf_counter() - start)
    return {
        "pixels": int(roi.geom.npix**2),
        "energy_bins": int(roi.geom.nebins),
        "free_parameters": int(nfree),
        "realization_s": round(float(np.median(times)), 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }


def per_task(counts: tuple[int, ...] = (1, 5, 20, 100)) -> list[dict]:
    """Seconds per realization of a task of n realizations: a fresh process that imports, reads the
    reference ROI from disk and makes n realizations (as SIMULATE_ROI does with a seed chunk)."""
    code = """
import sys, time
t0 = time.perf_counter()
from pyfermijobs.config import sed_settings
from pyfermijobs.fitting import realization
from pyfermijobs.datasets.roi import ROIDataset
from pyfermijobs.estimators import compute_sed
from pyfermijobs.rng import generator
roi, _ = ROIDataset.read(sys.argv[1] + ".fits", sys.argv[1] + ".yaml")
expected = roi.model()
for seed in range(int(sys.argv[2])):
    compute_sed(realization(roi, None, generator("scaling", seed), expected), "test", 260.05167, 57.91528,
                sed_settings({}, "bench"))
"""
    from pyfermijobs.config import builtin_settings
    from pyfermijobs.datasets import build_synthetic_roi
    from pyfermijobs.fitting import choose_free, fit_components, free_names

    template = {
        "selection": {"emin": 100, "emax": 100000},
        "binning": {"binsperdec": 4, "binsz": 0.1, "roiwidth": 10.0, "coordsys": "GAL"},
        "model": {"src_roiwidth": 12.0},
    }
    roi = build_synthetic_roi(template, "draco", *DRACO)
    choose_free(roi, builtin_settings({}, "bench"))
    fit_components(roi, free_names(roi)).apply()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        stem = str(Path(tmp) / "roi")
        roi.write(Path(stem + ".fits"), Path(stem + ".yaml"))
        for n in counts:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code, stem, str(n)], check=True)
            wall = time.perf_counter() - start
            rows.append({"realizations_per_task": n, "task_s": round(wall, 2), "per_realization_s": round(wall / n, 3)})
    return rows


def exponent(x: list[float], y: list[float]) -> float:
    """Slope of log y against log x (least squares)."""
    return round(float(np.polyfit(np.log(x), np.log(y), 1)[0]), 2)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = (
        ("pixels", "ROI pixels", ("pixel size", "ROI width")),
        ("energy_bins", "energy bins", ("energy bins",)),
        ("free_parameters", "free parameters", ("free parameters",)),
    )
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
    for ax, (key, label, factors) in zip(axes, panels, strict=True):
        for factor in factors:
            sel = sorted((r for r in rows if r["factor"] == factor), key=lambda r: r[key])
            ax.loglog([r[key] for r in sel], [r["realization_s"] for r in sel], marker="o", label=f"varying {factor}")
            if factor == "ROI width":  # the default rules free more sources in a wider ROI
                for r in sel:
                    ax.annotate(f"{r['free_parameters']} free", (r[key], r["realization_s"]), fontsize=7)
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel(label)
        ax.set_ylabel("seconds per realization (one core)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("pyfermijobs builtin engine: cost of one realization (draw + refit + castro SED), synthetic sky")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> dict:
    if len(sys.argv) > 2 and sys.argv[1] == "--point":
        print(json.dumps(one_point(json.loads(sys.argv[2]))))
        return {}
    rows = []
    for factor, change in POINTS:
        params = {**REFERENCE, **change}
        proc = subprocess.run(
            [sys.executable, __file__, "--point", json.dumps(params)], check=True, capture_output=True, text=True
        )
        row = {
            "factor": factor,
            **{k: params[k] for k in REFERENCE},
            **json.loads(proc.stdout.strip().splitlines()[-1]),
        }
        print(json.dumps(row), flush=True)
        rows.append(row)
    tasks = per_task()
    for row in tasks:
        print(json.dumps(row), flush=True)

    def fit_of(factor: str, key: str) -> float:
        sel = [r for r in rows if r["factor"] == factor]
        return exponent([r[key] for r in sel], [r["realization_s"] for r in sel])

    reference = next(r for r in rows if r["factor"] == "pixel size" and r["binsz"] == 0.1)
    engine = json.loads((HERE / "results" / "engine.json").read_text())
    ours = reference["realization_s"]
    gammapy = engine["sed_gammapy_s"]  # gammapy's SED of the reference ROI, from bench_engine.py
    campaign = 15 * (1000 + 1000)
    out = {
        "rows": rows,
        "per_task": tasks,
        "exponents": {
            "time vs pixels (pixel size)": fit_of("pixel size", "pixels"),
            "time vs pixels (ROI width)": fit_of("ROI width", "pixels"),
            "time vs energy bins": fit_of("energy bins", "energy_bins"),
            "time vs free parameters": fit_of("free parameters", "free_parameters"),
            "memory vs pixels (ROI width)": exponent(
                [r["pixels"] for r in rows if r["factor"] == "ROI width"],
                [r["peak_rss_mb"] for r in rows if r["factor"] == "ROI width"],
            ),
        },
        "campaign": {
            "what": "15 dwarfs x (1000 null + 1000 random-direction) realizations on the reference ROI, one core",
            "realizations": campaign,
            "ours_cpu_hours": round(campaign * ours / 3600.0, 2),
            "gammapy_cpu_hours_sed_only": round(campaign * gammapy / 3600.0, 1),
            "fermipy_cpu_hours_sed_only": round(campaign * 15.0 / 3600.0, 1),
            "fermipy_cpu_hours_dmpipe_chain": round(campaign * 75.0 / 3600.0, 1),
            "fermipy_source": "fermipy-extra notebooks/draco.ipynb log: GTAnalysis.sed() 16.4 s on a 10 x 10 deg "
            "0.1 deg ROI (15 s in pg1553.ipynb); notebooks/dSphs.ipynb: dmpipe's simulate-roi, 20 realizations "
            "x 2 targets in 25-30 min of batch wall time (75-90 s per realization, upper bound)",
        },
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "scaling.json").write_text(json.dumps(out, indent=2) + "\n")
    plot(rows, HERE / "results" / "scaling.png")
    return out


if __name__ == "__main__":
    result = main()
    if result:
        print(json.dumps({k: result[k] for k in ("exponents", "campaign")}, indent=2))
