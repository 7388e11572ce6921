"""Validate: every check PrepareTargets makes, and what the chosen backend can run, no writes.

The pipeline calls it before any task starts, so a bad configuration fails fast with the
same message the CLI gives.
"""

from __future__ import annotations

from typing import Any

from pyfermijobs.errors import InputError


def validate(master: Any) -> Any:
    """Raise InputError on the first problem; return the plan PrepareTargets would write."""
    from pyfermijobs.config.scenarios import load_scenario
    from pyfermijobs.steps.prepare_targets import plan_targets

    plan = plan_targets(master)
    if master.backend != "builtin":
        raise InputError(
            master.source or "command line",
            "backend",
            f"backend {master.backend!r} is not available in this version; use 'builtin'",
        )
    from pyfermijobs.models.spectra import spectrum_from_fermipy

    for sim in master.sims.values():
        injected = load_scenario(sim.scenario_file)["injected_source"]
        if injected is not None:
            spectrum_from_fermipy(injected["source_model"], str(sim.scenario_file), "injected_source.source_model")
    return plan


def run(args: dict[str, Any]) -> None:
    """With ``--outdir``, also refuse a folder holding another configuration's results."""
    from pathlib import Path

    from pyfermijobs.steps.prepare_targets import check_outdir, master_from_args

    plan = validate(master_from_args(args))
    if args.get("outdir"):
        check_outdir(plan, Path(args["outdir"]), bool(args.get("overwrite")))
    config = plan.run_config
    studies = [*config["sims"], *(["random"] if config["random"] else [])]
    print(f"valid: {len(config['targets'])} targets, control studies: {', '.join(studies) or 'none'}")
