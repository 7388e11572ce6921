"""Static checks of the pipeline's files: schema, modules, container recipes."""

from __future__ import annotations

import json
import re

import yaml
from conftest import REPO

MODULES = sorted((REPO / "modules/local").glob("*/main.nf"))


def config_params() -> set[str]:
    text = (REPO / "nextflow.config").read_text()
    block = text[text.index("params {") : text.index("includeConfig")]
    return set(re.findall(r"^\s{4}(\w+)\s*=", block, flags=re.M))


def test_schema_describes_every_parameter() -> None:
    schema = json.loads((REPO / "nextflow_schema.json").read_text())
    described = {name for group in schema["$defs"].values() for name in group["properties"]}
    assert described == config_params()
    for group in schema["$defs"].values():
        for name, spec in group["properties"].items():
            assert spec.get("description"), name


def test_every_module_is_one_process_with_the_nf_core_parts() -> None:
    assert len(MODULES) == 22
    for path in MODULES:
        text = path.read_text()
        assert len(re.findall(r"^process \w+", text, flags=re.M)) == 1, path
        for part in ("tag ", "label '", "stub:", "versions.yml"):
            assert part in text, (path, part)
        # nf-core: a module reads no params; conf/modules.config passes images and options
        assert "params." not in text, path


def test_every_module_runs_one_step_that_declares_what_it_writes() -> None:
    """The stub and script blocks run the same step with the same options, and that step names its
    outputs beside its run (what -stub-run writes; test_pipeline checks it against a real run)."""
    from importlib import import_module

    from pyfermijobs.steps import STEPS

    call = r"pfj-task (?:--stub )?(?:part\* )?-- ([a-z-]+)([^\n]*)"
    for path in MODULES:
        text = path.read_text()
        script, stub = text.split("stub:")[0].split("script:")[1], text.split("stub:")[1]
        assert len(re.findall(call, script)) == 1 and re.findall(call, stub) == re.findall(call, script), path
        step = STEPS[re.findall(call, script)[0][0]]
        if step.name != "prepare-targets":  # preparing runs for real under -stub-run (it makes the layout)
            declared = "outputs" + step.function.removeprefix("run")
            assert callable(getattr(import_module(step.module), declared, None)), step.name


def test_the_data_runs_on_backend_and_the_studies_on_sim_backend() -> None:
    """meta.backend, which picks a task's image (conf/modules.config), is the plan's backend for the data
    and its sim_backend for every control study (the scenarios and the random directions)."""
    workflow = (REPO / "workflows/pyfermijobs.nf").read_text()
    data = (REPO / "subworkflows/local/data/main.nf").read_text()
    assert re.findall(r"backend: p\.(\w+)", workflow) == ["sim_backend", "sim_backend"]
    assert re.findall(r"backend: p\.(\w+)", data) == ["backend"]


def test_modules_config_gives_every_process_its_image_and_the_params_options() -> None:
    config = (REPO / "conf/modules.config").read_text()
    assert "container = params.container" in config
    routed = re.search(
        r"withName: '([A-Z_|]+)' \{\s*ext.images = \[builtin: params.container, fermipy: params.fermitools_container\]",
        config,
    )
    assert routed and set(routed.group(1).split("|")) == {"ANALYZE_ROI", "ANALYZE_SED", "SIMULATE_ROI"}
    assert "container  = { task.ext.images[meta.backend ?: 'builtin'] }" in config
    for process, option, param in (("COLLECT_SED", "--allow_missing", "continue_on_error"),
                                   ("PREPARE_TARGETS", "--overwrite", "overwrite")):  # fmt: skip
        block = config[config.index(f"withName: '{process}'") :]
        assert f"params.{param} ? '{option}'" in block[: block.index("}")], process


def module_parts(text: str) -> tuple[list[str], list[str], set[str]]:
    """A module's input names, output emits, and the meta keys its script reads."""
    inputs = text[text.index("input:") : text.index("output:")]
    outputs = text[text.index("output:") : text.index("when:")]
    names = re.findall(r"(?:val|path)\((\w+)|^\s*(?:path|val) (\w+)", inputs, flags=re.M)
    return [a or b for a, b in names], re.findall(r"emit: (\w+)", outputs), set(re.findall(r"meta\.(\w+)", text))


def test_every_module_has_a_meta_yml_that_matches_it() -> None:
    """nf-core's module documentation: inputs, outputs and tools, checked against the module."""
    for path in MODULES:
        meta = yaml.safe_load((path.parent / "meta.yml").read_text())
        inputs, emits, keys = module_parts(path.read_text())
        assert meta["name"] == path.parent.name
        assert meta["description"] and meta["tools"][0]["pfj"]["licence"] == ["BSD-3-Clause"]
        declared = [next(iter(e)) for group in meta["input"] for e in (group if isinstance(group, list) else [group])]
        assert declared == inputs, path
        assert list(meta["output"]) == emits, path
        if "meta" in inputs:
            described = meta["input"][0][0]["meta"]["description"]
            assert {k for k in keys if f"{k}:" not in described} == set(), path


def test_conda_profile_environment() -> None:
    """-profile conda cannot run here (no conda channel is reachable): its environment file is
    checked instead, and it is the one the Fermitools image is built from."""
    env = yaml.safe_load((REPO / "containers/fermitools/environment.yml").read_text())
    assert {"fermi", "conda-forge"} <= set(env["channels"])
    names = {re.split(r"[=<>]", d)[0] for d in env["dependencies"] if isinstance(d, str)}
    assert {"python", "fermitools", "fermipy", "pip"} <= names
    (pip,) = (d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert [((REPO / "containers/fermitools") / p).resolve() for p in pip] == [REPO]
    config = (REPO / "nextflow.config").read_text()
    profile = config[config.index("    conda {") :]
    assert 'process.conda       = "${projectDir}/containers/fermitools/environment.yml"' in profile[:400]
    assert "micromamba install -y -n base -f environment.yml" in (REPO / "containers/fermitools/Dockerfile").read_text()


def test_every_label_has_resources() -> None:
    base = (REPO / "conf/base.config").read_text()
    labels = {re.search(r"label '(\w+)'", p.read_text()).group(1) for p in MODULES}
    for label in labels:
        assert f"withLabel: {label}" in base, label


def packages(text: str, pattern: str) -> set[str]:
    found: set[str] = set()
    for match in re.findall(pattern, text):
        found |= {w for w in match.split() if re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", w)}
    return found


def test_singularity_recipe_installs_what_the_dockerfile_installs() -> None:
    """Apptainer cannot be installed here: check the recipe against the Dockerfile instead."""
    docker = (REPO / "containers/pyfermijobs/Dockerfile").read_text()
    singularity = (REPO / "containers/pyfermijobs/Singularity.def").read_text()
    apt = r"apt-get install -y --no-install-recommends ([^\n\\&]+)"
    assert packages(docker, apt) == packages(singularity, apt)
    assert "pip install /src" in docker and "pip install /src" in singularity
    assert re.search(r"^From: debian:bookworm-slim", singularity, flags=re.M)
    assert "ARG BASE_IMAGE=debian:bookworm-slim" in docker
    for env in ("PATH=/opt/venv/bin", "MPLBACKEND=Agg"):
        assert env in docker and env in singularity
    assert "COPY bin/ /usr/local/bin/" in docker and "cp /src/bin/* /usr/local/bin/" in singularity
