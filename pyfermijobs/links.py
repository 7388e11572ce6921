"""Python API in the shape of the fermipy.jobs guide's examples.

    link = PrepareTargets()
    link.update_args(dict(ttype='dSphs', rosters=['dsph_roster.yaml'], sims=['null']))
    link.run()

    link = AnalyzeROI_SG()
    link.update_args(dict(ttype='dSphs', targetlist='dSphs/target_list.yaml'))
    link.run()

A link is only a holder of options for one step; the work is the step's plain function.
``X_SG`` (fermipy's scatter-gather over a target list) is the same step over a whole target
list: ``targetlist`` defaults to the area's ``target_list.yaml`` and ``target`` is not taken.
"""

from __future__ import annotations

from typing import Any

from pyfermijobs.errors import InputError, closest
from pyfermijobs.steps import STEPS, Step


class Link:
    """Options for one step, checked against the step's option table, then ``run()``."""

    step: Step
    #: fermipy's ``_SG`` form: the whole target list, never one ``target``
    scatter: bool = False

    def __init__(self, **kwargs: Any) -> None:
        self.args: dict[str, Any] = {}
        self.update_args(kwargs)

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        return tuple(n for n in cls.step.options if not (cls.scatter and n == "target"))

    def update_args(self, args: dict[str, Any]) -> None:
        """Set options by name; an unknown name is an error (with a suggestion)."""
        names = self.option_names()
        for key, value in args.items():
            if key not in names:
                raise InputError(None, key, f"{type(self).__name__} takes no option {key!r}" + closest(key, names))
            self.args[key] = value

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: self.step.option(name).default for name in self.option_names()}

    def run(self) -> None:
        args = self.step.arguments(self.args)
        if self.scatter and not args.get("targetlist"):
            from pyfermijobs.layout import Layout

            sim = "random" if args.get("skydirs") else args.get("sim")
            args = args.replace(targetlist=str(Layout(args.outdir, args.get("ttype") or "").target_list(sim)))
        self.step.runner()(args)


def _link_class(step: Step, scatter: bool) -> type[Link]:
    what = "over every target of a target list" if scatter else ""
    doc = (
        f"{step.description} {what}\n\nPython counterpart of ``{step.fermipy_executable}{'-sg' if scatter else ''}``; "
        f"CLI ``pfj {step.name}``."
    )
    name = step.class_name + ("_SG" if scatter else "")
    return type(name, (Link,), {"step": step, "scatter": scatter, "__doc__": doc})


#: fermipy.jobs' scatter-gather classes that the guide uses.
SCATTER_STEPS = (
    "analyze-roi",
    "analyze-sed",
    "plot-castro",
    "copy-base-roi",
    "simulate-roi",
    "random-dir-gen",
    "collect-sed",
)

LINKS: dict[str, type[Link]] = {
    **{step.class_name: _link_class(step, False) for step in STEPS.values()},
    **{STEPS[n].class_name + "_SG": _link_class(STEPS[n], True) for n in SCATTER_STEPS},
}
