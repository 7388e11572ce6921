"""``-stub-run``: the files each step would write, as empty placeholders, named by the Layout.

Nextflow's ``stub:`` blocks run ``pfj-task --stub`` with the same step and options as their
``script:`` blocks, so the names of a task's outputs come from :class:`~pyfermijobs.layout.Layout`
alone (the one owner of paths), never retyped in a module's bash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyfermijobs.config.run import RunConfig
from pyfermijobs.layout import RANDOM_SIM, ROI_PLOTS, Layout
from pyfermijobs.steps.common import layout_of, target_profiles


def _seeds(config: RunConfig, sim: str, args: dict[str, Any]) -> range:
    return config.study(sim).seeds(args.get("seed"), args.get("nsims"))


def stub_outputs(step: str, args: dict[str, Any]) -> list[Path]:
    """The files ``pfj STEP`` writes for these options (in a prepared layout)."""
    layout: Layout = layout_of(args)
    config = RunConfig.read(layout)
    sim = args.get("sim") or (RANDOM_SIM if args.get("skydirs") else None)
    if step == "report":
        return [layout.report()]
    if step in DM_STEPS:
        return dm_outputs(step, args, layout, config, sim)
    targets = target_profiles(args, layout, sim)
    pairs = [(t, p) for t, profiles in targets.items() for p in profiles]
    prefix = config.baseline_prefix(args.get("roi_baseline", "fit_baseline"))  # steps without the option: the default
    out: list[Path] = []
    if step == "analyze-roi":
        for t in targets:
            out += [layout.roi_file(t, prefix), layout.roi_yaml(t, prefix)]
            if args.get("make_plots"):
                out += [layout.roi_plot(t, kind, prefix) for kind in ROI_PLOTS]
                out += [layout.roi_map(t, kind, prefix) for kind in ("residmap", "tsmap")]
    elif step == "copy-base-roi":
        out += [f for t in targets for f in (layout.roi_file(t, prefix, sim), layout.roi_yaml(t, prefix, sim))]
    elif step == "analyze-sed" and sim is None:
        out += [layout.sed_file(t, p) for t, p in pairs]
    elif step == "analyze-sed":
        out += [layout.sim_sed_file(sim, t, p, s) for t, p in pairs for s in _seeds(config, sim, args)]
    elif step == "simulate-roi":
        seeds = _seeds(config, sim, args)
        out += [layout.sim_sed_file(sim, t, p, s) for t, p in pairs for s in seeds]
        out += [layout.sim_truth_file(sim, t, p, s) for t, p in pairs for s in seeds]
    elif step == "random-dir-gen":
        out += [layout.skydirs_file(t) for t in targets]
    elif step == "collect-sed":
        seeds = _seeds(config, sim, args)
        ends = (seeds.start, seeds.stop - 1)
        out += [f(sim, t, p, *ends) for t, p in pairs for f in (layout.collected_file, layout.summary_file)]
    elif step == "plot-castro":
        out += [layout.castro_plot(t, p) for t, p in pairs]
    elif step == "plot-bands":
        out += [layout.bands_plot(t, p) for t, p in pairs]
    elif step == "plot-calibration":
        seeds = _seeds(config, sim, args)
        plot = layout.recovery_plot if config.study(sim).injected else layout.ts_plot
        out += [plot(sim, t, p, seeds.start, seeds.stop - 1) for t, p in pairs]
    else:
        raise ValueError(f"no stub for step {step!r}")
    return out


DM_STEPS = (
    "spec-table",
    "convert-castro",
    "stack-likelihood",
    "collect-limits",
    "plot-dm",
    "plot-limits",
    "plot-stacked-dm",
    "plot-stacked-limits",
    "plot-control-limits",
    "plot-control-mles",
    "plot-final-limits",
)
#: plot step -> the kind in its file names (Layout.dm_plot / Layout.stacked_plot)
_DM_PLOT_KINDS = {
    "plot-dm": "dmlike",
    "plot-limits": "dmlimits",
    "plot-stacked-dm": "stackeddm",
    "plot-stacked-limits": "stackedlimits",
    "plot-control-limits": "controllimits",
    "plot-control-mles": "controlmles",
    "plot-final-limits": "finallimits",
}


def dm_outputs(step: str, args: dict[str, Any], layout: Layout, config: RunConfig, sim: str | None) -> list[Path]:
    """The files of the dark-matter steps."""
    from pyfermijobs.steps.dm_common import priors, rosters, seeds, stage
    from pyfermijobs.steps.dm_plots import data_targets, plot_choices

    if step == "spec-table":
        return [layout.spec_table_file()]
    if step.startswith("plot-"):
        channels, chosen = plot_choices(args, config, step)
    else:
        channels, chosen = [], priors(args, stage(config))
    kind = _DM_PLOT_KINDS.get(step)
    if step in ("convert-castro", "plot-dm", "plot-limits"):
        where = args if step == "convert-castro" else data_targets(args, layout)
        pairs = [(t, p) for t, profiles in target_profiles(where, layout, sim).items() for p in profiles]
        if step == "convert-castro":
            keys = seeds(config, args)
            files = (layout.dmlike_file, layout.dmlimits_file)
            return [f(t, p, j, sim, k) for t, p in pairs for j in chosen for k in keys for f in files]
        return [layout.dm_plot(t, p, j, kind, c) for t, p in pairs for j in chosen for c in channels]
    names = list(rosters(layout, sim, args.get("roster")))
    if step == "stack-likelihood":
        files = (layout.stacked_like_file, layout.stacked_limits_file)
        out = [f(r, j, sim, k) for r in names for j in chosen for k in seeds(config, args) for f in files]
        if sim is None and config.darkmatter is not None:  # the data's limits in the LAT release's layout
            channels = config.darkmatter.spec.channels
            out += [layout.release_limits_file(r, j, c) for r in names for j in chosen for c in channels]
        return out
    if step == "collect-limits":
        seed_range = _seeds(config, str(sim), args)
        ends = (seed_range.start, seed_range.stop - 1)
        out = [layout.stacked_summary_file(str(sim), r, j, *ends) for r in names for j in chosen]
        if args.get("roster") is None:  # and per target x profile (dmpipe's collect-limits)
            study = config.study(str(sim))
            out += [
                layout.dmlimits_summary_file(str(sim), t, p, j, *ends)
                for t, profiles in study.profiles.items()
                for p in profiles
                for j in chosen
            ]
        return out
    return [layout.stacked_plot(r, j, str(kind), c, sim) for r in names for j in chosen for c in channels]


def write_stubs(step: str, args: dict[str, Any]) -> int:
    """Empty placeholders for a step's outputs; returns how many."""
    paths = stub_outputs(step, args)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"stub of pfj {step}\n")
    return len(paths)
