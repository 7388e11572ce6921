"""The Nextflow pipeline, driven by pytest with a real Nextflow (scripts/nextflow, Maven Central).

Each run happens in its own launch folder (its own work/ and .nextflow/), on the test profile:
the synthetic sky, two dwarfs, small ROIs, null and injected simulations, random directions.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from nextflow_runs import NEXTFLOW, nextflow, nextflow_env, require_nextflow, sed_arrays, trace_rows

from pyfermijobs.io import read_sed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_nextflow()
    launch = tmp_path_factory.mktemp("pipeline")
    nextflow(launch)
    return launch


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """-profile tiny (one dwarf, one null study of two realizations in two tasks): what the
    orchestration tests (resume, kill, retry) compare against."""
    require_nextflow()
    launch = tmp_path_factory.mktemp("tiny")
    nextflow(launch, profile="tiny")
    return launch


def tiny_copy(tmp_path: Path) -> Path:
    """The tiny profile's configuration, copied to be edited: its master file."""
    config = tmp_path / "config"
    shutil.copytree(REPO / "assets/tiny", config)
    return config / "master.yaml"


def test_test_profile_completes_with_fermipy_layout(full_run: Path) -> None:
    import warnings

    results = full_run / "results"
    for target in ("draco", "ursa_minor"):
        assert (results / f"dSphs/{target}/fit_baseline.fits").exists()
        assert (results / f"dSphs/{target}/sed_nfw_point.png").exists()
        assert (results / f"dSphs/{target}/bands_nfw_point.png").exists()
        for sim in ("null", "pl2", "random"):
            assert len(list((results / f"dSphs_sim/sim_{sim}/{target}").glob("sed_nfw_point_00000?.fits"))) == 4
            assert (results / f"dSphs_sim/sim_{sim}/{target}/sed_nfw_point_summary_000000_000003.fits").exists()
    assert (results / "report.html").exists() and "SYNTHETIC DATA" in (results / "report.html").read_text()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fermipy.castro import CastroData

        castro = CastroData.create_from_sedfile(str(results / "dSphs/draco/sed_nfw_point.fits"), norm_type="eflux")
    assert castro.nx == 4
    rows = trace_rows(results)
    assert rows and all(r["status"] == "COMPLETED" for r in rows)
    processes = {r["process"].split(":")[-1] for r in rows}
    assert {
        "PREPARE_TARGETS",
        "ANALYZE_ROI",
        "ANALYZE_SED",
        "PLOT_CASTRO",
        "COPY_BASE_ROI",
        "SIMULATE_ROI",
        "COLLECT_SED",
        "PLOT_CALIBRATION",
        "RANDOM_DIR_GEN",
        "ANALYZE_SED_RANDOM",
        "COLLECT_SED_RANDOM",
        "COPY_BASE_ROI_RANDOM",
        "PLOT_BANDS",
        "REPORT",
    } <= processes
    # nsims_job = 2: each scenario x target x profile ran as two tasks of two seeds
    assert sum(r["process"].endswith("SIMULATE_ROI") for r in rows) == 2 * 2 * 2
    for name in ("execution_report", "execution_timeline"):
        assert list((results / "pipeline_info").glob(f"{name}_*.html"))
    # the DAG, linked from the report (issue 18)
    dag = results / "pipeline_info/pipeline_dag.html"
    assert dag.exists() and "CONVERT_CASTRO" in dag.read_text()
    assert "href='pipeline_info/pipeline_dag.html'" in (results / "report.html").read_text()
    # the dark-matter stage ran: conversions per chunk, stacks, limits per study, plots
    assert {
        "SPEC_TABLE",
        "CONVERT_CASTRO",
        "STACK_LIKELIHOOD",
        "COLLECT_LIMITS",
        "PLOT_STACKED_LIMITS",
        "PLOT_FINAL_LIMITS",
        "PLOT_CONTROL_LIMITS",
    } <= processes
    for sim in ("null", "pl2", "random"):
        assert (
            results / f"dSphs_sim/sim_{sim}/stacked/limits_pair_point_lgauss_like_summary_000000_000003.fits"
        ).exists()
    assert (results / "dSphs/stacked/finallimits_pair_point_lgauss_like_bb.png").exists()
    versions = (results / "pipeline_info/software_versions.yml").read_text()
    assert '"PYFERMIJOBS:DATA:ANALYZE_ROI":' in versions and "pyfermijobs: 0.1.0" in versions


def test_resume_caches_everything(tiny_run: Path) -> None:
    results = tiny_run / "results"
    before = sed_arrays(results)
    nextflow(tiny_run, "-resume", profile="tiny")
    rows = trace_rows(results)
    assert rows and all(r["status"] == "CACHED" for r in rows), {r["status"] for r in rows}
    after = sed_arrays(results)
    assert before.keys() == after.keys()
    for key in before:
        for column in before[key]:
            assert np.array_equal(before[key][column], after[key][column])


def test_killed_run_resumes_to_identical_results(tiny_run: Path, tmp_path: Path) -> None:
    launch = tmp_path / "killed"
    launch.mkdir()
    cmd = [NEXTFLOW, "run", str(REPO), "-profile", "tiny", "--outdir", str(launch / "results")]
    proc = subprocess.Popen(
        cmd,
        cwd=launch,
        env=nextflow_env(launch / ".nxf-home"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # kill once a few tasks have finished
        done = list((launch / "work").glob("*/*/.exitcode")) if (launch / "work").exists() else []
        if len(done) >= 3:
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list((launch / "work").glob("*/*/.exitcode")))
    assert 3 <= finished < len(trace_rows(tiny_run / "results")), "killed part-way"
    nextflow(launch, "-resume", profile="tiny")
    rows = trace_rows(launch / "results")
    cached = sum(r["status"] == "CACHED" for r in rows)
    completed = sum(r["status"] == "COMPLETED" for r in rows)
    assert cached >= 1 and completed >= 1 and cached + completed == len(rows)
    reference, resumed = sed_arrays(tiny_run / "results"), sed_arrays(launch / "results")
    assert reference.keys() == resumed.keys()
    for key in reference:
        for column in reference[key]:
            assert np.array_equal(reference[key][column], resumed[key][column]), (key, column)


def test_task_killed_once_is_retried(tmp_path: Path) -> None:
    """Exit 137 (SIGKILL, e.g. out of memory) on the first attempt: retried with more resources."""
    config = tmp_path / "fail_once.config"
    config.write_text(
        "process {\n"
        "    withName: '.*:DATA:ANALYZE_ROI' {\n"
        "        beforeScript = { task.attempt == 1 && task.tag == 'draco' ? 'exit 137' : '' }\n"
        "    }\n"
        "}\n"
    )
    launch = tmp_path / "retry"
    nextflow(launch, "-c", str(config), profile="tiny")
    rows = trace_rows(launch / "results")
    draco = [r for r in rows if r["process"].endswith("DATA:ANALYZE_ROI") and r["tag"] == "draco"]
    assert sorted((r["attempt"], r["exit"], r["status"]) for r in draco) == [
        ("1", "137", "FAILED"),
        ("2", "0", "COMPLETED"),
    ]
    assert (launch / "results/report.html").exists()
    assert draco[0]["memory"] != draco[1]["memory"], "resources grow with the attempt"


def test_failing_target_does_not_stop_the_others(tmp_path: Path) -> None:
    config = tmp_path / "fail.config"
    config.write_text(
        "process {\n"
        "    withName: '.*:DATA:ANALYZE_ROI' {\n"
        "        beforeScript = { task.tag == 'ursa_minor' ? 'exit 1' : '' }\n"
        "    }\n"
        "}\n"
    )
    master = tiny_copy(tmp_path)
    (master.parent / "roster.yaml").write_text("one: ['draco:nfw', 'ursa_minor:nfw']\n")
    launch = tmp_path / "partial"
    nextflow(launch, "--master", str(master), "-c", str(config), profile="tiny")
    results = launch / "results"
    assert (results / "tiny/draco/sed_nfw_point.fits").exists()
    assert (results / "tiny_sim/sim_null/draco/sed_nfw_point_summary_000000_000001.fits").exists()
    assert not (results / "tiny/ursa_minor/sed_nfw_point.fits").exists()
    report = (results / "report.html").read_text()
    assert "ursa_minor nfw_point: data SED missing" in report


def test_stub_run_is_quick_and_names_what_the_run_writes(full_run: Path, tmp_path: Path) -> None:
    """-stub-run's placeholders come from the Layout (pfj-task --stub): the same files as a real run.
    (How quick it is is measured by benchmarks/bench_pipeline.py, not asserted here.)"""
    nextflow(tmp_path / "stub", "-stub-run")
    scripts = list((tmp_path / "stub/work").glob("*/*/.command.sh"))
    assert scripts and all("pfj-task --stub" in s.read_text() for s in scripts), "every task ran its stub"

    def published(results: Path) -> set[str]:
        return {
            str(p.relative_to(results)) for p in results.rglob("*") if p.is_file() and "pipeline_info" not in p.parts
        }

    stub, real = published(tmp_path / "stub/results"), published(full_run / "results")
    assert "report.html" in stub and "dSphs_sim/sim_pl2/draco/truth_nfw_point_000003.yaml" in stub
    assert stub == real, (sorted(stub - real), sorted(real - stub))


def test_outdir_of_another_configuration_is_refused(tmp_path: Path) -> None:
    from pyfermijobs.cli import main

    master = tiny_copy(tmp_path)
    launch = tmp_path / "twice"
    for _ in range(2):  # the same configuration twice: fine
        assert main(["prepare-targets", "--master", str(master), "--outdir", str(launch / "results")]) == 0
    master.write_text(master.read_text().replace("nsims: 2", "nsims: 3"))
    proc = nextflow(launch, "--master", str(master), "-stub-run", check=False, profile="tiny")
    assert proc.returncode != 0
    assert "holds the results of a different configuration" in proc.stdout + proc.stderr
    assert not list((launch / "results/tiny_sim").rglob("*000002*")), "refused before any task"
    nextflow(launch, "--master", str(master), "-stub-run", "--overwrite", profile="tiny")


def test_prepare_targets_stages_the_files_the_master_names(tmp_path: Path) -> None:
    """Only the files the master names reach PREPARE_TARGETS (a cloud executor uploads what is staged),
    at their places relative to the master, not the rest of its folder."""
    master = tiny_copy(tmp_path)
    (master.parent / "scratch").mkdir()
    (master.parent / "scratch/photons.fits").write_bytes(b"\0" * 4096)
    (master.parent / "notes.yaml").write_text("unrelated: true\n")
    launch = master.parent  # the outdir inside the master's folder, as when a user runs where the master is
    nextflow(launch, "--master", str(master), "-stub-run", profile="tiny")
    (task,) = [s.parent for s in launch.glob("work/*/*/.command.sh") if "prepare-targets" in s.read_text()]
    staged = sorted(str(p.relative_to(task / "config_dir")) for p in (task / "config_dir").rglob("*") if p.is_file())
    assert staged == ["config/config_tiny.yaml", "config/sim_null.yaml", "master.yaml", "roster.yaml", "targets.yaml"]
    assert all((task / "config_dir" / s).resolve() == master.parent / s for s in staged), "the originals, linked"


def test_bad_master_fails_before_any_task(tmp_path: Path) -> None:
    master = tmp_path / "master.yaml"
    master.write_text("ttype: dSphs\nrosters: [pair]\nsim_defaults: {nsim: 3}\n")
    proc = nextflow(tmp_path / "bad", "--master", str(master), check=False)
    assert proc.returncode != 0
    assert "master.yaml: sim_defaults.nsim: unknown key (did you mean 'nsims'?)" in proc.stdout + proc.stderr
    assert not (tmp_path / "bad/work").exists() or not list((tmp_path / "bad/work").glob("*/*"))


def test_run_that_cannot_run_pfj_fails_before_any_task(tmp_path: Path) -> None:
    """Without pyfermijobs importable and no container profile nothing could run: the run must
    stop with a non-zero status and say how to provide it, never report success (regression)."""
    env = nextflow_env(tmp_path / ".nxf-home", with_pfj=False)
    probe = subprocess.run(
        ["python3", "-c", "import pyfermijobs"], env=env, cwd=tmp_path, capture_output=True, check=False
    )
    assert probe.returncode != 0, "precondition: the python3 left on PATH must not have pyfermijobs"
    launch = tmp_path / "nopfj"
    launch.mkdir()
    proc = subprocess.run(
        [NEXTFLOW, "run", str(REPO), "-profile", "test", "--outdir", str(launch / "results")],
        cwd=launch,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, log
    assert "cannot run pfj on this machine" in log and "No module named 'pyfermijobs'" in log
    assert "make install" in log and "-profile docker" in log
    assert "completed" not in log and not (launch / "results/report.html").exists()
    assert not (launch / "work").exists() or not list((launch / "work").glob("*/*"))


def test_study_options_and_random_profile_reach_the_tasks(tmp_path: Path) -> None:
    """sim_defaults.non_null_src / do_find_src and random.profile take effect in the pipeline."""
    config = tmp_path / "config"
    shutil.copytree(REPO / "assets/test", config)
    (config / "dsph_roster.yaml").write_text("pair: ['draco:nfw', 'ursa_minor:nfw']\nother: ['draco:burkert']\n")
    master = config / "master.yaml"
    text = master.read_text().replace("rosters: ['pair']", "rosters: ['pair', 'other']")
    text = text.replace("  nsims_job: 2\nsims:", "  nsims_job: 2\n  do_find_src: true\nsims:")
    text = text.replace("random:\n  nsims_job: 2", "random:\n  nsims_job: 2\n  profile: nfw")
    text = text.replace("'pl2': {}", "'pl2': {non_null_src: false}")
    master.write_text(text)
    launch = tmp_path / "options"
    proc = nextflow(launch, "--master", str(master), "-stub-run")
    assert "study pl2: seeds 0-3 in 2 tasks, non_null_src false, do_find_src true" in proc.stdout
    assert "study null: seeds 0-3 in 2 tasks, non_null_src false, do_find_src true" in proc.stdout
    rows = trace_rows(launch / "results")
    random_seds = [r["tag"] for r in rows if r["process"].endswith("ANALYZE_SED_RANDOM")]
    assert random_seds and all(":nfw_point:" in tag for tag in random_seds), random_seds
    data_seds = {r["tag"] for r in rows if r["process"].endswith("DATA:ANALYZE_SED")}
    assert "draco:burkert_point" in data_seds  # the data still analyse every profile
    run = (launch / "results/dSphs/pipeline_config.yaml").read_text()
    assert "do_find_src: true" in run and "non_null_src: false" in run


def test_bad_analysis_template_fails_before_any_task(tmp_path: Path) -> None:
    """The template's engine sections are checked by pfj validate, not inside ANALYZE_ROI."""
    config = tmp_path / "config"
    shutil.copytree(REPO / "assets/test", config)
    template = config / "config" / "config_dSphs.yaml"
    template.write_text(template.read_text() + "builtin:\n  free_radus: 2.0\n")
    proc = nextflow(tmp_path / "bad", "--master", str(config / "master.yaml"), check=False)
    assert proc.returncode != 0
    assert (
        "config_dSphs.yaml: builtin.free_radus: unknown key (did you mean 'free_radius'?)" in proc.stdout + proc.stderr
    )
    assert not (tmp_path / "bad/work").exists() or not list((tmp_path / "bad/work").glob("*/*"))


def test_lat_dsph2017_profile_runs_through_nextflow(tmp_path: Path) -> None:
    """-profile lat_dsph2017: the LAT's released dwarf likelihoods through the dark-matter stage alone (no
    ROI task), the combined b bbar limit within 3% of the collaboration's at every mass."""
    from conftest import require_lat_data

    from pyfermijobs.io.release_limits import read_release_limits

    lat = require_lat_data("dsph-likelihoods-2017").parent
    launch = tmp_path / "dsph"
    nextflow(launch, "--lat_data", str(lat), profile="lat_dsph2017", timeout=1200)
    results = launch / "results"
    rows = trace_rows(results)
    assert rows and all(r["status"] == "COMPLETED" for r in rows)
    names = [r["name"] for r in rows]
    assert not any("ANALYZE_ROI" in n or "ANALYZE_SED" in n for n in names)
    assert [n for n in names if "CONVERT_CASTRO" in n] == ["PYFERMIJOBS:DARK_MATTER:CONVERT_CASTRO (data:external:all)"]
    _, theirs = read_release_limits(lat / "dsph-likelihoods-2017/limits_bb.txt")
    folder = results / "dsph2017/stacked/limits_albert2017_dsphs_point_lgauss_like"
    _, ours = read_release_limits(folder / "limits_bb.txt")
    ratio = ours["composite_albert2017_dsphs_point"] / theirs["composite_desy2_standard"]
    assert np.all(np.abs(ratio - 1.0) <= 0.03), ratio
    assert "SYNTHETIC" not in (results / "report.html").read_text()


def test_lat_gc_profile_runs_on_real_data(tmp_path: Path) -> None:
    """-profile lat_gc: the fermipy.jobs chain on real LAT photons (3FHL GC), every task completed."""
    from conftest import require_lat_data

    lat = require_lat_data("3fhl-gc").parent
    launch = tmp_path / "lat"
    nextflow(launch, "--lat_data", str(lat), profile="lat_gc")
    results = launch / "results"
    rows = trace_rows(results)
    assert rows and all(r["status"] == "COMPLETED" for r in rows), [
        r["name"] for r in rows if r["status"] != "COMPLETED"
    ]
    for target in ("sgra", "field_east", "field_west"):
        _, header = read_sed(results / f"gc/{target}/sed_default_point.fits")
        assert header["SYNTHET"] is False
        for sim in ("null", "pl", "random"):
            assert (results / f"gc_sim/sim_{sim}/{target}/sed_default_point_summary_000000_000003.fits").exists()
    report = (results / "report.html").read_text()
    assert "SYNTHETIC DATA" not in report and "3FHL J1745.6-2900" in report
