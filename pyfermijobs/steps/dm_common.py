"""What the dark-matter steps share: the stage's settings, J- and D-factors, seeds and rosters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyfermijobs.config.darkmatter import DarkMatter, check_astro_factor
from pyfermijobs.config.run import RunConfig
from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import study_seeds
from pyfermijobs.yamlio import load_yaml


def stage(run_config: RunConfig) -> DarkMatter:
    """The prepared dark-matter stage; an error if the master file did not ask for one."""
    if run_config.darkmatter is None:
        raise InputError(
            run_config.origin, "astro_priors", "no dark-matter stage was prepared: set astro_priors in the master file"
        )
    return run_config.darkmatter


def priors(args: Mapping[str, Any], dm: DarkMatter) -> list[str]:
    """``--jpriors``, checked against the prepared ones; default: all of them."""
    chosen = list(args.get("jpriors") or dm.priors)
    for prior in chosen:
        if prior not in dm.priors:
            raise InputError(
                "command line", "--jpriors", f"prior {prior!r} was not prepared (astro_priors: {dm.priors})"
            )
    return chosen


def jfactor(
    layout: Layout, target: str, profile: str, sim: str | None, prior: str, decay: bool = False
) -> tuple[float, float]:
    """(J0 in GeV2 cm-5, sigma of log10 J) of a target's profile, from its ``astro_val`` file; with
    ``decay`` (D0 in GeV cm-2, sigma of log10 D)."""
    version = profile.rsplit("_", 1)[0]
    path = layout.astro_value_file(target, version, sim)
    info = load_yaml(path, "astro value file") or {}
    return check_astro_factor(info, [prior], target, version, path, decay)


def seeds(run_config: RunConfig, args: Mapping[str, Any]) -> list[int | None]:
    """[None] for the data; the study's seeds (or --seed/--nsims) for a control study."""
    sim = args.get("sim")
    if not sim:
        return [None]
    return list(study_seeds(run_config, sim, args))


def rosters(layout: Layout, sim: str | None, only: str | None) -> dict[str, list[tuple[str, str]]]:
    """{roster key: [(target, profile), ...]} of the area's roster_list.yaml (``--roster``: one)."""
    path = layout.roster_list(sim)
    listing = load_yaml(path, "roster list") or {}
    if only is not None:
        if only not in listing:
            raise InputError(path, only, f"unknown roster (known: {', '.join(listing)})")
        listing = {only: listing[only]}
    out: dict[str, list[tuple[str, str]]] = {}
    for name, entries in listing.items():
        out[str(name)] = [(target, profile) for target, _, profile in (str(e).partition(":") for e in entries)]
    return out


def identity(**keys: Any) -> dict[str, Any]:
    """FITS header keys of a dark-matter file (at most 8 letters each)."""
    return {k.upper()[:8]: v for k, v in keys.items() if v is not None}
