"""Pipeline overhead: how much of a run's wall time is spent outside the Python steps.

Runs ``nextflow run . -profile <profile>`` in a fresh launch folder and reads its trace: the
Python steps' time is each task's ``realtime`` (the task script: staging by symlinks, the
``pfj`` step, harvesting its files); the rest of the wall time x cores is overhead (JVM start,
scheduling, publishing). Also times the JVM start alone (``nextflow -version``) and the
Python start of a task (``pfj --version``), and the same run as ``-stub-run`` (its ratio to the
real run's wall time):

    .venv/bin/python benchmarks/bench_pipeline.py test demo
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NEXTFLOW = os.environ.get("PFJ_NEXTFLOW") or str(REPO / "scripts/nextflow/nextflow")
CORES = os.cpu_count() or 1


def seconds(text: str) -> float:
    """Nextflow duration ('1m 2s', '850ms', '3.4s') in seconds."""
    total = 0.0
    for value, unit in re.findall(r"([\d.]+)\s*(ms|s|m|h)", text):
        total += float(value) * {"ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}[unit]
    return total


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def run(profile: str) -> dict:
    launch = Path(tempfile.mkdtemp(prefix=f"bench-{profile}-"))
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "NXF_ANSI_LOG": "false",
        "NXF_HOME": str(REPO / "tools/nextflow/home"),
    }
    start = time.perf_counter()
    subprocess.run(
        [NEXTFLOW, "run", str(REPO), "-profile", profile, "--outdir", str(launch / "results")],
        cwd=launch,
        env=env,
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    # the same run as -stub-run (placeholders only): the share of the wall time that is orchestration
    stub = Path(tempfile.mkdtemp(prefix=f"bench-{profile}-stub-"))
    start = time.perf_counter()
    subprocess.run(
        [NEXTFLOW, "run", str(REPO), "-profile", profile, "--outdir", str(stub / "results"), "-stub-run"],
        cwd=stub,
        env=env,
        check=True,
        capture_output=True,
    )
    stub_wall = time.perf_counter() - start
    trace = next((launch / "results/pipeline_info").glob("execution_trace_*.txt"))
    rows = list(csv.DictReader(trace.open(), delimiter="\t"))
    task_time = sum(seconds(r["realtime"]) for r in rows)
    sims = [seconds(r["realtime"]) for r in rows if r["process"].endswith(("SIMULATE_ROI", "ANALYZE_SED_RANDOM"))]
    fits = [seconds(r["realtime"]) for r in rows if r["process"].endswith(":ANALYZE_ROI")]
    return {
        "profile": profile,
        "tasks": len(rows),
        "wall_s": round(wall, 1),
        "stub_run_wall_s": round(stub_wall, 1),
        "stub_over_real": round(stub_wall / wall, 3),
        "task_time_s": round(task_time, 1),
        "cores": CORES,
        "share_outside_python_steps": round(1.0 - task_time / (wall * CORES), 3),
        "median_realization_task_s": round(sorted(sims)[len(sims) // 2], 1) if sims else None,
        "median_analyze_roi_task_s": round(sorted(fits)[len(fits) // 2], 1) if fits else None,
        "jvm_start_s": round(timed([NEXTFLOW, "-version"], env), 2),
        "python_task_start_s": round(timed([str(Path(sys.executable).parent / "pfj"), "--version"], env), 2),
    }


if __name__ == "__main__":
    results = [run(p) for p in (sys.argv[1:] or ["test"])]
    print(json.dumps(results, indent=2))
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps(results, indent=2) + "\n")
