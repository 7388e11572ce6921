"""ConvertCastro: each castro SED -> likelihood in (channel, mass, sigmav) per J-factor prior.

For the data (no ``--sim``) and for every realization of a control study (``--sim``, seeds from
the study or ``--seed``/``--nsims``). Writes dmpipe's ``dmlike_*`` and ``dmlimits_*`` files. Decay
channels are converted with the target's D-factor (on the rate Gamma = 1/tau), annihilation ones
with its J-factor, into one file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.darkmatter.spectra import same_bins
from pyfermijobs.errors import InputError
from pyfermijobs.labels import is_synthetic
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import (
    for_each,
    layout_of,
    output_area,
    read_run_config,
    target_profile_pairs,
    target_profiles,
)
from pyfermijobs.steps.dm_common import identity, jfactor, priors, seeds, stage
from pyfermijobs.steps.typed_options import ConvertCastroOptions


def convert_one(
    layout: Layout, table: Any, target: str, profile: str, chosen: list[str], sim: str | None, seed: int | None
) -> None:
    """One castro under each chosen prior: read and interpolated once, converted per J-factor."""
    from pyfermijobs.darkmatter.castro import CastroLikelihood
    from pyfermijobs.darkmatter.likelihood import convert_table
    from pyfermijobs.darkmatter.limits import limits
    from pyfermijobs.io.dm_fits import write_dmlike, write_limits
    from pyfermijobs.io.sed_fits import read_sed

    if sim is None:
        path = layout.sed_file(target, profile)
    else:
        assert seed is not None, "a control study's SED has a seed"
        path = layout.sim_sed_file(sim, target, profile, seed)
    sed, header = read_sed(path)
    table = table_for(layout, table, sed, path)
    castro = CastroLikelihood.from_sed(sed, method=str(header.get("CASTRO", "pchip")))
    kinds = sorted(set(table.decay.tolist()))  # False: annihilation (J), True: decay (D)
    by_factors: dict[tuple, list[str]] = {}
    for prior in chosen:
        factors = tuple((d, jfactor(layout, target, profile, sim, prior, d)) for d in kinds)
        by_factors.setdefault(factors, []).append(prior)
    for factors, group in by_factors.items():
        for prior, like in convert_table(castro, table, dict(factors), group).items():
            astro = dict(factors)
            j0, js = astro.get(False, (None, None))
            d0, ds = astro.get(True, (None, None))
            keys = identity(
                target=target,
                profile=profile,
                jprior=prior,
                sim=sim,
                seed=seed,
                j_integ=j0,
                j_sigma=js,
                d_integ=d0,
                d_sigma=ds,
                synthet=is_synthetic(header),
            )
            write_dmlike(layout.dmlike_file(target, profile, prior, sim, seed), like, keys)
            write_limits(layout.dmlimits_file(target, profile, prior, sim, seed), limits(like), keys)


def table_for(layout: Layout, table: Any, sed: dict[str, Any], path: Any) -> Any:
    """The spectra table of the SED's energy bins: the template's, else the one SpecTable wrote for
    that binning (SEDs read from files); an error naming the SED and its first differing bin otherwise."""
    from pyfermijobs.io.dm_fits import read_spec_table

    if same_bins(table, sed):
        return table
    for other in layout.spec_table_files()[1:]:
        found = read_spec_table(other)
        if same_bins(found, sed):
            return found
    n = min(len(sed["e_min"]), len(table.emin))
    row = next((k for k in range(n) if not np.isclose(sed["e_min"][k], table.emin[k], rtol=1e-4)), n)
    raise InputError(
        path,
        f"e_min (row {row})",
        f"energy bins ({len(sed['e_min'])} from {sed['e_min'][0]:g} MeV) differ from every spectra table "
        f"({layout.spec_table_file()}: {len(table.emin)} from {table.emin[0]:g} MeV)",
    )


def run(args: ConvertCastroOptions) -> None:
    """Convert each castro SED (data, a realization, or a file made elsewhere) into (channel, mass,
    <sigma v>) likelihoods, one per J-factor prior; SEDs whose bins match no spectra table stop first."""
    from pyfermijobs.io.dm_fits import read_spec_table

    layout = layout_of(args)
    run_config = read_run_config(layout)
    dm = stage(run_config)
    chosen = priors(args, dm)
    sim = args.sim
    table = read_spec_table(layout.spec_table_file())
    work = [
        (t, p, s)
        for t, profiles in target_profiles(args, layout, sim).items()
        for p in profiles
        for s in seeds(run_config, args)
    ]
    for_each(work, len(work), "convert-castro", lambda w: convert_one(layout, table, w[0], w[1], chosen, sim, w[2]))


def outputs(args: ConvertCastroOptions) -> list[Path]:
    """What :func:`run` writes for these options: per pair, prior and realization a likelihood and limits."""
    layout, run_config, sim = output_area(args)
    chosen, keys = priors(args, stage(run_config)), seeds(run_config, args)
    files = (layout.dmlike_file, layout.dmlimits_file)
    pairs = target_profile_pairs(args, layout, sim)
    return [f(t, p, j, sim, k) for t, p in pairs for j in chosen for k in keys for f in files]
