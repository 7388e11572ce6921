"""Write :mod:`pyfermijobs.steps.typed_options` from the step registry.

The registry (:data:`pyfermijobs.steps.STEPS`) is where a step's options are declared; a type
checker cannot read it, so one class per step is generated from it, with an annotation per
option. ``make typed-options`` rewrites the module; a test fails when it has drifted from the
registry. Run as ``python -m pyfermijobs.steps.typed_options_source``.
"""

from __future__ import annotations

import sys
import textwrap

from pyfermijobs.options import Option

_TYPES = {"str": "str", "int": "int", "bool": "bool", "list": "list[str]"}

HEADER = '''"""One options class per step, for type checkers: ``args.nsims`` is ``int | None`` in a step that
takes ``nsims``, and an error in one that does not.

Generated from the step registry (:data:`pyfermijobs.steps.STEPS`) by ``make typed-options``;
do not edit. :meth:`pyfermijobs.steps.Step.arguments` builds the step's class, so the checks
:class:`~pyfermijobs.options.StepOptions` makes at run time and the annotations here describe the
same options.
"""

from __future__ import annotations

from pyfermijobs.options import StepOptions
'''


def annotation(option: Option) -> str:
    """The option's Python type: None only where no default applies."""
    base = _TYPES[option.kind]
    return base if option.default is not None else f"{base} | None"


def class_name(step_class: str) -> str:
    return f"{step_class}Options"


def render() -> str:
    """The module's text."""
    from pyfermijobs.steps import STEPS

    parts = [HEADER]
    for step in STEPS.values():
        lines = [
            "",
            "",
            f"class {class_name(step.class_name)}(StepOptions):",
            f'    """Options of ``pfj {step.name}`` ({step.class_name})."""',
            "",
            "    __slots__ = ()",
        ]
        for name in step.options:
            option = step.option(name)
            lines.extend(f"    #: {line}" for line in textwrap.wrap(option.help, 100))
            lines.append(f"    {name}: {annotation(option)}")
        parts.append("\n".join(lines) + "\n")
    by_step = "".join(f'    "{s.name}": {class_name(s.class_name)},\n' for s in STEPS.values())
    parts.append(f"\n\n#: step name -> its options class\nBY_STEP: dict[str, type[StepOptions]] = {{\n{by_step}}}\n")
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(render())
