"""Access to Fermitools: the one place that imports fermipy's ``GTAnalysis``.

fermipy itself installs from PyPI, but ``fermipy.gtanalysis`` needs the Fermitools Python
bindings (``pyLikelihood``, ``GtApp``), which come from conda only. Everything else in
pyfermijobs runs without them, so the import happens here, on demand, and its absence becomes
one clear message before any work starts.

``PFJ_FERMITOOLS`` may name a Python file that stands in for Fermitools (it must define
``GTAnalysis`` and ``run_gtapp``). The test suite uses it to run the fermipy engine, through
the CLI and the Nextflow pipeline, against a named test double of the GTAnalysis interface.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyfermijobs.errors import InputError

#: Environment variable naming a stand-in for Fermitools (tests only).
STAND_IN_ENV = "PFJ_FERMITOOLS"

HOW_TO_GET = (
    "run it where Fermitools is installed: the Fermitools image (containers/fermitools, "
    "'nextflow run . -profile docker --fermitools_container IMAGE'), or a conda environment "
    "with fermitools and fermipy; or set 'backend: builtin' (and 'sim_backend: builtin') "
    "to use the builtin engine"
)


@dataclass(frozen=True)
class Fermitools:
    """What the fermipy backend uses: the analysis class and the Fermitools application runner."""

    GTAnalysis: Any
    run_gtapp: Any
    origin: str


def _load_stand_in(path: str) -> Fermitools:
    spec = importlib.util.spec_from_file_location("pfj_fermitools_stand_in", path)
    if spec is None or spec.loader is None or not Path(path).is_file():
        raise InputError(path, STAND_IN_ENV, "not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return Fermitools(module.GTAnalysis, module.run_gtapp, f"stand-in {path}")


def load_fermitools() -> Fermitools:
    """fermipy's GTAnalysis and run_gtapp; ImportError when Fermitools is missing."""
    stand_in = os.environ.get(STAND_IN_ENV)
    if stand_in:
        return _load_stand_in(stand_in)
    from fermipy.gtanalysis import GTAnalysis, run_gtapp  # needs pyLikelihood (Fermitools)

    return Fermitools(GTAnalysis, run_gtapp, "fermipy")


def require_fermitools(file: Any, key: str) -> Fermitools:
    """Fermitools, or an InputError naming the configuration key that asked for it."""
    try:
        return load_fermitools()
    except ImportError as exc:
        raise InputError(
            file,
            key,
            f"the fermipy backend needs Fermitools, which this Python ({sys.executable}) does not have "
            f"({type(exc).__name__}: {exc}); {HOW_TO_GET}",
        ) from None
