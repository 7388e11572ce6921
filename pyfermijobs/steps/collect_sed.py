"""CollectSED: the realizations of a scenario (or the random directions), per target x profile."""

from __future__ import annotations

from pathlib import Path

from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import (
    config_name,
    for_each,
    layout_of,
    output_area,
    read_run_config,
    study_seeds,
    target_profile_pairs,
    target_profiles,
)
from pyfermijobs.steps.typed_options import CollectSEDOptions


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
    from pyfermijobs.estimators.collect import global_ts_summary, summary_columns
    from pyfermijobs.io.collected_fits import collect_realizations, write_collected, write_summary

    col = collect_realizations(
        lambda s: layout.sim_sed_file(sim, target, profile, s),
        lambda s: layout.sim_truth_file(sim, target, profile, s),
        first,
        last,
        allow_missing,
    )
    if full:
        write_collected(layout.collected_file(sim, target, profile, first, last), col, first, last)
    if summary:
        path = layout.summary_file(sim, target, profile, first, last)
        write_summary(path, summary_columns(col), global_ts_summary(col), col, first, last)


def energy_bins(layout: Layout, target: str, sim: str, name: str) -> int:
    """Number of energy bins the target's analysis configuration makes (fermipy's CollectSED reads
    it from ``--config`` the same way); every realization's SED must have that many rows."""
    from pyfermijobs.config.analysis import load_template, target_direction
    from pyfermijobs.datasets.geom import ROIGeom

    path = layout.target_config(target, sim, name)
    template = load_template(path)
    return ROIGeom.from_config(template, *target_direction(template, path), str(path)).nebins


def check_bins(layout: Layout, sim: str, work: list[tuple[str, str]], seeds: range, name: str) -> None:
    from pyfermijobs.io.sed_fits import sed_rows

    nbins = {t: energy_bins(layout, t, sim, name) for t in {t for t, _ in work}}
    for t, p in work:
        for s in seeds:
            path = layout.sim_sed_file(sim, t, p, s)
            if path.exists() and (rows := sed_rows(path)) != nbins[t]:
                raise InputError(
                    path,
                    "SED",
                    f"{rows} energy bins, but {name} makes {nbins[t]}",
                )


def run(args: CollectSEDOptions) -> None:
    """Stack a study's realization SEDs per target x profile into fermipy's collected and summary files
    (seeds missing only with --allow_missing)."""
    layout = layout_of(args)
    run_config = read_run_config(layout)
    study = run_config.study(args.sim)
    sim = study.name
    seeds = study.seeds(args.seed, args.nsims)
    first, last = seeds.start, seeds.stop - 1
    full, summary = bool(args.write_full), bool(args.write_summary)
    if not (full or summary):  # fermipy would write nothing; both files are what one wants
        full = summary = True
    targets = target_profiles(args, layout, sim)
    work = [(t, p) for t, profiles in targets.items() for p in profiles]
    if not args.allow_missing:  # every missing file named before anything is written
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
    check_bins(layout, sim, work, seeds, config_name(args, run_config))
    for_each(
        work,
        len(work),
        f"collect-sed {sim}",
        lambda tp: collect_one(layout, sim, tp[0], tp[1], first, last, full, summary, bool(args.allow_missing)),
    )


def outputs(args: CollectSEDOptions) -> list[Path]:
    """What :func:`run` writes for these options: the collected and summary files of each pair."""
    layout, run_config, sim = output_area(args)
    seeds = study_seeds(run_config, str(sim), args)
    ends = (seeds.start, seeds.stop - 1)
    files = (layout.collected_file, layout.summary_file)
    return [f(str(sim), t, p, *ends) for t, p in target_profile_pairs(args, layout, sim) for f in files]
