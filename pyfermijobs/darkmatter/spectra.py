"""Dark-matter gamma-ray spectra per energy bin: fermipy's ``DMFitFunction``, integrated.

The spectra are fermipy's (its ``gammamc_dif.dat`` table of dN/dx per channel and mass, shipped
in the wheel; no Fermitools). What this module adds is the integral over each energy bin, done
piecewise with Gauss-Legendre nodes in ln E and split at E = mass, where the spectrum ends (a
midpoint rule across that edge is off by percents).

Annihilation: flux = sigmav J / (8 pi m^2) dN/dE, linear in sigmav J. Decay (the ``*_decay``
channels, fermipy's codes 101-112): flux = D / (4 pi m tau) dN/dE, linear in the rate Gamma = 1/tau
times D. So one table at a reference (SIGMAV_REF, J_REF) or (TAU_REF, D_REF) scales to all; the
references are dmpipe's (``DMSpecTable``). fermipy's decay spectrum is its annihilation table read at
the mass parameter itself (``_eval_dnde`` takes ``mass = params[1]`` for both and cuts at x = E/m = 1),
not at m/2: its photons, like annihilation's, reach E = m, and that is where the bins are split. The
tables here are fermipy's (and so dmpipe's) convention for the mass of a decay channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from pyfermijobs.quadrature import log_nodes

#: dmpipe's (and fermipy's) channel names, annihilation; fermipy's ST codes are 1..12 in this order.
CHANNELS = ("ee", "mumu", "tautau", "bb", "tt", "gg", "ww", "zz", "cc", "uu", "dd", "ss")
#: Decay: the same final states with ``_decay`` (dmpipe's names), fermipy's codes 101..112.
DECAY = "_decay"
DECAY_CHANNELS = tuple(c + DECAY for c in CHANNELS)
#: Reference normalisation of the tables (the thermal-relic scale and a typical dwarf's J), and
#: for decay dmpipe's REF_TAU and REF_D.
SIGMAV_REF = 1e-26  # cm3 s-1
J_REF = 1e19  # GeV2 cm-5
TAU_REF = 1e26  # s
D_REF = 1e17  # GeV cm-2
GEV = 1000.0  # MeV
NODES = 24


def is_decay(channel: str) -> bool:
    """A decay channel (``bb_decay``): its likelihood is in the rate Gamma = 1/tau with the D-factor."""
    return channel.endswith(DECAY)


def references(channel: str) -> tuple[float, float]:
    """The table's reference (sigmav, J) of an annihilation channel, (tau, D) of a decay one."""
    return (TAU_REF, D_REF) if is_decay(channel) else (SIGMAV_REF, J_REF)


def per_unit(channel: str) -> float:
    """The product the table's fluxes are per: sigmav J = SIGMAV_REF J_REF (cm3 s-1 GeV2 cm-5), or
    Gamma D = D_REF / TAU_REF (s-1 GeV cm-2) for decay, the flux being linear in each."""
    inter, astro = references(channel)
    return astro / inter if is_decay(channel) else inter * astro


@cache
def dm_function(channel: str) -> Any:
    """fermipy's DMFitFunction for one channel (loading its table takes ~1 s: once per process)."""
    from fermipy.spectrum import DMFitFunction

    return DMFitFunction([references(channel)[0], 100.0], chan=channel, jfactor=J_REF, dfactor=D_REF)


def table_masses() -> tuple[float, float]:
    """The mass range (GeV) of fermipy's spectra table."""
    masses = dm_function("bb")._mass
    return float(masses[0]), float(masses[-1])


def channel_name(code: Any) -> str:
    """A channel from a name (``bb``, ``bbbar``, ``bb-bar``, ``bb_decay`` ...) or fermipy's integer code
    (4 = bb, 104 = bb_decay): dmpipe's names, ``_decay`` appended for decay."""
    from fermipy.spectrum import DMFitFunction

    known = f"known: {', '.join(CHANNELS)}, and each with {DECAY} (decay)"
    if isinstance(code, int | float) and not isinstance(code, bool) and float(code).is_integer():
        number = int(code)
        if number not in DMFitFunction.channel_shortname_mapping:
            raise ValueError(f"channel code {code} is not an annihilation channel (1..12) nor a decay one (101..112)")
    else:
        text = str(code)
        number = DMFitFunction.channel_rev_map.get(text)
        if number is None:
            raise ValueError(f"unknown annihilation channel {text!r} (nor decay channel); {known}")
    short = DMFitFunction.channel_shortname_mapping[number]
    return short + DECAY if number > 100 else short


def dnde(energy: np.ndarray, channel: str, mass: float, inter: float, astro: float) -> np.ndarray:
    """dN/dE (ph cm-2 s-1 MeV-1) at ``energy`` (MeV) for a mass in GeV; ``inter``/``astro`` are sigmav
    (cm3 s-1) and J (GeV2 cm-5) for annihilation, the lifetime tau (s) and D (GeV cm-2) for decay."""
    fn = dm_function(channel)
    e = np.atleast_1d(np.asarray(energy, dtype=float))
    inter_ref, astro_ref = references(channel)
    ref = np.asarray(fn.dnde(e.ravel(), params=[inter_ref, float(mass)])).reshape(e.shape)
    if is_decay(channel):
        return ref * (inter_ref / inter) * (astro / astro_ref)
    return ref * (inter / inter_ref) * (astro / astro_ref)


def bin_integrals(channel: str, mass: float, emin: np.ndarray, emax: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Photon flux and energy flux per bin at the channel's references (:func:`references`):
    (ph cm-2 s-1, MeV cm-2 s-1). Split at E = mass, where fermipy's spectra end (decay included)."""
    emin, emax = np.asarray(emin, float), np.asarray(emax, float)
    edge = mass * GEV
    flux = np.zeros(len(emin))
    eflux = np.zeros(len(emin))
    for lo, hi in ((emin, np.minimum(emax, edge)), (np.minimum(emax, edge), emax)):
        ok = hi > lo
        if not ok.any():
            continue
        e, weight = log_nodes(lo[ok], hi[ok], NODES)
        f = dnde(e, channel, mass, *references(channel))
        flux[ok] += np.sum(f * e * weight, axis=1)
        eflux[ok] += np.sum(f * e * e * weight, axis=1)
    return flux, eflux


def binning_key(emin: np.ndarray, emax: np.ndarray) -> str:
    """A short name for a set of energy bins (MeV), equal for bins equal to 4 significant digits (the
    LAT release's table rounds the edges its text files give to 7)."""
    import hashlib

    edges = ",".join(f"{e:.4g}" for e in (*np.asarray(emin, float), *np.asarray(emax, float)))
    return f"{len(emin)}bins{hashlib.sha1(edges.encode()).hexdigest()[:8]}"


def same_bins(bins: Any, sed: dict[str, Any]) -> bool:
    """The SED's energy bins are ``bins``' (a spectra table, or a pair of edge arrays) to 1e-4."""
    emin, emax = (bins.emin, bins.emax) if hasattr(bins, "emin") else bins
    return len(sed["e_min"]) == len(emin) and bool(
        np.allclose(sed["e_min"], emin, rtol=1e-4) and np.allclose(sed["e_max"], emax, rtol=1e-4)
    )


@dataclass(frozen=True)
class SpecTable:
    """Flux and energy flux per energy bin of every channel x mass, at each channel's references:
    (SIGMAV_REF, J_REF) for annihilation, (TAU_REF, D_REF) for decay channels, which the table holds
    beside the annihilation ones (as dmpipe's DMSpecTable).

    ``ref_flux``/``ref_eflux`` have shape (channels, masses, energy bins).
    """

    channels: tuple[str, ...]
    masses: np.ndarray  # GeV
    emin: np.ndarray  # MeV
    emax: np.ndarray
    ref_flux: np.ndarray
    ref_eflux: np.ndarray

    @property
    def decay(self) -> np.ndarray:
        """Per channel, whether it is a decay channel."""
        return np.array([is_decay(c) for c in self.channels], dtype=bool)

    def eflux_per_unit(self) -> np.ndarray:
        """Energy flux per unit sigmav [cm3 s-1] x J [GeV2 cm-5] (annihilation rows), per unit rate
        Gamma = 1/tau [s-1] x D [GeV cm-2] (decay rows): the conversion is the same for both."""
        units = np.array([per_unit(c) for c in self.channels])
        return self.ref_eflux / units[:, None, None]


def spec_table(channels: list[str], masses: np.ndarray, emin: np.ndarray, emax: np.ndarray) -> SpecTable:
    """The table for the energy bins of an analysis (dmpipe's SpecTable)."""
    shape = (len(channels), len(masses), len(emin))
    flux, eflux = np.zeros(shape), np.zeros(shape)
    for i, channel in enumerate(channels):
        for j, mass in enumerate(masses):
            flux[i, j], eflux[i, j] = bin_integrals(channel, float(mass), emin, emax)
    return SpecTable(tuple(channels), np.asarray(masses, float), np.asarray(emin), np.asarray(emax), flux, eflux)
