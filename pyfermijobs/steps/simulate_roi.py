"""SimulateROI: Poisson realizations of the baseline, optionally with an injected source.

Per seed: counts redrawn from the baseline model (plus the scenario's ``injected_source``),
the free parameters refitted, the SEDs of the target's profiles built, and what was injected
written beside each SED (``truth_{profile}_{seed}.yaml``) for the calibration plots. The study's
options (``non_null_src``, ``do_find_src``, the simulated profile) come from the prepared
configuration unless a flag says otherwise. The engine is the control studies' (``sim_backend``).
"""

from __future__ import annotations

from pathlib import Path

from pyfermijobs.engines import FERMIPY, Realizations, engine_for
from pyfermijobs.engines.builtin import BuiltinEngine
from pyfermijobs.errors import InputError
from pyfermijobs.steps.common import (
    for_each,
    layout_of,
    output_area,
    read_run_config,
    study_seeds,
    target_config_path,
    target_profile_pairs,
    target_profiles,
)
from pyfermijobs.steps.typed_options import SimulateROIOptions


def run(args: SimulateROIOptions) -> None:
    """Poisson realizations of each target's baseline for a study's seeds, null or with the
    scenario's injected source, refitted and measured (SED per profile, truth file); the same seed
    gives the same numbers however the seeds are chunked."""
    layout = layout_of(args)
    run_config = read_run_config(layout)
    study = run_config.study(args.sim, allow_random=False)
    sim = study.name
    engine = engine_for(run_config, sim)
    targets = target_profiles(args, layout, sim)
    seeds = study.seeds(args.seed, args.nsims)
    non_null_src = study.non_null_src if args.non_null_src is None else args.non_null_src
    do_find_src = study.do_find_src if args.do_find_src is None else args.do_find_src
    prefix = run_config.baseline_for(engine.name, args.roi_baseline)
    # the simulated profile places the injected source: resolved per target, before any work
    sim_profiles = {
        t: run_config.sim_profile(study, t, args.sim_profile) if study.injected or args.sim_profile else None
        for t in targets
    }
    paths = {}
    for target in targets:
        builtin = run_config.baseline_prefix(args.roi_baseline)  # the builtin ROI exists for either engine
        baseline = [layout.roi_file(target, builtin, sim), layout.roi_yaml(target, builtin, sim)]
        if engine.name == FERMIPY:
            baseline += [*layout.fermipy_roi_files(target, prefix, sim)[1:], layout.fermipy_file(target, "srcmap", sim)]
        for path in baseline:
            if not path.exists():
                raise InputError(path, None, "baseline ROI not found: run analyze-roi and copy-base-roi first")
        paths[target] = target_config_path(layout, target, sim, args, run_config)
    if isinstance(engine, BuiltinEngine):  # the scenario itself (spectrum known, inside the ROI) before any realization
        for target in targets:
            engine.check_injection(layout, target, sim, prefix, sim_profiles[target])

    def one_target(target: str) -> None:
        work = Realizations(sim, seeds, sim_profiles[target], non_null_src, do_find_src)
        engine.simulate(layout, target, targets[target], prefix, work, paths[target])

    for_each(targets, len(targets), f"simulate-roi {sim} ({engine.name}, {len(seeds)} seeds each)", one_target)


def outputs(args: SimulateROIOptions) -> list[Path]:
    """What :func:`run` writes for these options: per target x profile x seed an SED and its truth."""
    layout, run_config, sim = output_area(args)
    pairs, seeds = target_profile_pairs(args, layout, sim), study_seeds(run_config, str(sim), args)
    return [f(str(sim), t, p, s) for t, p in pairs for s in seeds for f in (layout.sim_sed_file, layout.sim_truth_file)]
