"""The dark-matter plot steps (dmpipe's plot-dm, plot-limits, plot-stacked-*, plot-control-*, and
plot-final-limits): each reads the stage's files and draws one PNG per channel x prior. A decay
channel's plots show lifetimes (s) and their lower limits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.config.run import RunConfig
from pyfermijobs.darkmatter.spectra import channel_name
from pyfermijobs.errors import InputError
from pyfermijobs.labels import is_synthetic
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps.common import layout_of, output_area, read_run_config, target_profile_pairs, target_profiles
from pyfermijobs.steps.dm_common import rosters, seeds, stage
from pyfermijobs.steps.typed_options import (
    PlotControlLimitsOptions,
    PlotControlMLEsOptions,
    PlotDMOptions,
    PlotFinalLimitsOptions,
    PlotLimitsOptions,
    PlotStackedDMOptions,
    PlotStackedLimitsOptions,
)

#: the per-target plots (a target and its profiles)
TargetPlotOptions = PlotDMOptions | PlotLimitsOptions
#: the control studies' plots (a roster and a study)
ControlPlotOptions = PlotControlLimitsOptions | PlotControlMLEsOptions
#: the plots per roster
RosterPlotOptions = PlotStackedDMOptions | PlotStackedLimitsOptions | ControlPlotOptions | PlotFinalLimitsOptions
#: any of the seven dark-matter plot steps
DMPlotOptions = TargetPlotOptions | RosterPlotOptions

SECTION = {None: "data_plotting", RANDOM_SIM: "rand_plotting"}


def plot_choices(args: DMPlotOptions, run_config: RunConfig, plot: str) -> tuple[list[str], list[str]]:
    """Channels and priors a plot shows: the flags, else the plot's options, else the stage's."""
    dm = stage(run_config)
    sim = args.get("sim")
    section = SECTION.get(sim, "sim_plotting")
    opts = run_config.plot_options(section, plot)
    channels = [channel_name(c) for c in (args.channels or opts["channels"])]
    for channel in channels:
        if channel not in dm.spec.channels:
            raise InputError("command line", "--channels", f"channel {channel!r} was not prepared ({dm.spec.channels})")
    priors = list(args.jpriors or opts["priors"])
    for prior in priors:
        if prior not in dm.priors:
            raise InputError("command line", "--jpriors", f"prior {prior!r} was not prepared ({dm.priors})")
    return channels, priors


def _context(args: DMPlotOptions, plot: str) -> tuple[Layout, RunConfig, list[str], list[str]]:
    layout = layout_of(args)
    run_config = read_run_config(layout)
    return (layout, run_config, *plot_choices(args, run_config, plot))


def data_targets(args: TargetPlotOptions, layout: Layout) -> TargetPlotOptions:
    """Per-target plots cover the data's whole target list unless --target/--targetlist say otherwise."""
    if args.target or args.targetlist:
        return args
    return args.replace(targetlist=str(layout.target_list()))


def _target_limits(args: TargetPlotOptions, plot: str) -> Any:
    """(layout, target, profile, prior, limits, header, channels) for each data target x profile x
    prior a per-target plot draws."""
    from pyfermijobs.io.dm_fits import read_limits

    layout, _, channels, priors = _context(args, plot)
    for target, profiles in target_profiles(data_targets(args, layout), layout).items():
        for profile in profiles:
            for prior in priors:
                lim, header = read_limits(layout.dmlimits_file(target, profile, prior))
                yield layout, target, profile, prior, lim, header, channels


def run_dm(args: PlotDMOptions) -> None:
    """plot-dm: each target's likelihood over (mass, sigmav)."""
    from pyfermijobs.io.dm_fits import read_dmlike
    from pyfermijobs.plotting.darkmatter import plot_dm_castro

    for layout, target, profile, prior, lim, header, channels in _target_limits(args, "plot-dm"):
        like, _ = read_dmlike(layout.dmlike_file(target, profile, prior))
        for ch in channels:
            plot_dm_castro(
                like,
                lim,
                ch,
                layout.dm_plot(target, profile, prior, "dmlike", ch),
                f"{target} - {profile} - J prior {prior}",
                is_synthetic(header),
                args.pdf,
            )


def run_limits(args: PlotLimitsOptions) -> None:
    """plot-limits: each target's 95% upper limits against mass (decay: lower limits on the lifetime)."""
    from pyfermijobs.plotting.darkmatter import plot_limit_curves

    for layout, target, profile, prior, lim, header, channels in _target_limits(args, "plot-limits"):
        for ch in channels:
            i = lim.channels.index(ch)
            if lim.decay[i]:
                tau = lim.lifetimes()
                ll95, ll68 = tau["tau_ll95"][i], tau["tau_ll68"][i]
                curves = {f"{target} 95% LL on tau": (lim.masses, ll95), "68% LL": (lim.masses, ll68)}
            else:
                curves = {f"{target} 95% UL": (lim.masses, lim.ul95[i]), "68% UL": (lim.masses, lim.ul68[i])}
            plot_limit_curves(
                curves,
                ch,
                layout.dm_plot(target, profile, prior, "dmlimits", ch),
                f"{target} - {profile} - J prior {prior}",
                is_synthetic(header),
                args.pdf,
            )


def run_stacked_dm(args: PlotStackedDMOptions) -> None:
    """plot-stacked-dm: the roster's stacked likelihood (for a study: its first realization)."""
    from pyfermijobs.io.dm_fits import read_dmlike, read_limits
    from pyfermijobs.plotting.darkmatter import plot_dm_castro

    layout, run_config, channels, priors = _context(args, "plot-stacked-dm")
    sim = args.sim
    seed = seeds(run_config, args)[0]
    for roster in rosters(layout, sim, args.roster):
        for prior in priors:
            like, header = read_dmlike(layout.stacked_like_file(roster, prior, sim, seed))
            lim, _ = read_limits(layout.stacked_limits_file(roster, prior, sim, seed))
            what = "data" if sim is None else f"{sim}, realization {seed}"
            for ch in channels:
                plot_dm_castro(
                    like,
                    lim,
                    ch,
                    layout.stacked_plot(roster, prior, "stackeddm", ch, sim),
                    f"stacked {roster} - J prior {prior} - {what}",
                    is_synthetic(header),
                    args.pdf,
                )


def run_stacked_limits(args: PlotStackedLimitsOptions) -> None:
    """plot-stacked-limits: the roster's stacked limits, with each target's (data) or every
    realization's (control studies) as thin lines."""
    from pyfermijobs.io.dm_fits import read_limits
    from pyfermijobs.plotting.darkmatter import plot_limit_curves

    layout, run_config, channels, priors = _context(args, "plot-stacked-limits")
    sim = args.sim
    for roster, members in rosters(layout, sim, args.roster).items():
        for prior in priors:
            if sim is None:
                stacked, header = read_limits(layout.stacked_limits_file(roster, prior))
                thin = [read_limits(layout.dmlimits_file(t, p, prior))[0] for t, p in members]
                thin_label, bold = "targets", {"stacked": stacked}
            else:
                tables = [
                    read_limits(layout.stacked_limits_file(roster, prior, sim, s)) for s in seeds(run_config, args)
                ]
                thin, header = [lim for lim, _ in tables], tables[0][1]
                thin_label, bold = f"{sim}: realizations", {}
            for ch in channels:
                plot_limit_curves(
                    {f"{k} {v.limit95(ch)[1]}": (v.masses, v.limit95(ch)[0]) for k, v in bold.items()},
                    ch,
                    layout.stacked_plot(roster, prior, "stackedlimits", ch, sim),
                    f"stacked {roster} - J prior {prior}" + (f" - {sim}" if sim else ""),
                    is_synthetic(header),
                    args.pdf,
                    thin={thin_label: [(t.masses, t.limit95(ch)[0]) for t in thin]},
                )


def _summary(layout: Layout, run_config: RunConfig, sim: str, roster: str, prior: str) -> Any:
    from pyfermijobs.io.dm_fits import read_limits_summary

    study = run_config.study(sim)
    return read_limits_summary(layout.stacked_summary_file(sim, roster, prior, study.seed, study.last))


def _band(summary: dict[str, np.ndarray], channel: str) -> dict[str, np.ndarray]:
    i = list(summary["channel"]).index(channel)
    return {k: v[i] for k, v in summary.items() if k != "channel"}


def _control_study(args: ControlPlotOptions) -> str:
    """The control study ``--sim`` names (required)."""
    if not args.sim:
        raise InputError("command line", "--sim", "required: the control study")
    return args.sim


def _study_summaries(args: ControlPlotOptions, plot: str) -> Any:
    """(layout, roster, prior, summary, collected, header, channels) for each roster x prior of the
    control study ``--sim`` names."""
    layout, run_config, channels, priors = _context(args, plot)
    sim = _control_study(args)
    for roster in rosters(layout, sim, args.roster):
        for prior in priors:
            summary, collected, header = _summary(layout, run_config, sim, roster, prior)
            yield layout, roster, prior, summary, collected, header, channels


def run_control_limits(args: PlotControlLimitsOptions) -> None:
    """plot-control-limits: a control study's expected limits, the injected signal marked."""
    from pyfermijobs.plotting.darkmatter import plot_expected_bands

    sim = _control_study(args)
    for layout, roster, prior, summary, _, header, channels in _study_summaries(args, "plot-control-limits"):
        for ch in channels:
            band = _band(summary, ch)
            inter = header.get("INJ_TAU", header.get("INJ_SV"))  # a decay channel's injected lifetime
            truth = (header["INJ_MASS"], inter) if header.get("INJ_CHAN") == ch else None
            plot_expected_bands(
                band["mass"],
                {sim: band},
                ch,
                layout.stacked_plot(roster, prior, "controllimits", ch, sim),
                f"stacked {roster} - J prior {prior} - {sim}: expected limits",
                is_synthetic(header),
                truth=truth,
                pdf=args.pdf,
            )


def run_control_mles(args: PlotControlMLEsOptions) -> None:
    """plot-control-mles: TS and best fits across realizations, at the injected (or 100 GeV) mass."""
    from pyfermijobs.plotting.darkmatter import plot_ts_and_mles

    sim = _control_study(args)
    for layout, roster, prior, summary, collected, header, channels in _study_summaries(args, "plot-control-mles"):
        masses = summary["mass"][0]
        for ch in channels:
            i = list(summary["channel"]).index(ch)
            injected = header.get("INJ_CHAN") == ch
            j = int(np.argmin(np.abs(np.log(masses / (header["INJ_MASS"] if injected else 100.0)))))
            decay = ch.endswith("_decay")  # its best fits as lifetimes (s)
            plot_ts_and_mles(
                collected["ts"][:, i, j],
                collected["tau_mle" if decay else "mle"][:, i, j],
                f"{ch}, {masses[j]:.3g} GeV",
                layout.stacked_plot(roster, prior, "controlmles", ch, sim),
                f"stacked {roster} - J prior {prior} - {sim}",
                is_synthetic(header),
                truth=header.get("INJ_TAU", header.get("INJ_SV")) if injected else None,
                pdf=args.pdf,
                **({"quantity": r"lifetime $\tau$ (s)"} if decay else {}),
            )


def run_final_limits(args: PlotFinalLimitsOptions) -> None:
    """plot-final-limits: the data's stacked limit over the expected bands of the null simulations
    and the random directions."""
    from pyfermijobs.io.dm_fits import read_limits
    from pyfermijobs.plotting.darkmatter import plot_expected_bands

    layout, run_config, channels, priors = _context(args, "plot-final-limits")
    controls = [n for n, s in run_config.sims.items() if not s.injected] + ([RANDOM_SIM] if run_config.random else [])
    for roster in rosters(layout, None, args.roster):
        for prior in priors:
            data, header = read_limits(layout.stacked_limits_file(roster, prior))
            summaries = {}
            for sim in controls:
                path = layout.stacked_summary_file(
                    sim, roster, prior, run_config.study(sim).seed, run_config.study(sim).last
                )
                if path.exists():
                    summaries[sim] = _summary(layout, run_config, sim, roster, prior)[0]
            for ch in channels:
                plot_expected_bands(
                    data.masses,
                    {sim: _band(s, ch) for sim, s in summaries.items()},
                    ch,
                    layout.stacked_plot(roster, prior, "finallimits", ch),
                    f"stacked {roster} - J prior {prior}: data over expected limits",
                    is_synthetic(header),
                    data=data.limit95(ch)[0],
                    pdf=args.pdf,
                    reference=published(run_config, ch),
                )


def published(config: Any, channel: str) -> tuple[str, Any, Any] | None:
    """The reference file's combined limit of a channel (its last column, as the LAT release writes it)."""
    from pyfermijobs.io.release_limits import read_release_limits

    path = config.darkmatter.reference_file(channel) if config.darkmatter else None
    if path is None:
        return None
    masses, columns = read_release_limits(path)
    name = list(columns)[-1]
    return f"published: {name} ({path.name})", masses, columns[name]


def _per_target_plots(args: TargetPlotOptions, plot: str, kind: str) -> list[Path]:
    layout, run_config, sim = output_area(args)
    channels, chosen = plot_choices(args, run_config, plot)
    pairs = target_profile_pairs(data_targets(args, layout), layout, sim)
    return [layout.dm_plot(t, p, j, kind, c) for t, p in pairs for j in chosen for c in channels]


def _stacked_plots(args: RosterPlotOptions, plot: str, kind: str) -> list[Path]:
    layout, run_config, sim = output_area(args)
    channels, chosen = plot_choices(args, run_config, plot)
    names = list(rosters(layout, sim, args.roster))
    return [layout.stacked_plot(r, j, kind, c, sim) for r in names for j in chosen for c in channels]


def _declared(plot: str, kind: str, per_target: bool) -> Callable[[Any], list[Path]]:
    """The ``outputs`` of one plot step: its files named by kind, per target or per roster."""
    files = _per_target_plots if per_target else _stacked_plots

    def outputs(args: Any) -> list[Path]:
        return files(args, plot, kind)

    outputs.__doc__ = f"What {plot} writes for these options."
    return outputs


# What each plot step writes (Step.outputs finds run_x's outputs_x)
outputs_dm = _declared("plot-dm", "dmlike", per_target=True)
outputs_limits = _declared("plot-limits", "dmlimits", per_target=True)
outputs_stacked_dm = _declared("plot-stacked-dm", "stackeddm", per_target=False)
outputs_stacked_limits = _declared("plot-stacked-limits", "stackedlimits", per_target=False)
outputs_control_limits = _declared("plot-control-limits", "controllimits", per_target=False)
outputs_control_mles = _declared("plot-control-mles", "controlmles", per_target=False)
outputs_final_limits = _declared("plot-final-limits", "finallimits", per_target=False)
