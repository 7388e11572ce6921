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
    "backends",
    "config",
    "darkmatter",
    "datasets",
    "estimators",
    "fitting",
    "io",
    "models",
    "plotting",
    "report",
    "steps",
)


def test_no_import_cycles() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_steps_and_backends_keep_their_floors() -> None:
    """Steps share only steps.common (and steps.dm_common); backends never import a step (engines sit below steps)."""
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
