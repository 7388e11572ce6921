"""ConvertCastro: each castro SED -> likelihood in (channel, mass, sigmav) per J-factor prior.

For the data (no ``--sim``) and for every realization of a control study (``--sim``, seeds from
the study or ``--seed``/``--nsims``). Writes dmpipe's ``dmlike_*`` and ``dmlimits_*`` files.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import for_each, layout_of, read_run_config, target_profiles
from pyfermijobs.steps.dm_common import identity, jfactor, priors, seeds, stage


def convert_one(
    layout: Layout, table: Any, target: str, profile: str, chosen: list[str], sim: str | None, seed: int | None
) -> None:
    """One castro under each chosen prior: read and interpolated once, converted per J-factor."""
    from pyfermijobs.darkmatter.castro import CastroLikelihood
    from pyfermijobs.darkmatter.likelihood import convert_priors
    from pyfermijobs.darkmatter.limits import limits
    from pyfermijobs.io.dm_fits import write_dmlike, write_limits
    from pyfermijobs.io.sed_fits import read_sed

    path = layout.sed_file(target, profile) if sim is None else layout.sim_sed_file(sim, target, profile, seed)
    sed, header = read_sed(path)
    if len(sed["e_min"]) != len(table.emin) or not np.allclose(sed["e_min"], table.emin, rtol=1e-4):
        raise InputError(path, "e_min", f"energy bins differ from the spectra table {layout.spec_table_file()}")
    castro = CastroLikelihood.from_sed(sed)
    by_jfactor: dict[tuple[float, float], list[str]] = {}
    for prior in chosen:
        by_jfactor.setdefault(jfactor(layout, target, profile, sim, prior), []).append(prior)
    for (j0, js), group in by_jfactor.items():
        likes = convert_priors(castro, table.eflux_per_unit(), table.channels, table.masses, j0, js, group)
        for prior, like in likes.items():
            keys = identity(
                target=target,
                profile=profile,
                jprior=prior,
                sim=sim,
                seed=seed,
                j_integ=j0,
                j_sigma=js,
                synthet=bool(header.get("SYNTHET", False)),
            )
            write_dmlike(layout.dmlike_file(target, profile, prior, sim, seed), like, keys)
            write_limits(layout.dmlimits_file(target, profile, prior, sim, seed), limits(like), keys)


def run(args: dict[str, Any]) -> None:
    from pyfermijobs.io.dm_fits import read_spec_table

    layout = layout_of(args)
    config = read_run_config(layout)
    dm = stage(config)
    chosen = priors(args, dm)
    sim = args.get("sim")
    table = read_spec_table(layout.spec_table_file())
    work = [
        (t, p, s)
        for t, profiles in target_profiles(args, layout, sim).items()
        for p in profiles
        for s in seeds(config, args)
    ]
    for_each(work, len(work), "convert-castro", lambda w: convert_one(layout, table, w[0], w[1], chosen, sim, w[2]))
