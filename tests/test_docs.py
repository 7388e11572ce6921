"""The documentation: the generated configuration reference, and every link and path it names."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from pyfermijobs.config.reference import render

DOCS = [REPO / "README.md", REPO / "CHANGELOG.md", REPO / "CITATIONS.md", REPO / "benchmarks/README.md"]
DOCS += sorted((REPO / "docs").glob("*.md"))
#: the first folder (or file) of a path in the repository; other backticked paths are outputs or examples
TOP = {p.name for p in REPO.iterdir() if not p.name.startswith(".")} - {"results", "work", "build", "tools"}


def test_configuration_reference_is_the_field_tables() -> None:
    """docs/configuration.md is rendered from the tables the configuration is checked with."""
    assert (REPO / "docs/configuration.md").read_text() == render(), "run `make docs-config`"


def test_the_reference_names_every_key_the_checker_knows() -> None:
    from pyfermijobs.config.master import MASTER_FIELDS, SIM_FIELDS
    from pyfermijobs.config.template import BUILTIN_FIELDS, GEOMETRY_FIELDS

    text = render()
    for name in [*MASTER_FIELDS, *SIM_FIELDS, *GEOMETRY_FIELDS, *(f"builtin.{k}" for k in BUILTIN_FIELDS)]:
        assert f"| `{name}` |" in text, name
    assert "| `--outdir` |" in text and "| `--continue_on_error` |" in text


def _links(text: str) -> list[str]:
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:|#", t)]


def _paths(text: str) -> list[str]:
    """Backticked repository paths: a known top-level entry, then more; no patterns or placeholders."""
    found = []
    for token in re.findall(r"`([^`\s]+)`", text):
        token = token.rstrip(".,:;")
        if re.search(r"[{}*<>$?\[\]]", token) or token.startswith(("-", "/", "~")):
            continue
        first = token.split("/")[0]
        if first in TOP and (token != first or Path(token).suffix):
            found.append(token.split("::")[0].split(":")[0])
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_link_and_path_in_the_docs_exists(doc: Path) -> None:
    assert doc.exists(), doc
    text = doc.read_text()
    missing = [link for link in _links(text) if not (doc.parent / link.split("#")[0]).exists()]
    missing += [path for path in _paths(text) if not (REPO / path).exists()]
    assert not missing, f"{doc.relative_to(REPO)} names what does not exist: {missing}"


def test_the_site_builds_with_every_link_and_anchor_resolved() -> None:
    """`make docs`: mkdocs in strict mode fails on a link to a missing page or a missing heading."""
    mkdocs = Path(sys.executable).parent / "mkdocs"
    proc = subprocess.run(
        ["bash", str(REPO / "scripts/build-docs.sh")], env={"MKDOCS": str(mkdocs), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr
    for page in ("index.html", "docs/usage.html", "docs/configuration.html", "benchmarks/index.html"):
        assert (REPO / "build/site" / page).exists(), page
