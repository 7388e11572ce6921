"""The package's floors hold: no import cycle, no step importing a sibling, a stated public API.

The same graph scripts/code_metrics.py reports (imports anywhere in a module count, those
inside functions too).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from code_metrics import cycles, import_graph, layering_violations

PACKAGE = REPO / "pyfermijobs"
SUBPACKAGES = (
    "config",
    "darkmatter",
    "datasets",
    "engines",
    "estimators",
    "fitting",
    "formats",
    "io",
    "models",
    "plotting",
    "report",
    "steps",
)


def test_no_import_cycles() -> None:
    assert cycles(import_graph(PACKAGE)) == []


#: The layers, lowest first, and the subpackages each may import (module- or function-level). The
#: layer list of docs/development.md is this table; an edge outside it fails the test below.
LAYERS: dict[str, set[str]] = {
    "formats": set(),  # Fermitools' and fermipy's file formats
    "darkmatter": set(),  # dmpipe's science: castros, spectra, priors, likelihoods, limits
    "models": {"darkmatter"},  # spectra, response, catalogs
    "config": {"darkmatter", "models"},  # the user's files, checked
    "datasets": {"config", "formats", "models"},  # ROIs: synthetic sky, real LAT data
    "fitting": {"datasets", "models"},  # likelihood, ROI fits, refitted realizations
    "estimators": {"datasets", "fitting", "models"},  # SEDs, TS maps, statistics over realizations
    "io": {"darkmatter", "datasets", "estimators", "models"},  # what the field reads, written and read back
    "plotting": {"datasets", "io"},  # draws what was computed
    "report": {"config", "datasets", "io"},
    "engines": {"config", "darkmatter", "datasets", "estimators", "fitting", "formats", "io", "models"},
    "steps": {"engines", "config", "darkmatter", "datasets", "estimators", "fitting", "formats", "io", "models"}
    | {"plotting", "report"},
}


def test_the_layer_table_is_a_dag_in_its_own_order() -> None:
    order = list(LAYERS)
    assert set(order) == set(SUBPACKAGES)
    for name, allowed in LAYERS.items():
        assert all(order.index(below) < order.index(name) for below in allowed), name


def test_subpackages_import_only_the_layers_below_them() -> None:
    graph = import_graph(PACKAGE)
    edges = set()
    for module, targets in graph.items():
        for target in targets:
            a, b = module.split("."), target.split(".")
            if len(a) > 2 and len(b) > 2 and a[1] != b[1] and a[1] in LAYERS and b[1] in LAYERS:
                edges.add((a[1], b[1], f"{module} -> {target}"))
    assert [e[2] for e in sorted(edges) if e[1] not in LAYERS[e[0]]] == []


def test_steps_and_engines_keep_their_floors() -> None:
    """Steps share only steps.common, steps.dm_common and their options classes (steps.typed_options); engines
    never import a step (engines sit below steps)."""
    assert layering_violations(import_graph(PACKAGE), "pyfermijobs") == []


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_subpackage_states_its_public_names(name: str) -> None:
    module = importlib.import_module(f"pyfermijobs.{name}")
    assert module.__all__, name
    # a public name equal to a submodule's would be shadowed by it once the submodule is imported
    assert not set(module.__all__) & {m.name for m in pkgutil.iter_modules(module.__path__)}
    for public in module.__all__:
        assert getattr(module, public) is not None, f"pyfermijobs.{name}.{public}"


def test_top_level_names_are_the_step_classes() -> None:
    import pyfermijobs
    from pyfermijobs.links import LINKS

    assert sorted(pyfermijobs.__all__) == sorted(["__version__", *LINKS])


def test_every_steps_run_says_what_it_does() -> None:
    """Each step module's ``run`` has a docstring (what the step does, and what it checks first)."""
    import ast

    missing = [
        path.name
        for path in sorted((PACKAGE / "steps").glob("*.py"))
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and node.name == "run" and not ast.get_docstring(node)
    ]
    assert missing == []
