"""CollectLimits: a control study's limits over its realizations, and their expected bands.

As dmpipe's two collectors: per roster x prior the stacked limits (``stacked/limits_{roster}_{prior}
_summary_*.fits``), and per target x profile x prior each target's own (``{target}/dmlimits_{profile}
_{prior}_summary_*.fits``): every realization's best fit, TS and limits, and per channel x mass
their median and 68%/95% bands (the expected limits), with how many realizations they hold
(``nreal``) and how many were unconstrained (``*_ninf``). A scenario that injected a dark-matter
signal records it in the header (INJ_SV, INJ_MASS, INJ_CHAN; for a decay channel INJ_TAU, the
lifetime in s, instead of INJ_SV). Decay channels are banded on their lifetime limits too
(``tau_ll95_median`` ...: the expected lower limits).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.labels import is_synthetic
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import layout_of, output_area, read_run_config, study_seeds
from pyfermijobs.steps.dm_common import identity, priors, rosters, stage
from pyfermijobs.steps.typed_options import CollectLimitsOptions


def injected_dm(layout: Layout, sim: str) -> dict[str, Any]:
    """The injected dark-matter signal of a scenario (empty if it injects none or another spectrum)."""
    from pyfermijobs.config.scenarios import load_scenario
    from pyfermijobs.darkmatter.spectra import channel_name, is_decay

    injected = (
        load_scenario(layout.scenario_copy(sim))["injected_source"] if layout.scenario_copy(sim).exists() else None
    )
    model = {k.lower(): v for k, v in ((injected or {}).get("source_model") or {}).items()}
    if str(model.get("spectrumtype", "")).lower() != "dmfitfunction":
        return {}

    def value(key: str) -> Any:
        raw = model.get(key)
        return raw.get("value") if isinstance(raw, dict) else raw

    channel = channel_name(int(float(value("channel0"))))
    # fermipy's DMFitFunction: params[0] (``sigmav``) is the lifetime tau (s) of a decay channel
    inter = "INJ_TAU" if is_decay(channel) else "INJ_SV"
    return {inter: float(value("sigmav")), "INJ_MASS": float(value("mass")), "INJ_CHAN": channel}


def run(args: CollectLimitsOptions) -> None:
    """A control study's dark-matter limits over its realizations (per target x profile x prior, and
    stacked per roster), with the expected bands and how many realizations each holds."""
    layout = layout_of(args)
    run_config = read_run_config(layout)
    chosen = priors(args, stage(run_config))
    if not args.sim:
        raise InputError("command line", "--sim", "required: the control study whose limits are collected")
    study = run_config.study(args.sim)
    sim = study.name
    keys = list(study.seeds(args.seed, args.nsims))
    first, last = keys[0], keys[-1]
    truth = injected_dm(layout, sim)
    if args.roster is None:  # per target (dmpipe's collect-limits), beside the stacked ones
        for target, profiles in study.profiles.items():
            for profile in profiles:
                for prior in chosen:
                    paths = [layout.dmlimits_file(target, profile, prior, sim, s) for s in keys]
                    out = layout.dmlimits_summary_file(sim, target, profile, prior, first, last)
                    collect(paths, keys, out, identity(target=target, profile=profile, jprior=prior, sim=sim,
                            first=first, last=last), truth, layout.target_dir(target, sim))  # fmt: skip
    for roster in rosters(layout, sim, args.roster):
        for prior in chosen:
            paths = [layout.stacked_limits_file(roster, prior, sim, s) for s in keys]
            out = layout.stacked_summary_file(sim, roster, prior, first, last)
            header = identity(roster=roster, jprior=prior, sim=sim, first=first, last=last)
            collect(paths, keys, out, header, truth, layout.stacked_dir(sim))


def collect(paths: list[Path], seeds: list[Any], out: Path, header: dict[str, Any], truth: dict[str, Any],
            where: Path) -> None:  # fmt: skip
    """Every realization's limits file -> one summary (bands over the realizations)."""
    from pyfermijobs.io.dm_fits import limit_columns, read_limits, write_limits_summary

    missing = [str(s) for s, p in zip(seeds, paths, strict=True) if not p.exists()]
    if missing:
        raise InputError(where, paths[0].name, f"limits missing for seeds {', '.join(missing)}")
    tables = [read_limits(p) for p in paths]
    lim0, header0 = tables[0]
    columns = [limit_columns(t) for t, _ in tables]  # decay channels: rates and lifetimes (s)
    stacked = {name: np.stack([c[name] for c in columns]) for name in columns[0]}
    header = {**header, **truth, "SYNTHET": is_synthetic(header0)}
    write_limits_summary(out, lim0.channels, lim0.masses, seeds, stacked, header)


def outputs(args: CollectLimitsOptions) -> list[Path]:
    """What :func:`run` writes for these options: each roster's summary per prior, and (without
    ``--roster``) each target x profile's, as dmpipe's collect-limits."""
    layout, run_config, sim = output_area(args)
    chosen, seed_range = priors(args, stage(run_config)), study_seeds(run_config, str(sim), args)
    ends = (seed_range.start, seed_range.stop - 1)
    names = list(rosters(layout, sim, args.roster))
    out = [layout.stacked_summary_file(str(sim), r, j, *ends) for r in names for j in chosen]
    if args.roster is None:
        study = run_config.study(str(sim))
        pairs = [(t, p) for t, profiles in study.profiles.items() for p in profiles]
        out += [layout.dmlimits_summary_file(str(sim), t, p, j, *ends) for t, p in pairs for j in chosen]
    return out
