"""SimulateROI: Poisson realizations of the baseline model, optionally with an injected source.

For each seed the counts are redrawn from the baseline model (plus the scenario's
``injected_source``, which is then also part of the model that is refitted, as in fermipy),
the free parameters are refitted and the SED of the target profile is built; with
``--non_null_src`` the source at the target position (the injected one) is zeroed first, so
that the SED sees the injected signal. What was injected is written beside each SED
(``truth_{profile}_{seed}.yaml``) for the calibration plots.

Each realization's random stream depends only on (target, profile, scenario, seed): the
same seed gives the same numbers however seeds are split across tasks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.steps.analyze_sed import profile_position, sed_header
from pyfermijobs.steps.common import check_config, fermitools_for, for_each, layout_of, run_config, target_profiles
from pyfermijobs.yamlio import write_yaml


def injected_component(layout: Layout, roi: Any, target: str, sim: str, sim_profile: str | None) -> Any:
    """The scenario's injected source as a model component (None for a null scenario)."""
    from pyfermijobs.config.scenarios import load_scenario
    from pyfermijobs.datasets.geom import to_frame
    from pyfermijobs.models.spectra import spectrum_from_fermipy

    path = layout.scenario_copy(sim)
    injected = load_scenario(path)["injected_source"]
    if injected is None:
        return None
    model = injected["source_model"]
    spectrum = spectrum_from_fermipy(model, str(path), "injected_source.source_model")
    _, ra, dec = profile_position(layout.profile_file(target, sim_profile, sim))
    lowered = {k.lower(): v for k, v in model.items()}
    if "ra" in lowered or "dec" in lowered:
        ra, dec = float(lowered.get("ra", ra)), float(lowered.get("dec", dec))
    if not roi.geom.contains(*to_frame(ra, dec, roi.geom.coordsys)):
        raise InputError(path, "injected_source", f"position ({ra}, {dec}) is outside the ROI of target {target}")
    comp = roi.point_source(str(injected["name"]), ra, dec, spectrum, injected=True)
    comp.free = ["norm"]
    return comp


def truth_doc(sim: str, seed: int, injected: dict[str, Any] | None) -> dict[str, Any]:
    """What a realization contains (``truth_{profile}_{seed}.yaml``), whichever engine made it."""
    return {"sim": sim, "seed": seed, "injected": injected}


def injected_doc(
    name: str, ra: float, dec: float, spectrum: Any, emin: Any, emax: Any, bin_index: float, npred: Any
) -> dict[str, Any]:
    """An injected source per energy bin, in the SED's units: flux and normalisation of the SED's reference."""
    from pyfermijobs.estimators.sed import reference_spectrum

    ref = reference_spectrum(bin_index)
    flux = np.array([spectrum.flux(a, b) for a, b in zip(emin, emax, strict=True)])
    ref_flux = np.array([ref.flux(a, b) for a, b in zip(emin, emax, strict=True)])
    return {
        "name": name,
        "ra": ra,
        "dec": dec,
        "spectrum": spectrum.to_dict(),
        "flux": flux.tolist(),
        "norm": (flux / ref_flux).tolist(),
        "npred": np.asarray(npred, float).tolist(),
    }


def truth(roi: Any, injected: Any, settings: dict[str, Any], seed: int, sim: str) -> dict[str, Any]:
    """What a realization of the builtin engine contains."""
    if injected is None:
        return truth_doc(sim, seed, None)
    npred = injected.template.sum(axis=(1, 2))
    geom = roi.geom
    return truth_doc(
        sim,
        seed,
        injected_doc(
            injected.name,
            injected.ra,
            injected.dec,
            injected.spectrum,
            geom.emin,
            geom.emax,
            settings["bin_index"],
            npred,
        ),
    )


def simulate(
    layout: Layout,
    target: str,
    profile: str,
    sim: str,
    sim_profile: str | None,
    seeds: range,
    prefix: str,
    non_null_src: bool,
    do_find_src: bool,
    config_name: str = "config.yaml",
) -> None:
    from pyfermijobs.config.analysis import load_template
    from pyfermijobs.datasets.roi import ROIDataset
    from pyfermijobs.datasets.simulate import realization
    from pyfermijobs.estimators.sed import compute_sed, sed_settings
    from pyfermijobs.estimators.tsmap import find_sources
    from pyfermijobs.fitting.roi_fit import builtin_settings, fit_components, free_names
    from pyfermijobs.io.sed_fits import write_sed
    from pyfermijobs.rng import generator

    config_path = layout.target_config(target, sim, config_name)
    config = load_template(config_path)
    settings = sed_settings(config, str(config_path))
    builtin = builtin_settings(config, str(config_path))
    base, _ = ROIDataset.read(layout.roi_file(target, prefix, sim), layout.roi_yaml(target, prefix, sim))
    name, ra, dec = profile_position(layout.profile_file(target, profile, sim))
    injected = injected_component(layout, base, target, sim, sim_profile)
    expected = base.model() + (injected.template if injected is not None else 0.0)
    for seed in seeds:
        roi = realization(base, injected, generator("simulate", target, profile, sim, seed), expected)
        if do_find_src and find_sources(roi, builtin["find_src_sqrt_ts"]):
            fit_components(roi, free_names(roi)).apply()
        product = compute_sed(roi, name, ra, dec, settings, builtin["correl_thresh"], non_null_src)
        header = sed_header(roi, product, srcname=name, target=target, profile=profile, sim=sim, seed=seed)
        header.update(INJECTED=injected is not None, NONNULL=non_null_src, FINDSRC=do_find_src)
        write_sed(
            layout.sim_sed_file(sim, target, profile, seed), product.sed, product.model_flux, product.params, header
        )
        write_yaml(layout.sim_truth_file(sim, target, profile, seed), truth(roi, injected, settings, seed, sim))


def run(args: dict[str, Any]) -> None:
    layout = layout_of(args)
    config = run_config(layout)
    sim = args["sim"]
    study = config.study(sim, allow_random=False)
    tools = fermitools_for(config, sim)
    targets = target_profiles(args, layout, sim)
    seeds = study.seeds(args.get("seed"), args.get("nsims"))
    # flags not given take the study's settings (master file: sim_defaults / sims)
    non_null_src = study.non_null_src if args.get("non_null_src") is None else bool(args["non_null_src"])
    do_find_src = study.do_find_src if args.get("do_find_src") is None else bool(args["do_find_src"])
    fermipy_prefix = args.get("roi_baseline") or "fit_baseline"
    prefix = config.baseline_prefix(fermipy_prefix)
    config_name = args.get("config") or "config.yaml"
    # the simulated profile places the injected source: resolved per target, before any work
    sim_profiles = {
        t: config.sim_profile(study, t, args.get("sim_profile")) if study.injected or args.get("sim_profile") else None
        for t in targets
    }
    for target in targets:
        baseline = [layout.roi_file(target, prefix, sim), layout.roi_yaml(target, prefix, sim)]
        if tools is not None:
            baseline += [
                *layout.fermipy_roi_files(target, fermipy_prefix, sim)[1:],
                layout.fermipy_file(target, "srcmap", sim),
            ]
        for path in baseline:
            if not path.exists():
                raise InputError(path, None, "baseline ROI not found: run analyze-roi and copy-base-roi first")
        check_config(layout, target, sim, config_name)
    work = [(target, profile) for target, profiles in targets.items() for profile in profiles]
    if tools is not None:
        simulate_fermipy(tools, layout, targets, sim, seeds, fermipy_prefix, non_null_src, do_find_src, config_name)
        return
    # the scenario itself is checked (spectrum supported, position in the ROI) before any realization
    from pyfermijobs.datasets.roi import ROIDataset

    for target in targets:
        base, _ = ROIDataset.read(layout.roi_file(target, prefix, sim), layout.roi_yaml(target, prefix, sim))
        injected_component(layout, base, target, sim, sim_profiles[target])
    for_each(
        work,
        len(work),
        f"simulate-roi {sim} ({len(seeds)} seeds each)",
        lambda tp: simulate(
            layout,
            tp[0],
            tp[1],
            sim,
            sim_profiles[tp[0]],
            seeds,
            prefix,
            non_null_src,
            do_find_src,
            config_name,
        ),
    )


def simulate_fermipy(
    tools: Any,
    layout: Layout,
    targets: dict[str, list[str]],
    sim: str,
    seeds: range,
    prefix: str,
    non_null_src: bool,
    do_find_src: bool,
    config_name: str,
) -> None:
    """SimulateROI with fermipy: one GTAnalysis per target runs every seed for its profiles."""
    from pyfermijobs.backends.fermipy.analysis import simulate as fermipy_simulate
    from pyfermijobs.config.analysis import load_template
    from pyfermijobs.config.scenarios import load_scenario
    from pyfermijobs.estimators.sed import sed_settings

    injected = load_scenario(layout.scenario_copy(sim))["injected_source"]

    def one_target(target: str) -> None:
        path = layout.target_config(target, sim, config_name)
        bin_index = sed_settings(load_template(path), str(path))["bin_index"]
        fermipy_simulate(
            tools,
            layout,
            target,
            targets[target],
            sim,
            seeds,
            prefix,
            injected,
            non_null_src,
            do_find_src,
            bin_index,
            path,
        )

    for_each(targets, len(targets), f"simulate-roi {sim} (fermipy, {len(seeds)} seeds each)", one_target)
