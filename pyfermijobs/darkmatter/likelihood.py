"""Castro -> dark-matter likelihood in (channel, mass, sigmav), with the J-factor profiled out.

For one target the model energy flux in bin i is sigmav J phi_i(channel, mass) (phi from the
:class:`~pyfermijobs.darkmatter.spectra.SpecTable`), so the castro gives a likelihood of the
product t = sigmav J alone: g(t) = sum_i l_i(t phi_i). With a prior on J,

    logL(sigmav) = max_u [ g(sigmav J0 10^u) + ln prior(u) ],   u = log10(J / J0),

which on a grid of log10 t with the sigmav grid's own step is a shifted maximum over a few
dozen offsets (no nested optimiser); this is dmpipe's profile of ``-nll(x y) + ln prior(y)`` over
y = J/J0. The best offset is raised to the vertex of the parabola through it and its two
neighbours: a well-detected signal makes g narrow in log t (curvature ~ 300 per dex^2 at TS = 55),
where the bare grid maximum lost up to 0.03, unevenly in sigmav, and moved a 95% limit under a
wide prior by 2% (0.6% with the parabola, whose residual is g's cubic term). It doubles the cost
of the maximum (~8 ms per castro and prior for 12 channels x 13 masses at s = 0.16).

Everything is stored relative to sigmav = 0, where the likelihood is the castro's at zero flux
whatever J is: ``dloglike`` of several targets add up to the stacked one, and TS = 2 max(dloglike).

The grid of u must not set a limit. For the priors in log J it reaches 6 sigma either side of the
prior's mode, where the prior has fallen by 18. A Gaussian in J (``norm``, ``gauss``) stays finite
as J -> 0, so the maximum also runs over J = 0 (the castro's zero-flux value g0) and the interval
below the grid's floor J_f = J0 10^-3: there the prior lies between ln P(0) and ln P(J_f), and
ln P(0) + max(g0, max of g(t) for t <= sigmav J_f) is a lower bound of the profile within
ln P(J_f) - ln P(0) <= 10^-3 / (s ln 10)^2 of it (0.02 at s = 0.1, where ln P(0) = -9.4 anyway).
Without it a wide prior (s > 0.26) got a finite limit from the cut alone.

Decay channels convert the same way: their flux is linear in the rate Gamma = 1/tau times the
D-factor, so "sigmav" reads Gamma (s-1) and J reads D (GeV cm-2, its prior's width ``d_sigma`` in
dex); their grid starts where dwarf limits on Gamma lie (1e-32 .. 1e-22 s-1: lifetimes of 1e22 ..
1e32 s) and grows as the sigmav grid does. Converted with D, they join the annihilation channels
(converted with J) in one likelihood on one range of the lattice (:func:`combine`), rows of both
kinds on one grid: a row's ``sigmav`` is Gamma when its channel ends in ``_decay``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pyfermijobs.darkmatter.castro import CastroLikelihood
from pyfermijobs.darkmatter.priors import finite_at_zero, log_prior, u_grid

#: The starting sigmav grid (cm3 s-1): 1e-28 .. 1e-18 in steps of 0.025 dex, on the lattice
#: 10^(k LOG_STEP) that every grid shares, so likelihoods of different ranges stack cell by cell.
LOG_SIGMAV_MIN, LOG_SIGMAV_MAX, LOG_STEP = -28.0, -18.0, 0.025
#: Where the grid of a decay channel's rate Gamma = 1/tau (log10 s-1) starts.
LOG_RATE_MIN, LOG_RATE_MAX = -32.0, -22.0
#: How far the grid may grow (log10 cm3 s-1) and by how much at a time (dex).
LOG_SIGMAV_FLOOR, LOG_SIGMAV_CEILING, LOG_GROWTH = -40.0, -10.0, 4.0
#: The grid's top must lie this far below each curve's maximum (a 95% limit's 1.35 and a margin),
#: its bottom this close to sigmav = 0's value (the curve flat there: the best fit and errors inside).
TOP_DROP, FLAT = 3.0, 1e-3


def lattice_index(log_sigmav: float) -> int:
    return round(log_sigmav / LOG_STEP)


def sigmav_grid(lo: int | None = None, hi: int | None = None) -> np.ndarray:
    """sigmav at lattice indices lo..hi (default: 1e-28 .. 1e-18)."""
    lo = lattice_index(LOG_SIGMAV_MIN) if lo is None else lo
    hi = lattice_index(LOG_SIGMAV_MAX) if hi is None else hi
    return 10.0 ** (LOG_STEP * np.arange(lo, hi + 1))


@dataclass(frozen=True)
class DMLikelihood:
    """Log-likelihood relative to sigmav = 0, per channel x mass x sigmav (a range of the lattice).

    ``sigmav`` is the linear parameter: <sigma v> (cm3 s-1) for annihilation channels, the decay rate
    Gamma = 1/tau (s-1) for ``*_decay`` channels."""

    channels: tuple[str, ...]
    masses: np.ndarray
    sigmav: np.ndarray
    dloglike: np.ndarray  # (nchan, nmass, nsigmav)

    @property
    def span(self) -> tuple[int, int]:
        """Lattice indices of the first and last sigmav."""
        return lattice_index(np.log10(self.sigmav[0])), lattice_index(np.log10(self.sigmav[-1]))

    def on(self, lo: int, hi: int) -> np.ndarray:
        """``dloglike`` on lattice indices lo..hi (a wider range): below its own range the value at its
        bottom (where it is flat, ~0: its grid grew until it was), above it its top value (already
        >= 3 below its maximum, and falling: a stacked limit is set before)."""
        own_lo, own_hi = self.span
        index = np.clip(np.arange(lo, hi + 1), own_lo, own_hi) - own_lo
        return self.dloglike[..., index]

    def __add__(self, other: DMLikelihood) -> DMLikelihood:
        if self.channels != other.channels or not np.array_equal(self.masses, other.masses):
            raise ValueError("likelihoods of different channels or masses cannot be stacked")
        lo, hi = min(self.span[0], other.span[0]), max(self.span[1], other.span[1])
        return DMLikelihood(self.channels, self.masses, sigmav_grid(lo, hi), self.on(lo, hi) + other.on(lo, hi))


def combine(parts: list[DMLikelihood], channels: tuple[str, ...]) -> DMLikelihood:
    """Likelihoods of disjoint sets of channels (the annihilation ones, converted with J, and the decay
    ones, converted with D: their grids grew apart) as one, on the union of their lattice ranges (each
    row continued as :meth:`DMLikelihood.on` continues it) and in the order of ``channels``."""
    if len(parts) == 1 and parts[0].channels == tuple(channels):
        return parts[0]
    lo, hi = min(p.span[0] for p in parts), max(p.span[1] for p in parts)
    rows = {c: like.on(lo, hi)[i] for like in parts for i, c in enumerate(like.channels)}
    return DMLikelihood(tuple(channels), parts[0].masses, sigmav_grid(lo, hi), np.stack([rows[c] for c in channels]))


def convert_table(
    castro: CastroLikelihood, table: Any, factors: dict[bool, tuple[float, float]], priors: list[str]
) -> dict[str, DMLikelihood]:
    """Every channel of a spectra table under each prior, read from one castro: the annihilation
    channels with ``factors[False]`` = (J0, j_sigma), the decay channels with ``factors[True]`` =
    (D0, d_sigma) on the rate grid, then :func:`combine`d in the table's channel order."""
    parts: dict[str, list[DMLikelihood]] = {p: [] for p in priors}
    for decay in (False, True):
        rows = np.flatnonzero(table.decay == decay)
        if not len(rows):
            continue
        start = (LOG_RATE_MIN, LOG_RATE_MAX) if decay else (LOG_SIGMAV_MIN, LOG_SIGMAV_MAX)
        channels = tuple(table.channels[i] for i in rows)
        a0, sigma = factors[decay]
        out = convert_priors(castro, table.eflux_per_unit()[rows], channels, table.masses, a0, sigma, priors, start)
        for prior, like in out.items():
            parts[prior].append(like)
    return {prior: combine(found, tuple(table.channels)) for prior, found in parts.items()}


def convert_priors(
    castro: CastroLikelihood,
    eflux_per_unit: np.ndarray,
    channels: tuple[str, ...],
    masses: np.ndarray,
    j_integ: float,
    j_sigma: float,
    priors: list[str],
    start: tuple[float, float] = (LOG_SIGMAV_MIN, LOG_SIGMAV_MAX),
) -> dict[str, DMLikelihood]:
    """The dark-matter likelihood of one castro under each of ``priors``: ``eflux_per_unit`` is
    (nchan, nmass, nE) energy flux per unit sigmav J; J0 = ``j_integ`` (GeV2 cm-5), ``j_sigma`` in
    log10 (decay channels: per unit Gamma D, with D0 and its sigma). The castro is read once, on the
    grid of sigmav J that the widest prior needs, and each prior profiles over its own shifts of it.

    No edge of the sigmav grid may set a number: it starts at 1e-28 .. 1e-18 and grows by 4 dex at
    a time (within 1e-40 .. 1e-10) at its top while a curve of a channel x mass with photons has not
    fallen 3 below its maximum there, and at its bottom while a curve is not flat (within 1e-3 of
    sigmav = 0's value) there. Curves that never fall (no limit exists) end at the ceiling: inf.
    ``start``: the first grid (log10), LOG_RATE_MIN/MAX for decay channels."""
    lo, hi = lattice_index(start[0]), lattice_index(start[1])
    floor, ceiling, growth = (
        lattice_index(LOG_SIGMAV_FLOOR),
        lattice_index(LOG_SIGMAV_CEILING),
        round(LOG_GROWTH / LOG_STEP),
    )
    seen = np.any(eflux_per_unit > 0, axis=-1)  # (nchan, nmass): a spectrum with photons in the bins
    while True:
        out = _convert_on(castro, eflux_per_unit, channels, masses, j_integ, j_sigma, priors, sigmav_grid(lo, hi))
        curves = np.stack([like.dloglike for like in out.values()])[:, seen]  # (priors, rows, nsigmav)
        grow_top = hi < ceiling and bool(np.any(curves.max(axis=-1) - curves[..., -1] < TOP_DROP))
        grow_bottom = lo > floor and bool(np.any(np.abs(curves[..., 0]) > FLAT))
        if not (grow_top or grow_bottom):
            return out
        lo, hi = (max(floor, lo - growth) if grow_bottom else lo), (min(ceiling, hi + growth) if grow_top else hi)


def _convert_on(
    castro: CastroLikelihood,
    eflux_per_unit: np.ndarray,
    channels: tuple[str, ...],
    masses: np.ndarray,
    j_integ: float,
    j_sigma: float,
    priors: list[str],
    sigmav: np.ndarray,
) -> dict[str, DMLikelihood]:
    """``convert_priors`` on one sigmav grid."""
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
        best = _refined_max(g, shifts - lo, lp, len(sigmav))
        if finite_at_zero(prior, j_sigma):  # J from 0 up to the grid's floor (module docstring)
            start = int(shifts[0]) - lo  # this prior's own floor: the same whatever else is read
            below = np.maximum(np.maximum.accumulate(g[:, :, start : start + len(sigmav)], axis=-1), g0)
            np.maximum(best, below + float(log_prior(prior, -np.inf, j_sigma)), out=best)
        out[prior] = DMLikelihood(tuple(channels), np.asarray(masses, float), sigmav, best - g0)
    return out


#: Rows (channel x mass) profiled at a time: (rows, nsigmav, shifts) stays in cache.
_ROWS = 4


def _refined_max(g: np.ndarray, starts: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """max over m of g[..., starts[m] : starts[m] + n] + weights[m] (``starts`` consecutive), raised
    to the vertex of the parabola through the maximum and its two neighbours in m; left at the grid
    maximum where it lies at either end of m or the three points are not concave."""
    from numpy.lib.stride_tricks import sliding_window_view

    nshift, s0 = len(starts), int(starts[0])
    if not np.array_equal(starts, np.arange(s0, s0 + nshift)):
        raise ValueError("the offsets of the profile over J must be consecutive")
    rows = g.reshape(-1, g.shape[-1])[:, s0 : s0 + n + nshift - 1]
    out = np.empty((rows.shape[0], n))
    for r in range(0, rows.shape[0], _ROWS):
        h = sliding_window_view(rows[r : r + _ROWS], nshift, axis=-1) + weights  # (rows, n, nshift)
        m = h.argmax(axis=-1)[..., None]
        top = np.take_along_axis(h, m, -1)[..., 0]
        left = np.take_along_axis(h, np.maximum(m - 1, 0), -1)[..., 0]
        right = np.take_along_axis(h, np.minimum(m + 1, nshift - 1), -1)[..., 0]
        curvature = left - 2.0 * top + right
        inner = (m[..., 0] > 0) & (m[..., 0] < nshift - 1) & (curvature < 0)
        rise = np.where(inner, (right - left) ** 2 / (-8.0 * np.where(inner, curvature, -1.0)), 0.0)
        out[r : r + _ROWS] = top + rise
    return out.reshape(*g.shape[:-1], n)
