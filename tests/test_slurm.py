"""The slurm profile against a real one-node SLURM cluster (scripts/slurm-cluster.sh).

One run of the tiny profile with every task submitted by sbatch; while it runs, one SLURM job
is cancelled with scancel, which Nextflow must retry; then -resume caches everything.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from conftest import REPO
from nextflow_runs import NEXTFLOW, nextflow_env, trace_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    if os.geteuid() != 0:
        pytest.skip("the one-node SLURM cluster needs root to start munged and slurmd")
    state = tmp_path_factory.mktemp("slurm")
    proc = subprocess.run([str(REPO / "scripts/slurm-cluster.sh"), "start", str(state)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"SLURM daemons could not start here: {proc.stderr.strip()[-500:]}")
    conf = proc.stdout.strip().split("=", 1)[1]
    yield conf
    subprocess.run([str(REPO / "scripts/slurm-cluster.sh"), "stop", str(state)], check=False)


@pytest.fixture(scope="session")
def slurm_run(cluster: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    launch = tmp_path_factory.mktemp("slurm-run")
    fast = launch / "fast-poll.config"
    # quick polling; SIMULATE_ROI jobs last long enough to be caught running and cancelled
    fast.write_text(
        "executor { pollInterval = '1 sec'; queueStatInterval = '2 sec' }\n"
        "process { withName: '.*SIMULATE_ROI' { beforeScript = 'sleep 6' } }\n"
    )
    env = {**nextflow_env(launch / ".nxf-home"), "SLURM_CONF": cluster}
    cmd = [
        NEXTFLOW,
        "run",
        str(REPO),
        "-profile",
        "tiny,slurm",
        "--outdir",
        str(launch / "results"),
        "-c",
        str(fast),
        "--slurm_submit_rate",
        "100/1s",
    ]
    proc = subprocess.Popen(cmd, cwd=launch, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    cancelled = None
    deadline = time.monotonic() + 600
    while cancelled is None and time.monotonic() < deadline and proc.poll() is None:
        out = subprocess.run(
            ["squeue", "-h", "-t", "RUNNING", "-o", "%i %j"], env=env, capture_output=True, text=True
        ).stdout.split("\n")
        running = [line.split()[0] for line in out if "SIMULATE_ROI" in line]
        if running:
            time.sleep(1.0)  # let the task script start, then cancel the job
            subprocess.run(["scancel", running[0]], env=env, check=True)
            cancelled = running[0]
        time.sleep(0.3)
    output, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, output[-3000:]
    assert cancelled, "a running SLURM job was cancelled"
    (launch / "cancelled").write_text(cancelled)
    return launch


def test_every_task_went_through_sbatch(slurm_run: Path) -> None:
    rows = trace_rows(slurm_run / "results")
    assert rows and all(r["native_id"].isdigit() for r in rows), "native_id holds SLURM job ids"
    done = [r for r in rows if r["status"] == "COMPLETED"]
    assert len({r["native_id"] for r in rows}) == len(rows)
    assert (slurm_run / "results/report.html").exists() and len(done) >= 11  # every task of -profile tiny


def test_cancelled_job_was_retried(slurm_run: Path) -> None:
    rows = trace_rows(slurm_run / "results")
    cancelled = (slurm_run / "cancelled").read_text()
    killed = [r for r in rows if r["native_id"] == cancelled]
    assert killed and killed[0]["status"] == "FAILED" and killed[0]["exit"] in {str(c) for c in range(130, 146)}
    retried = [r for r in rows if r["name"] == killed[0]["name"] and r["attempt"] == "2"]
    assert retried and retried[0]["status"] == "COMPLETED"


def test_resume_on_slurm_caches_everything(slurm_run: Path, cluster: str) -> None:
    env = {**nextflow_env(slurm_run / ".nxf-home"), "SLURM_CONF": cluster}
    subprocess.run(
        [NEXTFLOW, "run", str(REPO), "-profile", "tiny,slurm", "--outdir", str(slurm_run / "results"), "-resume"],
        cwd=slurm_run,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    rows = trace_rows(slurm_run / "results")
    assert rows and all(r["status"] == "CACHED" for r in rows)
