"""``-stub-run``: the files each step would write, as empty placeholders.

Nextflow's ``stub:`` blocks run ``pfj-task --stub`` with the same step and options as their
``script:`` blocks; the names come from the step's own ``outputs`` declaration (beside its ``run``,
named by :class:`~pyfermijobs.layout.Layout`), so nothing here knows what a step writes.
"""

from __future__ import annotations

from typing import Any


def write_stubs(step: str, args: dict[str, Any]) -> int:
    """Empty placeholders for a step's outputs; returns how many."""
    from pyfermijobs.steps import STEPS

    paths = STEPS[step].outputs(args)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"stub of pfj {step}\n")
    return len(paths)
