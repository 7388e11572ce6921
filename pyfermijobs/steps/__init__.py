"""The pipeline's steps: one module each, registered here for the CLI and the Python API.

A step is a plain function ``run(args: dict) -> None`` in its module; the registry names
the options it takes (see :mod:`pyfermijobs.options`). The module is imported only when the
step runs, so ``pfj --help`` stays fast. A step is registered only once it really works.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Step:
    """A registered step: its CLI name, Python API class name, module and options."""

    name: str
    class_name: str
    module: str
    options: tuple[str, ...]
    description: str
    fermipy_executable: str

    def runner(self) -> Callable[[dict[str, Any]], None]:
        return importlib.import_module(self.module).run


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "prepare-targets",
            "PrepareTargets",
            "pyfermijobs.steps.prepare_targets",
            (
                "master",
                "outdir",
                "overwrite",
                "ttype",
                "rosters",
                "spatial_models",
                "alias_dict",
                "config",
                "sims",
                "rand_config",
                "backend",
            ),
            "Prepare the analysis folders: rosters -> targets x profiles, per-target configuration.",
            "fermipy-prepare-targets",
        ),
    )
}
