"""StackLikelihood: per roster x prior, the sum of its targets' dark-matter likelihoods.

For the data and for every realization (``--sim``): realization k of a roster sums realization
k of each target (for random directions, each target's direction k).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyfermijobs.errors import InputError
from pyfermijobs.labels import is_synthetic
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import for_each, layout_of, output_area, read_run_config
from pyfermijobs.steps.dm_common import identity, priors, rosters, seeds, stage
from pyfermijobs.steps.typed_options import StackLikelihoodOptions


def stack_one(
    layout: Layout, roster: str, members: list[tuple[str, str]], prior: str, sim: str | None, seed: int | None
) -> None:
    from pyfermijobs.darkmatter.limits import limits
    from pyfermijobs.io.dm_fits import read_dmlike, write_dmlike, write_limits

    total = None
    synthetic = False
    for target, profile in members:
        like, header = read_dmlike(layout.dmlike_file(target, profile, prior, sim, seed))
        synthetic |= is_synthetic(header)
        total = like if total is None else total + like
    if total is None:
        raise InputError(layout.roster_list(sim), roster, "a roster without members has no stacked likelihood")
    keys = identity(roster=roster, jprior=prior, sim=sim, seed=seed, ntargets=len(members), synthet=synthetic)
    keys["TARGETS"] = ",".join(t for t, _ in members)[:68]
    write_dmlike(layout.stacked_like_file(roster, prior, sim, seed), total, keys)
    stacked = limits(total)
    write_limits(layout.stacked_limits_file(roster, prior, sim, seed), stacked, keys)
    if sim is None:
        write_release_layout(layout, roster, members, prior, stacked)


def write_release_layout(layout: Layout, roster: str, members: list[tuple[str, str]], prior: str, stacked: Any) -> None:
    """The data's limits of a roster x prior as the LAT release writes them: per channel, each target's
    limit (profiled over its own J, as ConvertCastro computed it) and the combined one last. For a
    decay channel the lower limits on the lifetime (s), the header saying so."""
    from pyfermijobs.io.dm_fits import read_limits
    from pyfermijobs.io.release_limits import write_release_limits

    per_target = {target: read_limits(layout.dmlimits_file(target, profile, prior))[0] for target, profile in members}
    for c, channel in enumerate(stacked.channels):
        columns = {target: lim.limit95(channel)[0] for target, lim in per_target.items()}
        columns[f"composite_{roster}"] = stacked.limit95(channel)[0]
        path = layout.release_limits_file(roster, prior, channel)
        write_release_limits(path, stacked.masses, columns, decay=bool(stacked.decay[c]))


def run(args: StackLikelihoodOptions) -> None:
    """Sum the dark-matter likelihoods of each roster's targets per prior (and per realization in
    a study): dmpipe's stacked likelihood."""
    layout = layout_of(args)
    run_config = read_run_config(layout)
    chosen = priors(args, stage(run_config))
    sim = args.sim
    work = [
        (roster, members, prior, s)
        for roster, members in rosters(layout, sim, args.roster).items()
        for prior in chosen
        for s in seeds(run_config, args)
    ]
    for_each(work, len(work), "stack-likelihood", lambda w: stack_one(layout, w[0], w[1], w[2], sim, w[3]))


def outputs(args: StackLikelihoodOptions) -> list[Path]:
    """What :func:`run` writes for these options: per roster, prior and realization the stacked
    likelihood and limits; for the data also the limits in the LAT release's layout."""
    layout, run_config, sim = output_area(args)
    chosen, names = priors(args, stage(run_config)), list(rosters(layout, sim, args.roster))
    files = (layout.stacked_like_file, layout.stacked_limits_file)
    out = [f(r, j, sim, k) for r in names for j in chosen for k in seeds(run_config, args) for f in files]
    if sim is None:
        channels = stage(run_config).spec.channels
        out += [layout.release_limits_file(r, j, c) for r in names for j in chosen for c in channels]
    return out
