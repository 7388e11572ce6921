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


def write_stubs(step: str, args: dict[str, Any]) -> int:
    """Empty placeholders for a step's outputs; returns how many."""
    paths = stub_outputs(step, args)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"stub of pfj {step}\n")
    return len(paths)
