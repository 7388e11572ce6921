"""Castro -> dark-matter likelihood in (channel, mass, sigmav), with the J-factor profiled out.

For one target the model energy flux in bin i is sigmav J phi_i(channel, mass) (phi from the
:class:`~pyfermijobs.darkmatter.spectra.SpecTable`), so the castro gives a likelihood of the
product t = sigmav J alone: g(t) = sum_i l_i(t phi_i). With a prior on J,

    logL(sigmav) = max_u [ g(sigmav J0 10^u) + ln prior(u) ],   u = log10(J / J0),

which on a grid of log10 t with the sigmav grid's own step is a shifted maximum over a few
dozen offsets (no nested optimiser). Everything is stored relative to sigmav = 0, where the
likelihood is the castro's at zero flux whatever J is: ``dloglike`` of several targets add up
to the stacked one, and TS = 2 max(dloglike).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyfermijobs.darkmatter.castro import CastroLikelihood
from pyfermijobs.darkmatter.priors import log_prior, u_grid

#: The sigmav grid (cm3 s-1): 1e-28 .. 1e-18 in steps of 0.025 dex.
LOG_SIGMAV_MIN, LOG_SIGMAV_MAX, LOG_STEP = -28.0, -18.0, 0.025


def sigmav_grid() -> np.ndarray:
    n = round((LOG_SIGMAV_MAX - LOG_SIGMAV_MIN) / LOG_STEP) + 1
    return 10.0 ** np.linspace(LOG_SIGMAV_MIN, LOG_SIGMAV_MAX, n)


@dataclass(frozen=True)
class DMLikelihood:
    """Log-likelihood relative to sigmav = 0, per channel x mass x sigmav."""

    channels: tuple[str, ...]
    masses: np.ndarray
    sigmav: np.ndarray
    dloglike: np.ndarray  # (nchan, nmass, nsigmav)

    def __add__(self, other: DMLikelihood) -> DMLikelihood:
        if self.channels != other.channels or not np.array_equal(self.masses, other.masses):
            raise ValueError("likelihoods of different channels or masses cannot be stacked")
        return DMLikelihood(self.channels, self.masses, self.sigmav, self.dloglike + other.dloglike)


def convert(
    castro: CastroLikelihood,
    eflux_per_unit: np.ndarray,
    channels: tuple[str, ...],
    masses: np.ndarray,
    j_integ: float,
    j_sigma: float,
    prior: str,
) -> DMLikelihood:
    """The dark-matter likelihood of one castro: ``eflux_per_unit`` is (nchan, nmass, nE)
    energy flux per unit sigmav J; J0 = ``j_integ`` (GeV2 cm-5), ``j_sigma`` in log10."""
    return convert_priors(castro, eflux_per_unit, channels, masses, j_integ, j_sigma, [prior])[prior]


def convert_priors(
    castro: CastroLikelihood,
    eflux_per_unit: np.ndarray,
    channels: tuple[str, ...],
    masses: np.ndarray,
    j_integ: float,
    j_sigma: float,
    priors: list[str],
) -> dict[str, DMLikelihood]:
    """``convert`` under several J-factor priors: the castro is read once, on the grid of sigmav J
    that the widest prior needs, and each prior profiles over its own shifts of it."""
    sigmav = sigmav_grid()
    plans = {}
    for prior in priors:
        u = u_grid(prior, j_sigma, LOG_STEP)
        plans[prior] = (np.rint(u / LOG_STEP).astype(int), log_prior(prior, u, j_sigma))
    lo = min(int(shifts.min()) for shifts, _ in plans.values())
    hi = max(int(shifts.max()) for shifts, _ in plans.values())
    # t = sigmav J on the extended grid: index k + shift
    log_t = np.log10(sigmav[0] * j_integ) + LOG_STEP * np.arange(lo, len(sigmav) + hi)
    t = 10.0**log_t
    g = castro.loglike_of(t[None, None, :, None] * eflux_per_unit[:, :, None, :])  # (nc, nm, nt)
    g0 = castro.loglike_of(np.zeros(castro.nbins))
    out = {}
    for prior, (shifts, lp) in plans.items():
        best = np.full((*g.shape[:2], len(sigmav)), -np.inf)
        for shift, weight in zip(shifts, lp, strict=True):
            start = shift - lo
            np.maximum(best, g[:, :, start : start + len(sigmav)] + weight, out=best)
        out[prior] = DMLikelihood(tuple(channels), np.asarray(masses, float), sigmav, best - g0)
    return out
