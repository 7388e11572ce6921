"""Running the pipeline from tests: which Nextflow, its environment, a run in its own launch folder.

A helper module (not a test module) so that every test file that drives Nextflow shares it.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from pyfermijobs.io import read_sed

NEXTFLOW = os.environ.get("PFJ_NEXTFLOW") or shutil.which("nextflow") or "scripts/nextflow/nextflow"
if "/" in NEXTFLOW and not os.path.isabs(NEXTFLOW):  # relative to the repository (as make passes it)
    NEXTFLOW = str(REPO / NEXTFLOW)
LIB = REPO / "tools/nextflow/lib"


def require_nextflow() -> None:
    """Fail (never skip) without a Nextflow: `make test` installs one."""
    if not (shutil.which("nextflow") or LIB.exists() or os.environ.get("PFJ_NEXTFLOW")):
        pytest.fail("no Nextflow: run `make nextflow` (installs it from Maven Central)")


def nextflow_env(home: Path, with_pfj: bool = True) -> dict[str, str]:
    """This interpreter's pfj first on PATH (``with_pfj=False``: off PATH, as on a machine with
    Nextflow and a container engine only), a private NXF_HOME, offline, plain logs, a quick JVM."""
    env = dict(os.environ)
    venv = Path(sys.executable).parent
    if with_pfj:
        env["PATH"] = f"{venv}:{env.get('PATH', '')}"
    else:
        env["PATH"] = ":".join(p for p in env.get("PATH", "").split(":") if p and Path(p).resolve() != venv.resolve())
    env["NXF_HOME"] = str(home)
    env["NXF_OFFLINE"] = "true"
    env["NXF_ANSI_LOG"] = "false"
    # Nextflow's JVM without its optimising JIT compiler: a run of a minute spends half its CPU
    # compiling otherwise (-profile tiny: 65 s -> 37 s of CPU, measured here)
    env.setdefault("NXF_OPTS", "-XX:TieredStopAtLevel=1")
    return env


def nextflow(
    launch: Path, *args: str, profile: str = "test", check: bool = True, timeout: int = 900, with_pfj: bool = True
) -> subprocess.CompletedProcess:
    """``nextflow run`` of this repository in ``launch`` (its own work/ and .nextflow/), results in
    ``launch/results``; with ``check`` a non-zero exit fails the test with the log's tail."""
    launch.mkdir(parents=True, exist_ok=True)
    cmd = [NEXTFLOW, "run", str(REPO), "-profile", profile, "--outdir", str(launch / "results"), *args]
    proc = subprocess.run(
        cmd,
        cwd=launch,
        env=nextflow_env(launch / ".nxf-home", with_pfj),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"nextflow failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def trace_rows(results: Path) -> list[dict[str, str]]:
    """Rows of the newest trace file."""
    newest = max((results / "pipeline_info").glob("execution_trace_*.txt"), key=lambda p: p.stat().st_mtime)
    with newest.open() as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def sed_arrays(results: Path) -> dict[str, dict[str, np.ndarray]]:
    """The numbers of every per-target and per-realization SED a run wrote, by relative path."""
    out = {}
    for path in sorted(results.rglob("sed_*.fits")):
        if "collected" in path.name or "summary" in path.name:
            continue
        data, _ = read_sed(path)
        out[str(path.relative_to(results))] = {k: data[k] for k in ("norm", "norm_ul", "ts", "dloglike_scan")}
    return out
