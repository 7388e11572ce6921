"""Python API in the shape of fermipy.jobs' examples.

    link = PrepareTargets()
    link.update_args(dict(ttype='dSphs', rosters=['dsph_roster.yaml'], sims=['null']))
    link.run()

A link is only a holder of options for one step; the work is the step's plain function.
"""

from __future__ import annotations

from typing import Any

from pyfermijobs.errors import InputError
from pyfermijobs.options import OPTIONS, absolute_paths
from pyfermijobs.steps import STEPS, Step


class Link:
    """Options for one step, checked against the step's option table, then ``run()``."""

    step: Step

    def __init__(self, **kwargs: Any) -> None:
        self.args: dict[str, Any] = {}
        self.update_args(kwargs)

    def update_args(self, args: dict[str, Any]) -> None:
        """Set options by name; an unknown name is an error (with a suggestion)."""
        from pyfermijobs.errors import closest

        for key, value in args.items():
            if key not in self.step.options:
                raise InputError(
                    None, key, f"{self.step.name} takes no option {key!r}" + closest(key, self.step.options)
                )
            self.args[key] = value

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: OPTIONS[name].default for name in self.step.options}

    def run(self) -> None:
        self.step.runner()(absolute_paths(self.args))


def _link_class(step: Step) -> type[Link]:
    doc = f"{step.description}\n\nPython counterpart of ``{step.fermipy_executable}``; CLI ``pfj {step.name}``."
    return type(step.class_name, (Link,), {"step": step, "__doc__": doc})


LINKS: dict[str, type[Link]] = {step.class_name: _link_class(step) for step in STEPS.values()}
