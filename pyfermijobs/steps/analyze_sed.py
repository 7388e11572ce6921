"""AnalyzeSED: the castro SED of each target x profile (and of random directions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyfermijobs.config.profiles import profile_position
from pyfermijobs.engines import FERMIPY, SEDRequest, engine_for
from pyfermijobs.errors import InputError
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps.common import (
    analysed_profiles,
    for_each,
    layout_of,
    output_area,
    read_run_config,
    study_seeds,
    target_config_path,
    target_profile_pairs,
    target_profiles,
)
from pyfermijobs.steps.typed_options import AnalyzeSEDOptions
from pyfermijobs.yamlio import load_yaml


def analysis_area(args: AnalyzeSEDOptions, config: Any) -> str | None:
    """Where AnalyzeSED works: the data (None) or the random directions ('random').

    ``--skydirs`` implies the random directions (as in the fermipy.jobs guide). Simulation scenarios
    make their SEDs in SimulateROI; AnalyzeSED never writes into, or over, another area's results.
    """
    sim = args.sim
    if args.skydirs and sim is None:
        sim = RANDOM_SIM
    if sim is not None and sim != RANDOM_SIM:
        raise InputError(
            "command line",
            "--sim",
            f"analyze-sed makes the data's SEDs, and with --sim random (or --skydirs) the random directions'; "
            f"the SEDs of scenario {sim!r} are made by simulate-roi (fermipy.jobs' AnalyzeSED refuses --sim too)",
        )
    if sim is not None:
        config.study(sim)  # the random-direction study must have been prepared
    return sim


def directions(
    layout: Layout, targets: dict[str, list[str]], args: AnalyzeSEDOptions, prefix: str
) -> dict[str, dict[int, dict[str, float]]]:
    """Each target's directions, from its own file: ``--skydirs`` names it in the target's folder
    (default ``skydirs.yaml``; a path is read as it is). Every direction must lie in the target's ROI."""
    from pyfermijobs.datasets.geom import to_frame
    from pyfermijobs.datasets.roi import read_geometry

    out = {}
    for target in targets:
        path = layout.skydirs_file(target, args.skydirs or "skydirs.yaml")
        dirs = _read_skydirs(path)
        geom = read_geometry(layout.roi_yaml(target, prefix, RANDOM_SIM))
        for key, d in dirs.items():
            if not geom.contains(*to_frame(d["ra"], d["dec"], geom.coordsys)):
                raise InputError(
                    path, str(key), f"direction ({d['ra']}, {d['dec']}) is outside the ROI of target {target}"
                )
        out[target] = dirs
    return out


def run(args: AnalyzeSEDOptions) -> None:
    """Castro SEDs of each target x profile with the area's engine (data, a simulation's
    realizations or the random directions); every profile file and configuration is checked first."""
    layout = layout_of(args)
    run_config = read_run_config(layout)
    sim = analysis_area(args, run_config)
    engine = engine_for(run_config, sim)
    targets = target_profiles(args, layout, sim) if sim else analysed_profiles(args, layout, run_config)
    prefix = run_config.baseline_for(engine.name, args.roi_baseline)
    paths = {}
    for target in targets:  # every input checked before any work
        for profile in targets[target]:
            profile_position(layout.profile_file(target, profile, sim))
        builtin = run_config.baseline_prefix(args.roi_baseline)  # the builtin ROI exists for either engine
        baseline = [layout.roi_file(target, builtin, sim), layout.roi_yaml(target, builtin, sim)]
        if engine.name == FERMIPY:
            baseline += layout.fermipy_roi_files(target, prefix, sim)[1:]  # .npy and .xml
        for path in baseline:
            if not path.exists():
                raise InputError(
                    path,
                    None,
                    "baseline ROI not found: run analyze-roi" + (" and copy-base-roi" if sim else "") + " first",
                )
        paths[target] = target_config_path(layout, target, sim, args, run_config)
    skydirs = directions(layout, targets, args, run_config.baseline_prefix(args.roi_baseline)) if sim else {}
    selected = {t: select_directions(layout, t, skydirs[t], args) for t in skydirs}

    def one_target(target: str) -> None:
        request = SEDRequest(
            target, targets[target], prefix, sim, selected.get(target), args.non_null_src, paths[target]
        )
        engine.analyze_sed(layout, request)
        if args.make_plots and sim is None:
            from pyfermijobs.plotting.castro import plot_target_castro

            for profile in targets[target]:
                plot_target_castro(layout, target, profile, args.pdf)

    for_each(targets, len(targets), f"analyze-sed ({engine.name})", one_target)


def select_directions(
    layout: Layout, target: str, skydirs: dict[int, dict[str, float]], args: AnalyzeSEDOptions
) -> dict[int, dict[str, float]]:
    """The directions ``--seed``/``--nsims`` pick (default: every direction of the file)."""
    available = sorted(skydirs)
    first = args.seed if args.seed is not None else available[0]
    count = args.nsims if args.nsims is not None else len([k for k in available if k >= first])
    wanted = list(range(first, first + count))
    missing = [k for k in wanted if k not in skydirs]
    if missing:
        path = layout.skydirs_file(target, args.skydirs or "skydirs.yaml")
        raise InputError(path, str(missing[0]), "direction key not in the skydirs file")
    return {k: skydirs[k] for k in wanted}


def _read_skydirs(path: Path) -> dict[int, dict[str, float]]:
    doc = load_yaml(path, "skydirs file")
    if not isinstance(doc, dict):
        raise InputError(path, None, "a skydirs file maps direction keys to {ra, dec}")
    out = {}
    for key, value in doc.items():
        try:
            out[int(key)] = {"ra": float(value["ra"]), "dec": float(value["dec"])}
        except (KeyError, TypeError, ValueError):
            raise InputError(path, str(key), "each direction needs ra and dec") from None
    return out


def outputs(args: AnalyzeSEDOptions) -> list[Path]:
    """What :func:`run` writes for these options: the data's SEDs, or one per random direction."""
    layout, run_config, sim = output_area(args)
    pairs = target_profile_pairs(args, layout, sim)
    if sim is None:
        return [layout.sed_file(t, p) for t, p in pairs]
    return [layout.sim_sed_file(sim, t, p, s) for t, p in pairs for s in study_seeds(run_config, sim, args)]
