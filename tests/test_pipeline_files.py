"""Static checks of the pipeline's files: schema, modules, container recipes."""

from __future__ import annotations

import json
import re

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
    assert len(MODULES) == 16
    for path in MODULES:
        text = path.read_text()
        assert len(re.findall(r"^process \w+", text, flags=re.M)) == 1, path
        for part in ("tag ", "label '", "container ", "stub:", "versions.yml"):
            assert part in text, (path, part)


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
