"""What the step modules share: locating the analysis, choosing targets, the run configuration."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pyfermijobs.config.run import RunConfig
from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.options import OPTIONS
from pyfermijobs.progress import progress
from pyfermijobs.yamlio import load_yaml


def layout_of(args: Mapping[str, Any]) -> Layout:
    if not args.get("ttype"):
        raise InputError("command line", "--ttype", "required: the target type of the prepared analysis")
    layout = Layout(Path(args["outdir"]), args["ttype"])
    if not layout.run_config().exists():
        raise InputError(
            layout.run_config(), None, "no prepared analysis here: run 'pfj prepare-targets' first (or pass --outdir)"
        )
    return layout


def read_run_config(layout: Layout) -> RunConfig:
    """The prepared run's configuration, typed."""
    return RunConfig.read(layout)


def target_profiles(args: Mapping[str, Any], layout: Layout, sim: str | None = None) -> dict[str, list[str]]:
    """{target: [profile, ...]} for ``--target`` (one) or ``--targetlist`` (all of a list)."""
    listing = args.get("targetlist") or layout.target_list(sim)
    targets = load_yaml(listing, "target list")
    if not isinstance(targets, dict):
        raise InputError(listing, None, "a target list maps target names to lists of profiles")
    if args.get("target"):
        name = args["target"]
        if name not in targets:
            from pyfermijobs.errors import closest

            raise InputError(listing, name, "unknown target" + closest(name, targets))
        targets = {name: targets[name]}
    elif not args.get("targetlist"):
        raise InputError("command line", "--target", "give --target NAME or --targetlist FILE")
    if args.get("profile"):
        for name, profiles in targets.items():
            if args["profile"] not in profiles:
                raise InputError(
                    listing, f"{name}.{args['profile']}", f"unknown profile (target {name} has {', '.join(profiles)})"
                )
        targets = {name: [args["profile"]] for name in targets}
    return targets


def analysed_profiles(args: Mapping[str, Any], layout: Layout, run_config: RunConfig) -> dict[str, list[str]]:
    """:func:`target_profiles` of the data area less the targets whose SED was read from a file (they
    have no ROI); naming one of those with ``--target`` is an error."""
    targets = target_profiles(args, layout)
    if args.get("target") and run_config.sed_source(args["target"]):
        raise InputError(
            "command line",
            "--target",
            f"{args['target']}'s SED is read from {run_config.sed_source(args['target'])}: it has no ROI to analyse",
        )
    return {t: p for t, p in targets.items() if not run_config.sed_source(t)}


def check_config(layout: Layout, target: str, sim: str | None, name: str) -> Path:
    """The analysis configuration of a target: ``--config`` names the file in each target's folder."""
    path = layout.target_config(target, sim, name)
    if not path.is_file():
        raise InputError(
            path, "--config", f"analysis configuration not found ({name!r} is looked up in each target's folder)"
        )
    return path


def config_name(args: Mapping[str, Any], run_config: RunConfig) -> str:
    """``--config``, else the prepared run's name of the per-target file (master: ``config_localpath``)."""
    return args.get("config") or run_config.config_name


def target_config_path(
    layout: Layout, target: str, sim: str | None, args: Mapping[str, Any], run_config: RunConfig
) -> Path:
    """The analysis configuration ``--config`` names for a target, checked to exist."""
    return check_config(layout, target, sim, config_name(args, run_config))


def for_each(items: Iterable[Any], total: int, label: str, work: Callable[[Any], object]) -> None:
    """Run ``work`` over items, with progress on a terminal."""
    for item in progress(items, total, label):
        work(item)


def output_area(args: Mapping[str, Any]) -> tuple[Layout, RunConfig, str | None]:
    """What a step's ``outputs`` needs: the layout, the prepared configuration and the area
    (``--sim``; ``--skydirs`` alone means the random directions, as for AnalyzeSED)."""
    from pyfermijobs.layout import RANDOM_SIM

    layout = layout_of(args)
    sim = args.get("sim") or (RANDOM_SIM if args.get("skydirs") else None)
    return layout, RunConfig.read(layout), sim


def target_profile_pairs(args: Mapping[str, Any], layout: Layout, sim: str | None) -> list[tuple[str, str]]:
    """(target, profile) of ``--target``/``--targetlist`` (and ``--profile``) in an area."""
    return [(t, p) for t, profiles in target_profiles(args, layout, sim).items() for p in profiles]


def study_seeds(run_config: RunConfig, sim: str, args: Mapping[str, Any]) -> range:
    """A control study's seeds, or the ``--seed``/``--nsims`` part of them."""
    return run_config.study(sim).seeds(args.get("seed"), args.get("nsims"))


def baseline_of(run_config: RunConfig, args: Mapping[str, Any]) -> str:
    """The builtin baseline ROI's name (steps without ``--roi_baseline``: the default)."""
    return run_config.baseline_prefix(args.get("roi_baseline", OPTIONS["roi_baseline"].default))
