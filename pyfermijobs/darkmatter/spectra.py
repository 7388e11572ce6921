"""Dark-matter gamma-ray spectra per energy bin: fermipy's ``DMFitFunction``, integrated.

The spectra are fermipy's (its ``gammamc_dif.dat`` table of dN/dx per channel and mass, shipped
in the wheel; no Fermitools). What this module adds is the integral over each energy bin, done
piecewise with Gauss-Legendre nodes in ln E and split at E = mass, where the spectrum ends (a
midpoint rule across that edge is off by percents). Annihilation only: flux = sigmav J / (8 pi
m^2) dN/dE, linear in sigmav J, so one table at a reference (sigmav, J) scales to all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

#: dmpipe's (and fermipy's) channel names, annihilation; fermipy's ST codes are 1..12 in this order.
CHANNELS = ("ee", "mumu", "tautau", "bb", "tt", "gg", "ww", "zz", "cc", "uu", "dd", "ss")
#: Reference normalisation of the tables (the thermal-relic scale and a typical dwarf's J).
SIGMAV_REF = 1e-26  # cm3 s-1
J_REF = 1e19  # GeV2 cm-5
GEV = 1000.0  # MeV
NODES = 24


@cache
def dm_function(channel: str) -> Any:
    """fermipy's DMFitFunction for one channel (loading its table takes ~1 s: once per process)."""
    from fermipy.spectrum import DMFitFunction

    return DMFitFunction([SIGMAV_REF, 100.0], chan=channel, jfactor=J_REF)


def table_masses() -> tuple[float, float]:
    """The mass range (GeV) of fermipy's spectra table."""
    masses = dm_function("bb")._mass
    return float(masses[0]), float(masses[-1])


def channel_name(code: Any) -> str:
    """A channel from a name (``bb``, ``bbbar``, ``b-bbar`` ...) or fermipy's integer code (4 = bb)."""
    from fermipy.spectrum import DMFitFunction

    if isinstance(code, int | float) and not isinstance(code, bool) and float(code).is_integer():
        short = DMFitFunction.channel_shortname_mapping.get(int(code))
        if short is not None and int(code) < 100:
            return short
        raise ValueError(f"channel code {code} is not an annihilation channel (1..12)")
    text = str(code)
    number = DMFitFunction.channel_rev_map.get(text)
    if number is None or number >= 100:
        raise ValueError(f"unknown annihilation channel {text!r}; known: {', '.join(CHANNELS)}")
    return DMFitFunction.channel_shortname_mapping[number]


def dnde(energy: np.ndarray, channel: str, mass: float, sigmav: float, jfactor: float) -> np.ndarray:
    """dN/dE (ph cm-2 s-1 MeV-1) at ``energy`` (MeV) for a mass in GeV, sigmav in cm3 s-1, J in GeV2 cm-5."""
    fn = dm_function(channel)
    e = np.atleast_1d(np.asarray(energy, dtype=float))
    ref = fn.dnde(e.ravel(), params=[SIGMAV_REF, float(mass)])
    return np.asarray(ref).reshape(e.shape) * (sigmav / SIGMAV_REF) * (jfactor / J_REF)


def bin_integrals(channel: str, mass: float, emin: np.ndarray, emax: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Photon flux and energy flux per bin at (SIGMAV_REF, J_REF): (ph cm-2 s-1, MeV cm-2 s-1)."""
    emin, emax = np.asarray(emin, float), np.asarray(emax, float)
    edge = mass * GEV
    x, w = np.polynomial.legendre.leggauss(NODES)
    flux = np.zeros(len(emin))
    eflux = np.zeros(len(emin))
    for lo, hi in ((emin, np.minimum(emax, edge)), (np.minimum(emax, edge), emax)):
        ok = hi > lo
        if not ok.any():
            continue
        a, b = np.log(lo[ok]), np.log(hi[ok])
        ln_e = 0.5 * (b - a)[:, None] * x[None, :] + 0.5 * (a + b)[:, None]
        weight = 0.5 * (b - a)[:, None] * w[None, :]
        e = np.exp(ln_e)
        f = dnde(e, channel, mass, SIGMAV_REF, J_REF)
        flux[ok] += np.sum(f * e * weight, axis=1)
        eflux[ok] += np.sum(f * e * e * weight, axis=1)
    return flux, eflux


def binning_key(emin: np.ndarray, emax: np.ndarray) -> str:
    """A short name for a set of energy bins (MeV), equal for bins equal to 4 significant digits (the
    LAT release's table rounds the edges its text files give to 7)."""
    import hashlib

    edges = ",".join(f"{e:.4g}" for e in (*np.asarray(emin, float), *np.asarray(emax, float)))
    return f"{len(emin)}bins{hashlib.sha1(edges.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class SpecTable:
    """Flux and energy flux per energy bin of every channel x mass, at (SIGMAV_REF, J_REF).

    ``ref_flux``/``ref_eflux`` have shape (channels, masses, energy bins).
    """

    channels: tuple[str, ...]
    masses: np.ndarray  # GeV
    emin: np.ndarray  # MeV
    emax: np.ndarray
    ref_flux: np.ndarray
    ref_eflux: np.ndarray

    def channel_index(self, channel: str) -> int:
        return self.channels.index(channel)

    def eflux_per_unit(self) -> np.ndarray:
        """Energy flux per unit (sigmav [cm3 s-1] x J [GeV2 cm-5])."""
        return self.ref_eflux / (SIGMAV_REF * J_REF)


def spec_table(channels: list[str], masses: np.ndarray, emin: np.ndarray, emax: np.ndarray) -> SpecTable:
    """The table for the energy bins of an analysis (dmpipe's SpecTable)."""
    shape = (len(channels), len(masses), len(emin))
    flux, eflux = np.zeros(shape), np.zeros(shape)
    for i, channel in enumerate(channels):
        for j, mass in enumerate(masses):
            flux[i, j], eflux[i, j] = bin_integrals(channel, float(mass), emin, emax)
    return SpecTable(tuple(channels), np.asarray(masses, float), np.asarray(emin), np.asarray(emax), flux, eflux)
