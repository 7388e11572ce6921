"""The plot steps: castro plots (data), expected bands, calibration of the control studies."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pyfermijobs.config.run import RunConfig, Study
from pyfermijobs.errors import InputError
from pyfermijobs.labels import is_synthetic
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.plotting.castro import plot_target_castro
from pyfermijobs.steps.common import (
    analysed_profiles,
    for_each,
    layout_of,
    output_area,
    read_run_config,
    study_seeds,
    target_profile_pairs,
    target_profiles,
)
from pyfermijobs.steps.typed_options import PlotCalibrationOptions, PlotCastroOptions, PlotSEDSummaryBandsOptions


def seed_range(study: Study, args: Mapping[str, Any] | None) -> tuple[int, int]:
    """First and last seed: the prepared study's, unless --seed/--nsims say otherwise."""
    seeds = study.seeds((args or {}).get("seed"), (args or {}).get("nsims"))
    return seeds.start, seeds.stop - 1


def control_summaries(
    layout: Layout, run_config: RunConfig, target: str, profile: str, args: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Summary tables of the null scenarios and of the random directions that exist."""
    from pyfermijobs.io.collected_fits import read_table

    nulls = {name: s for name, s in run_config.sims.items() if not s.injected}
    # one null scenario is labelled "null" in the plot; several keep their names
    studies = {("null" if len(nulls) == 1 else name): (name, s) for name, s in nulls.items()}
    if run_config.random is not None:
        studies["random"] = (RANDOM_SIM, run_config.random)
    out = {}
    for label, (name, study) in studies.items():
        path = layout.summary_file(name, target, profile, *seed_range(study, args))
        if path.exists():
            out[label] = read_table(path, "SED_SUMMARY")[0]
    return out


def bands(
    layout: Layout,
    run_config: RunConfig,
    target: str,
    profile: str,
    pdf: bool = False,
    args: Mapping[str, Any] | None = None,
) -> bool:
    from pyfermijobs.io.sed_fits import read_sed
    from pyfermijobs.plotting.bands import plot_bands

    summaries = control_summaries(layout, run_config, target, profile, args)
    if not summaries:
        return False
    sed, header = read_sed(layout.sed_file(target, profile))
    plot_bands(
        sed,
        summaries,
        layout.bands_plot(target, profile),
        f"{target} - {profile}: expected limits",
        is_synthetic(header),
        pdf,
    )
    return True


def calibration(
    layout: Layout,
    run_config: RunConfig,
    sim: str,
    target: str,
    profile: str,
    pdf: bool = False,
    args: Mapping[str, Any] | None = None,
) -> None:
    from pyfermijobs.io.collected_fits import read_table
    from pyfermijobs.plotting.calibration import plot_null_ts, plot_recovery

    study = run_config.study(sim, allow_random=False)
    first, last = seed_range(study, args)
    path = layout.collected_file(sim, target, profile, first, last)
    if not path.exists():
        raise InputError(path, None, "collected file not found: run collect-sed --write_full first")
    data, header = read_table(path, "SED_COLLECTED")
    synthetic = is_synthetic(header)
    title = f"{target} - {profile}: sim {sim} ({header['NREAL']} realizations)"
    if not study.injected:
        plot_null_ts(data["ts_global"], layout.ts_plot(sim, target, profile, first, last), title, synthetic, pdf)
    else:
        if "norm_true" not in data:
            raise InputError(path, "norm_true", "no injected truth recorded for these realizations")
        plot_recovery(
            data["e_ref"][0],
            data["norm"],
            data["norm_errn"],
            data["norm_errp"],
            data["norm_true"],
            layout.recovery_plot(sim, target, profile, first, last),
            title,
            synthetic,
            pdf,
        )


def run_castro(args: PlotCastroOptions) -> None:
    layout = layout_of(args)
    targets = target_profiles(args, layout)
    work = [(t, p) for t, profiles in targets.items() for p in profiles]
    for t, p in work:
        if not layout.sed_file(t, p).exists():
            raise InputError(layout.sed_file(t, p), None, "SED not found: run analyze-sed first")
    for_each(work, len(work), "plot-castro", lambda tp: plot_target_castro(layout, tp[0], tp[1], args.pdf))


def run_bands(args: PlotSEDSummaryBandsOptions) -> None:
    layout = layout_of(args)
    run_config = read_run_config(layout)
    targets = analysed_profiles(args, layout, run_config)  # an SED read from a file has no control studies
    work = [(t, p) for t, profiles in targets.items() for p in profiles]
    for_each(work, len(work), "plot-bands", lambda tp: bands(layout, run_config, tp[0], tp[1], args.pdf, args))


def run_calibration(args: PlotCalibrationOptions) -> None:
    layout = layout_of(args)
    run_config = read_run_config(layout)
    sim = run_config.study(args.sim, allow_random=False).name
    targets = target_profiles(args, layout, sim)
    work = [(t, p) for t, profiles in targets.items() for p in profiles]
    for_each(
        work,
        len(work),
        "plot-calibration",
        lambda tp: calibration(layout, run_config, sim, tp[0], tp[1], args.pdf, args),
    )


def outputs_castro(args: PlotCastroOptions) -> list[Path]:
    """What :func:`run_castro` writes for these options."""
    layout, _, sim = output_area(args)
    return [layout.castro_plot(t, p) for t, p in target_profile_pairs(args, layout, sim)]


def outputs_bands(args: PlotSEDSummaryBandsOptions) -> list[Path]:
    """What :func:`run_bands` writes for these options."""
    layout, _, sim = output_area(args)
    return [layout.bands_plot(t, p) for t, p in target_profile_pairs(args, layout, sim)]


def outputs_calibration(args: PlotCalibrationOptions) -> list[Path]:
    """What :func:`run_calibration` writes for these options: TS plots (null) or recovery plots."""
    layout, run_config, sim = output_area(args)
    seeds = study_seeds(run_config, str(sim), args)
    plot = layout.recovery_plot if run_config.study(str(sim)).injected else layout.ts_plot
    return [plot(str(sim), t, p, seeds.start, seeds.stop - 1) for t, p in target_profile_pairs(args, layout, sim)]
