"""AnalyzeSED: the castro SED of each target x profile (and of random directions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyfermijobs.errors import InputError
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps.common import check_config, fermitools_for, for_each, layout_of, run_config, target_profiles
from pyfermijobs.yamlio import load_yaml


def profile_position(path: Path) -> tuple[str, float, float]:
    """Name and (RA, DEC) of a profile's test source (``profile_*.yaml``)."""
    doc = load_yaml(path, "profile file")
    try:
        model = doc["source_model"]
        return str(doc["name"]), float(model["RA"]), float(model["DEC"])
    except (KeyError, TypeError, ValueError):
        raise InputError(path, "source_model", "a profile file needs name and source_model.RA/DEC") from None


def sed_header(roi: Any, product: Any, **ids: Any) -> dict[str, Any]:
    header = {
        "SRCNAME": ids.pop("srcname"),
        "TS": round(product.ts, 6),
        "NPRED": round(product.npred, 6),
        "SYNTHET": roi.synthetic,
        "NCORREL": len(product.correlated),
    }
    header.update({k.upper()[:8]: v for k, v in ids.items() if v is not None})
    return header


def sed_for(
    layout: Layout,
    target: str,
    profile: str,
    prefix: str,
    sim: str | None,
    keys: list[int] | None,
    skydirs: dict | None,
    non_null_src: bool,
    make_plots: bool = False,
    pdf: bool = False,
    config_name: str = "config.yaml",
) -> None:
    """Build and write the SED(s) of one target x profile from its baseline ROI.

    ``sim=None``: the data's SED; ``sim='random'``: one SED per direction key.
    """
    from pyfermijobs.config.analysis import load_template
    from pyfermijobs.datasets.roi import ROIDataset
    from pyfermijobs.estimators.sed import compute_sed, sed_settings
    from pyfermijobs.fitting.roi_fit import builtin_settings
    from pyfermijobs.io.sed_fits import write_sed

    config_path = layout.target_config(target, sim, config_name)
    config = load_template(config_path)
    settings = sed_settings(config, str(config_path))
    correl = builtin_settings(config, str(config_path))["correl_thresh"]
    name, ra, dec = profile_position(layout.profile_file(target, profile, sim))
    fits_path, yaml_path = layout.roi_file(target, prefix, sim), layout.roi_yaml(target, prefix, sim)
    jobs = [(None, ra, dec)] if keys is None else [(k, skydirs[k]["ra"], skydirs[k]["dec"]) for k in keys]
    for key, jra, jdec in jobs:
        roi, _ = ROIDataset.read(fits_path, yaml_path)
        product = compute_sed(roi, name, jra, jdec, settings, correl, non_null_src)
        header = sed_header(roi, product, srcname=name, target=target, profile=profile, sim=sim, seed=key)
        header["RA"], header["DEC"] = jra, jdec
        out = layout.sed_file(target, profile) if key is None else layout.sim_sed_file(sim, target, profile, key)
        write_sed(out, product.sed, product.model_flux, product.params, header)
        if make_plots and key is None:
            from pyfermijobs.steps.plots import castro

            castro(layout, target, profile, pdf)


def analysis_area(args: dict[str, Any], config: Any) -> str | None:
    """Where AnalyzeSED works: the data (None) or the random directions ('random').

    ``--skydirs`` implies the random directions (as in the fermipy.jobs guide). Simulation scenarios
    make their SEDs in SimulateROI; AnalyzeSED never writes into, or over, another area's results.
    """
    sim = args.get("sim")
    if args.get("skydirs") and sim is None:
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
    layout: Layout, targets: dict[str, list[str]], args: dict[str, Any], prefix: str
) -> dict[str, dict[int, dict[str, float]]]:
    """Each target's directions, from its own file: ``--skydirs`` names it in the target's folder
    (default ``skydirs.yaml``; a path is read as it is). Every direction must lie in the target's ROI."""
    from pyfermijobs.datasets.geom import to_frame
    from pyfermijobs.datasets.roi import read_geometry

    out = {}
    for target in targets:
        path = layout.skydirs_file(target, args.get("skydirs") or "skydirs.yaml")
        dirs = _read_skydirs(path)
        geom = read_geometry(layout.roi_yaml(target, prefix, RANDOM_SIM))
        for key, d in dirs.items():
            if not geom.contains(*to_frame(d["ra"], d["dec"], geom.coordsys)):
                raise InputError(
                    path, str(key), f"direction ({d['ra']}, {d['dec']}) is outside the ROI of target {target}"
                )
        out[target] = dirs
    return out


def run(args: dict[str, Any]) -> None:
    layout = layout_of(args)
    config = run_config(layout)
    sim = analysis_area(args, config)
    tools = fermitools_for(config, sim)
    targets = target_profiles(args, layout, sim)
    fermipy_prefix = args.get("roi_baseline") or "fit_baseline"
    prefix = config.baseline_prefix(fermipy_prefix)
    config_name = args.get("config") or "config.yaml"
    for target in targets:  # every input checked before any work
        for profile in targets[target]:
            profile_position(layout.profile_file(target, profile, sim))
        baseline = [layout.roi_file(target, prefix, sim), layout.roi_yaml(target, prefix, sim)]
        if tools is not None:
            baseline += layout.fermipy_roi_files(target, fermipy_prefix, sim)[1:]
        for path in baseline:
            if not path.exists():
                raise InputError(
                    path,
                    None,
                    "baseline ROI not found: run analyze-roi" + (" and copy-base-roi" if sim else "") + " first",
                )
        check_config(layout, target, sim, config_name)
    skydirs = directions(layout, targets, args, prefix) if sim == RANDOM_SIM else {}

    def keys_for(target: str) -> list[int] | None:
        if sim != RANDOM_SIM:
            return None
        available = sorted(skydirs[target])
        first = args["seed"] if args.get("seed") is not None else available[0]
        count = args["nsims"] if args.get("nsims") is not None else len([k for k in available if k >= first])
        wanted = list(range(first, first + count))
        missing = [k for k in wanted if k not in skydirs[target]]
        if missing:
            raise InputError(
                layout.skydirs_file(target, args.get("skydirs") or "skydirs.yaml"),
                str(missing[0]),
                "direction key not in the skydirs file",
            )
        return wanted

    work = [(t, p) for t, profiles in targets.items() for p in profiles]
    selected = {t: keys_for(t) for t in targets}
    if tools is not None:
        from pyfermijobs.backends.fermipy.analysis import analyze_sed as fermipy_sed

        def one_target(target: str) -> None:
            fermipy_sed(
                tools,
                layout,
                target,
                targets[target],
                fermipy_prefix,
                sim,
                selected[target],
                skydirs.get(target),
                bool(args.get("non_null_src")),
                layout.target_config(target, sim, config_name),
            )
            if args.get("make_plots") and sim is None:
                from pyfermijobs.steps.plots import castro

                for profile in targets[target]:
                    castro(layout, target, profile, bool(args.get("pdf")))

        for_each(targets, len(targets), "analyze-sed (fermipy)", one_target)
        return
    for_each(
        work,
        len(work),
        "analyze-sed",
        lambda tp: sed_for(
            layout,
            tp[0],
            tp[1],
            prefix,
            sim,
            selected[tp[0]],
            skydirs.get(tp[0]),
            bool(args.get("non_null_src")),
            bool(args.get("make_plots")),
            bool(args.get("pdf")),
            config_name,
        ),
    )


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
