"""Nextflow parameters checked against nextflow_schema.json before any task (issue 29 item 7).

subworkflows/local/utils_pyfermijobs_pipeline: an unknown --name or a value of the wrong type stops
the run with exit status 1 before any task; every parameter the configuration defines is described.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from nextflow_runs import NEXTFLOW, nextflow, nextflow_env


def no_task_ran(launch: Path) -> bool:
    tasks = [p for p in (launch / "work").glob("*/*") if p.is_dir()] if (launch / "work").exists() else []
    traces = list((launch / "results/pipeline_info").glob("execution_trace_*.txt"))
    rows = [line for t in traces for line in t.read_text().splitlines()[1:] if line.strip()]
    return not tasks and not rows


def schema_parameters() -> dict[str, dict]:
    schema = json.loads((REPO / "nextflow_schema.json").read_text())
    groups = {**schema.get("$defs", {}), **schema.get("definitions", {})}
    return {name: spec for group in groups.values() for name, spec in group["properties"].items()}


@pytest.mark.slow
def test_misspelt_parameter_stops_the_run_before_any_task_naming_the_closest(tmp_path: Path) -> None:
    proc = nextflow(tmp_path, "--continue_on_eror", "false", check=False, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "unknown parameter --continue_on_eror; did you mean --continue_on_error?" in output
    assert no_task_ran(tmp_path)


@pytest.mark.slow
def test_value_of_the_wrong_type_stops_the_run_naming_the_expected_type(tmp_path: Path) -> None:
    # the same check reads a -params-file: a value outside the schema's enum, a flag given no value
    params = tmp_path / "params.yaml"
    params.write_text("publish_dir_mode: cp\n")
    args = ("--continue_on_error", "maybe", "-params-file", str(params), "--slurm_queue")
    proc = nextflow(tmp_path, *args, check=False, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "--continue_on_error expects a boolean (true or false), got 'maybe'" in output
    assert "--publish_dir_mode expects one of symlink, rellink, link, copy, copyNoFollow, move, got 'cp'" in output
    assert "--slurm_queue expects a string, got true (given without a value?)" in output
    assert no_task_ran(tmp_path)


def test_schema_describes_every_parameter_of_the_config_and_its_profiles(tmp_path: Path) -> None:
    """Profiles set parameters too (-profile test, lat_gc, lat_dsph2017 ...): all must be valid."""
    config = (REPO / "nextflow.config").read_text()
    block = config[config.index("profiles {") :]
    profiles = re.findall(r"^ {4}(\w+)\s*\{", block, flags=re.M)
    assert {"test", "lat_gc", "lat_dsph2017"} <= set(profiles)
    proc = subprocess.run(
        [NEXTFLOW, "config", "-flat", "-profile", ",".join(profiles), str(REPO)],
        cwd=tmp_path, env=nextflow_env(tmp_path / ".nxf-home"), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    defined = set(re.findall(r"^params\.(\w+) =", proc.stdout, flags=re.M))
    # and every parameter the configuration files and the pipeline's scripts read
    sources = [REPO / "nextflow.config", REPO / "main.nf", *REPO.glob("conf/*.config")]
    sources += [*REPO.glob("workflows/*.nf"), *REPO.glob("subworkflows/local/*/main.nf")]
    sources += list(REPO.glob("modules/local/*/main.nf"))
    read = {name for path in sources for name in re.findall(r"\bparams\.(\w+)\b(?!\s*\()", path.read_text())}
    described = schema_parameters()
    assert {"lat_data", "master", "outdir", "continue_on_error"} <= defined
    missing = (defined | read) - set(described)
    assert not missing, f"not in nextflow_schema.json: {sorted(missing)}"
    for name, spec in described.items():
        assert spec.get("type") and spec.get("description"), name
