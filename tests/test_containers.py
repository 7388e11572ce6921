"""The pipeline inside Docker and podman: every task runs in the pyfermijobs image.

`make test` (scripts/with-docker.sh) starts a private Docker engine, builds the image from a
debootstrapped Debian base, loads it into podman's store and sets PFJ_DOCKER_IMAGE and
PFJ_PODMAN_IMAGE; run alone, these tests skip.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from nextflow_runs import nextflow, sed_arrays, trace_rows

IMAGE = os.environ.get("PFJ_DOCKER_IMAGE")
PODMAN_IMAGE = os.environ.get("PFJ_PODMAN_IMAGE")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not IMAGE, reason="no image built: run through `make test` (scripts/with-docker.sh)"),
]


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()


def test_image_is_labelled_small_and_not_root() -> None:
    labels = docker("image", "inspect", IMAGE, "--format", "{{json .Config.Labels}}")
    assert '"org.opencontainers.image.version":"0.1.0"' in labels
    assert "org.opencontainers.image.source" in labels
    assert docker("image", "inspect", IMAGE, "--format", "{{.Config.User}}") == "pfj"
    size_mb = int(docker("image", "inspect", IMAGE, "--format", "{{.Size}}")) / 1e6
    assert size_mb < 1200, f"image is {size_mb:.0f} MB"
    assert "pyfermijobs" in docker("run", "--rm", IMAGE, "pfj", "--version")
    # no extra CA certificate of the build machine is left in the image
    assert docker("run", "--rm", IMAGE, "sh", "-c", "ls /usr/local/share/ca-certificates | wc -l") == "0"


#: SEDs of a -profile tiny run: the data's and two null realizations'
TINY_SEDS = 1 + 2


@pytest.fixture(scope="session")
def docker_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    launch = tmp_path_factory.mktemp("docker")
    nextflow(launch, "--container", IMAGE, profile="tiny,docker")
    return launch / "results"


def test_pipeline_runs_every_task_in_the_image(docker_results: Path) -> None:
    rows = trace_rows(docker_results)
    assert rows and all(r["status"] == "COMPLETED" for r in rows)
    assert {r["container"] for r in rows} == {IMAGE}
    assert len(sed_arrays(docker_results)) == TINY_SEDS
    assert (docker_results / "report.html").exists()


@pytest.mark.skipif(not PODMAN_IMAGE, reason="no image in podman's store: run through `make test`")
def test_podman_profile_runs_every_task_in_the_image(tmp_path: Path, docker_results: Path) -> None:
    """-profile tiny,podman: rootful podman (runc, cgroupfs, containers/podman/containers.conf's ulimits),
    launched where pyfermijobs is not installed: the master is checked in the image, its whole folder staged."""
    launch = tmp_path / "podman"
    proc = nextflow(launch, "--container", PODMAN_IMAGE, profile="tiny,podman", with_pfj=False)
    assert "master configuration not checked on this machine" in proc.stdout
    assert "with the master's whole folder" in proc.stdout
    results = launch / "results"
    rows = trace_rows(results)
    assert rows and all(r["status"] == "COMPLETED" for r in rows)
    assert {r["container"] for r in rows} == {PODMAN_IMAGE}
    wrappers = list(launch.glob("work/*/*/.command.run"))
    assert wrappers and all("podman run" in w.read_text() for w in wrappers)
    assert (results / "report.html").exists()
    # same image, same seeds: the same SEDs as under Docker
    ours, docker_seds = sed_arrays(results), sed_arrays(docker_results)
    assert ours.keys() == docker_seds.keys() and len(ours) == TINY_SEDS
    for name, arrays in ours.items():
        for column, values in arrays.items():
            np.testing.assert_allclose(
                values, docker_seds[name][column], rtol=1e-9, atol=1e-12, err_msg=f"{name} {column}"
            )


def test_fermipy_steps_are_routed_to_the_fermitools_image(tmp_path) -> None:
    """One -stub-run shows which image each task gets (a retagged pyfermijobs image stands in for
    Fermitools): the hybrid (backend fermipy, sim_backend builtin) sends the data's fermipy steps to the
    Fermitools image and the control studies' to the pyfermijobs image, both routes of
    conf/modules.config's ``ext.images[meta.backend]`` in one run. (That a study's meta.backend is
    sim_backend: tests/test_pipeline_files.py.)"""
    from fermipy_configs import fermipy_master

    stand_in = "pfj-fermitools-stand-in:test"
    docker("tag", IMAGE, stand_in)
    master = fermipy_master(tmp_path, profile="tiny", backend="fermipy", sim_backend="builtin", random="{}")
    random = "seed: 0\nnsims: 2\nstep_x: 0.5\nstep_y: 0.5\nmax_x: 1.0\nmax_y: 1.0\n"
    (master.parent / "config/random_tiny.yaml").write_text(random)
    launch = tmp_path / "routed"
    args = ("--master", str(master), "--container", IMAGE, "--fermitools_container", stand_in, "-stub-run")
    nextflow(launch, *args, profile="tiny,docker")
    images: dict[str, set[str]] = {}
    for row in trace_rows(launch / "results"):
        images.setdefault(row["process"].split(":")[-1], set()).add(row["container"])
    assert {p for p, used in images.items() if stand_in in used} == {"ANALYZE_ROI", "ANALYZE_SED"}
    for process in ("SIMULATE_ROI", "ANALYZE_SED_RANDOM", "COPY_BASE_ROI", "COLLECT_SED"):
        assert images[process] == {IMAGE}, process
    # an image that is not there stops the run before any task
    proc = nextflow(
        tmp_path / "missing",
        "--master",
        str(master),
        "--fermitools_container",
        "nosuch:0",
        profile="tiny,docker",
        check=False,
    )
    assert proc.returncode != 0
    assert "the Fermitools image 'nosuch:0' is not on this Docker engine" in proc.stdout + proc.stderr
    assert not list((tmp_path / "missing").glob("work/*/*"))
