"""The dark-matter stage's configuration: the spectra file and the J-factors it needs.

``config/dm_spectra_{ttype}.yaml`` (dmpipe's spec config) names the channels (annihilation, and
decay as ``bb_decay`` ...) and the mass grid; the master file's ``astro_priors`` turn the stage on.
Every target x profile the stage analyses needs a J-factor for annihilation channels (``j_integ`` in
GeV2 cm-5, ``j_sigma`` in log10; from dmsky, the shipped dwarf catalog or the roster / targets file)
and a D-factor for decay channels (``d_integ`` in GeV cm-2, ``d_sigma`` in log10): a missing one is
an error before any work.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.config.fields import Field, at_least, check_section, non_empty, positive
from pyfermijobs.errors import InputError
from pyfermijobs.named_inputs import note
from pyfermijobs.yamlio import load_yaml

MASS_FIELDS = {
    "mass_min": Field("float", doc="lowest mass (GeV)", check=positive),
    "mass_max": Field("float", doc="highest mass (GeV)", check=positive),
    "mass_nstep": Field("int", doc="number of masses, log-spaced", check=at_least(1)),
}
SPEC_FIELDS = {
    "channels": Field(
        "list[str]", doc="channels (DMFitFunction names: bb ... annihilation, bb_decay ... decay)", check=non_empty
    ),
    "masses": Field(
        "any", doc="mass grid (GeV): {mass_min, mass_max, mass_nstep} (log-spaced), or a list of masses as dmpipe takes"
    ),
}


def default_specconfig(ttype: str) -> str:
    """dmpipe's default spectra configuration, relative to the master file's folder."""
    return f"config/dm_spectra_{ttype}.yaml"


@dataclass(frozen=True)
class SpecConfig:
    channels: tuple[str, ...]
    masses: tuple[float, ...]

    def to_doc(self) -> dict[str, Any]:
        return {"channels": list(self.channels), "masses": list(self.masses)}


def load_spec_config(path: Path) -> SpecConfig:
    """Read and check a spectra configuration: known channels, masses inside fermipy's table."""
    from pyfermijobs.darkmatter.spectra import channel_name, table_masses

    top = check_section(load_yaml(path, "dark-matter spectra configuration"), SPEC_FIELDS, path)
    channels = []
    for name in top["channels"]:
        try:
            channels.append(channel_name(name))
        except ValueError as exc:
            raise InputError(path, "channels", str(exc)) from None
    lo, hi = table_masses()
    if isinstance(top["masses"], list):
        masses = []
        for k, value in enumerate(top["masses"]):
            number = _positive_number(value)
            if number is None or not lo <= number <= hi:
                raise InputError(
                    path, f"masses[{k}]", f"{value!r} is not a mass in fermipy's spectra table ({lo:g}-{hi:g} GeV)"
                )
            masses.append(number)
        if not masses or any(b <= a for a, b in itertools.pairwise(masses)):
            raise InputError(path, "masses", "a mass list must be non-empty and increasing")
        return SpecConfig(tuple(channels), tuple(masses))
    if not isinstance(top["masses"], dict):
        raise InputError(path, "masses", "must be {mass_min, mass_max, mass_nstep} or a list of masses (GeV)")
    grid = check_section(top["masses"], MASS_FIELDS, path, "masses.")
    for key in ("mass_min", "mass_max"):
        if not lo <= grid[key] <= hi:
            raise InputError(
                path, f"masses.{key}", f"{grid[key]} GeV is outside fermipy's spectra table ({lo:g}-{hi:g} GeV)"
            )
    if grid["mass_max"] < grid["mass_min"]:
        raise InputError(path, "masses.mass_max", "must be >= mass_min")
    grid_masses = np.logspace(np.log10(grid["mass_min"]), np.log10(grid["mass_max"]), grid["mass_nstep"])
    return SpecConfig(tuple(channels), tuple(float(m) for m in grid_masses))


def _positive_number(value: Any) -> float | None:
    """A positive float from YAML (which reads ``6.3e18``, without a sign in the exponent, as text)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and np.isfinite(number) else None


def check_jfactor(
    info: dict[str, Any], priors: list[str], target: str, version: str, origin: Any
) -> tuple[float, float]:
    """A target version's (J0, sigma of log10 J), as the priors need them (``none``: j_integ only)."""
    return check_astro_factor(info, priors, target, version, origin, decay=False)


def check_dfactor(
    info: dict[str, Any], priors: list[str], target: str, version: str, origin: Any
) -> tuple[float, float]:
    """A target version's (D0, sigma of log10 D) for decay channels, as the priors need them."""
    return check_astro_factor(info, priors, target, version, origin, decay=True)


def check_astro_factor(
    info: dict[str, Any], priors: list[str], target: str, version: str, origin: Any, decay: bool
) -> tuple[float, float]:
    """(J0, j_sigma) for annihilation, (D0, d_sigma) for decay: the factor, and its log10 width where
    a prior other than ``none`` needs one; an error naming target and version otherwise."""
    if decay:
        key, name, unit, what = "d", "D-factor", "GeV cm-2", "decay channels"
    else:
        key, name, unit, what = "j", "J-factor", "GeV2 cm-5", "dark-matter stage"
    value = _positive_number(info.get(f"{key}_integ"))
    if value is None:
        given = f" (got {info[f'{key}_integ']!r})" if f"{key}_integ" in info else ""
        raise InputError(
            origin,
            f"{target}:{version}",
            f"no {name} ({key}_integ, {unit}, > 0){given} for this target and profile: the {what} "
            f"{'need' if decay else 'needs'} one; give {key}_integ/{key}_sigma in the roster or targets file",
        )
    sigma = _positive_number(info.get(f"{key}_sigma"))
    if sigma is None and any(p != "none" for p in priors):
        raise InputError(
            origin,
            f"{target}:{version}",
            f"no {name} uncertainty ({key}_sigma, log10, > 0) for this target and profile: the priors "
            f"{', '.join(p for p in priors if p != 'none')} need one",
        )
    return value, sigma or 0.0


@dataclass(frozen=True)
class DarkMatter:
    """The stage as prepared: priors, channels, masses and the channels plotted."""

    priors: tuple[str, ...]
    spec: SpecConfig
    plot_channels: tuple[str, ...]
    #: published limits to overlay, a path with {channel} (the LAT release's layout); None: none
    reference_limits: str | None = None

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> DarkMatter:
        return cls(
            tuple(doc["priors"]),
            SpecConfig(tuple(doc["channels"]), tuple(float(m) for m in doc["masses"])),
            tuple(doc["plot_channels"]),
            doc.get("reference_limits"),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            "priors": list(self.priors),
            **self.spec.to_doc(),
            "plot_channels": list(self.plot_channels),
            "reference_limits": self.reference_limits,
        }

    def reference_file(self, channel: str) -> Path | None:
        """The published limits of a channel, when a reference was given and has that channel."""
        if self.reference_limits is None:
            return None
        path = Path(self.reference_limits.replace("{channel}", channel))
        return note(path) if path.is_file() else None
