"""CollectSED: the realizations of a scenario (or the random directions), per target x profile."""

from __future__ import annotations

from typing import Any

from pyfermijobs.errors import InputError
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps.common import for_each, layout_of, require_sim, run_config, target_profiles


def collect_one(
    layout: Layout,
    sim: str,
    target: str,
    profile: str,
    first: int,
    last: int,
    full: bool,
    summary: bool,
    allow_missing: bool,
) -> None:
    from pyfermijobs.estimators.collect import collect, write_collected, write_summary

    col = collect(
        lambda s: layout.sim_sed_file(sim, target, profile, s),
        lambda s: layout.sim_truth_file(sim, target, profile, s),
        first,
        last,
        allow_missing,
    )
    if full:
        write_collected(layout.collected_file(sim, target, profile, first, last), col, first, last)
    if summary:
        write_summary(layout.summary_file(sim, target, profile, first, last), col, first, last)


def run(args: dict[str, Any]) -> None:
    layout = layout_of(args)
    config = run_config(layout)
    sim = require_sim(args, config)
    study = config["random"] if sim == RANDOM_SIM else config["sims"][sim]
    first = args["seed"] if args.get("seed") is not None else study["seed"]
    nsims = args["nsims"] if args.get("nsims") is not None else study["nsims"]
    if first < 0 or nsims < 1:
        raise InputError("command line", "--seed/--nsims", f"need seed >= 0 and nsims >= 1, got {first}, {nsims}")
    last = first + nsims - 1
    full, summary = bool(args.get("write_full")), bool(args.get("write_summary"))
    if not (full or summary):  # fermipy would write nothing; both files are what one wants
        full = summary = True
    targets = target_profiles(args, layout, sim)
    work = [(t, p) for t, profiles in targets.items() for p in profiles]
    if not args.get("allow_missing"):  # every missing file named before anything is written
        absent = [
            f"{t}:{p}:{s}"
            for t, p in work
            for s in range(first, last + 1)
            if not layout.sim_sed_file(sim, t, p, s).exists()
        ]
        if absent:
            raise InputError(
                layout.area(sim),
                "seeds",
                f"{len(absent)} realizations missing (target:profile:seed): "
                + ", ".join(absent)
                + " (rerun them, or pass --allow_missing to collect the rest)",
            )
    for_each(
        work,
        len(work),
        f"collect-sed {sim}",
        lambda tp: collect_one(layout, sim, tp[0], tp[1], first, last, full, summary, bool(args.get("allow_missing"))),
    )
