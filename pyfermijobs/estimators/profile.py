"""Profile likelihood of one amplitude, and the limits fermipy derives from it.

fermipy's conventions: errors where the log-likelihood has dropped by 0.5 from its maximum,
the one-sided upper limit where it has dropped by ``chi2.isf(1 - 2 (1 - cl), 1) / 2``
(1.3528 for cl = 0.95), the amplitude bounded below by zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pyfermijobs.statistics import one_sided_drop


@dataclass
class Limits:
    best: float
    loglike: float  # at best
    loglike0: float  # at zero amplitude
    err_lo: float  # distance to the lower 0.5 crossing (nan if the profile never drops that much)
    err_hi: float
    ul: float

    @property
    def ts(self) -> float:
        return max(2.0 * (self.loglike - self.loglike0), 0.0)

    @property
    def err(self) -> float:
        """fermipy's norm_err: mean of both sides, or the upper one when the lower is open."""
        return 0.5 * (self.err_lo + self.err_hi) if np.isfinite(self.err_lo) else self.err_hi


def crossing(profile: Callable[[float], float], level: float, start: float, stop: float) -> float:
    """Where ``profile`` falls to ``level`` between ``start`` (above) and ``stop`` (below); nan when
    the two ends do not bracket it (a profile evaluation that did not converge)."""
    # tolerance relative to where the bracket starts: a wide bracket (a flat profile's huge error
    # estimate) must not round a crossing near the start to the start itself
    from scipy.optimize import brentq  # here: scipy.optimize costs 0.6 s to import, and Newton usually suffices

    try:
        return float(brentq(lambda x: profile(x) - level, start, stop, xtol=1e-10 * max(1.0, abs(start)), rtol=1e-10))
    except ValueError:  # f(start) and f(stop) of one sign
        return np.nan


#: A crossing is taken when the profile is this close to its level (log-likelihood units); the
#: refits that give the profile converge to 1e-7.
LEVEL_TOL = 1e-5


def newton_crossing(
    value_and_slope: Callable[[float], tuple[float, float]],
    level: float,
    above: float,
    guess: float,
    below: float | None = None,
    too_far: float = np.inf,
) -> float:
    """Where a profile with known slope falls to ``level``, from ``above`` (a point above it) towards ``guess``.

    A log-likelihood profile of a Poisson model linear in its free normalisations is concave, so
    a Newton step from either side lands on or beyond the crossing and the iterates then
    approach it from there, quadratically: two or three evaluations from a parabolic guess.
    Safeguards for a profile that is not quite concave (a refit that stopped short): until a
    point below the level is found (``below``), a step that does not move away from ``above``
    doubles the distance instead, and ``inf`` is returned beyond ``too_far``; once the crossing
    is bracketed, a step that leaves the bracket bisects it.
    """
    origin, x = above, guess
    for _ in range(200):
        value, slope = value_and_slope(x)
        f = value - level
        newton = x - f / slope if slope != 0.0 else np.nan
        if abs(f) <= LEVEL_TOL and np.isfinite(newton):
            return float(newton)  # one more step from here is exact far below the refits' own precision
        if f > 0.0:
            above = x
        else:
            below = x
        if below is None:  # still looking for a point below the level, away from the origin
            onward = np.isfinite(newton) and (newton - x) * (guess - origin) > 0
            x = newton if onward else origin + 2.0 * (x - origin)
            if abs(x - origin) > too_far:
                return np.inf
            continue
        lo, hi = min(above, below), max(above, below)
        if hi - lo <= 1e-10 * max(1.0, abs(hi)):
            return float(0.5 * (lo + hi))
        x = newton if lo < newton < hi else 0.5 * (lo + hi)
    return float(x)


def limits(profile: Callable[[float], float], best: float, loglike: float, scale: float, cl: float) -> Limits:
    """Errors and upper limit of an amplitude >= 0 whose maximum is at ``best``.

    ``scale`` is a rough 1-sigma width: the crossings are sought first where a parabola of that
    width crosses. A profile that also gives its slope (``value_and_slope``) is solved by
    Newton's method, any other by bracketing and Brent's method.
    """
    if not (np.isfinite(scale) and scale > 0):  # no curvature to go by (e.g. a bin without counts): bracket from 1
        scale = 1.0
    scale = max(scale, 1e-12 * max(best, 1.0))
    sloped = getattr(profile, "value_and_slope", None)
    too_far = 1e12 * max(abs(best) + scale, 1.0)

    def upper_crossing(delta: float) -> float:
        hi = best + scale * np.sqrt(2.0 * delta)
        if sloped is not None:
            return newton_crossing(sloped, loglike - delta, best, hi, too_far=too_far)
        while profile(hi) > loglike - delta:
            hi = best + 2.0 * (hi - best)
            if hi - best > too_far:
                return np.inf
        return crossing(profile, loglike - delta, best, hi)

    loglike0 = profile(0.0) if best > 0 else loglike
    lo_cross = np.nan
    if best > 0 and loglike0 < loglike - 0.5:
        if sloped is not None:
            lo_cross = newton_crossing(sloped, loglike - 0.5, best, max(best - scale, 0.0), below=0.0)
        else:
            lo_cross = crossing(profile, loglike - 0.5, 0.0, best)
    up = upper_crossing(0.5)
    return Limits(
        best,
        loglike,
        loglike0,
        best - lo_cross if np.isfinite(lo_cross) else np.nan,
        up - best,
        upper_crossing(one_sided_drop(cl)),
    )


def scan_points(lim: Limits, profile: Callable[[float], float], npts: int) -> np.ndarray:
    """``npts`` amplitudes covering the profile down to a drop of ~10, dense near the limits.

    The castro curve is read back by interpolation (fermipy's CastroData), so the points
    include zero, the best fit, both error crossings and the upper limit exactly.
    """
    top = lim.best + 2.2 * (lim.ul - lim.best) if np.isfinite(lim.ul) else max(lim.best * 2, 1.0)
    if not top > 0:  # a degenerate profile: still npts distinct points
        top = 1.0
    anchors = [0.0, lim.best, lim.best + lim.err_hi, lim.ul]
    if np.isfinite(lim.err_lo):
        anchors.append(lim.best - lim.err_lo)
    anchors = sorted({float(a) for a in anchors if np.isfinite(a) and 0.0 <= a <= top})
    fill = np.linspace(0.0, top, max(npts - len(anchors) + 2, 2))
    points = np.unique(np.concatenate([anchors, fill]))
    while len(points) > npts:  # drop fill points nearest to a neighbour, never anchors
        gaps = np.diff(points)
        candidates = [i for i in range(1, len(points) - 1) if points[i] not in anchors]
        drop = min(candidates, key=lambda i: gaps[i - 1] + gaps[i])
        points = np.delete(points, drop)
    while len(points) < npts:  # split the widest gap
        i = int(np.argmax(np.diff(points)))
        points = np.insert(points, i + 1, 0.5 * (points[i] + points[i + 1]))
    return points


def shared_scan(norm_scan: np.ndarray, dloglike_scan: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every bin's scan on one grid: the union of all bins' scan points.

    gammapy's ``FluxPoints`` reads a likelihood SED's ``norm_scan`` from its first row for every
    bin (gamma-astro-data-formats gives one grid per SED), so per-bin grids are misread. On the union
    each bin keeps its own points exactly (CastroData recovers its best fit, errors and limit) and
    takes the others from its PCHIP curve, continued beyond its last point by the parabola its end
    slope implies around the best fit (as the dark-matter stage reads castros). Returns the grid
    repeated per bin (fermipy's 2-D column) and the scans on it, relative to each bin's maximum.
    """
    from scipy.interpolate import PchipInterpolator

    grid = np.unique(norm_scan)
    out = np.empty((len(norm_scan), len(grid)))
    for k, (n, ll) in enumerate(zip(norm_scan, dloglike_scan, strict=True)):
        n, first = np.unique(n, return_index=True)
        ll = ll[first]
        spline = PchipInterpolator(n, ll, extrapolate=False)
        values = spline(np.clip(grid, n[0], n[-1]))
        best = n[np.argmax(ll)]
        slope = min(float(spline.derivative()(n[-1])), -1e-9)
        span = max(n[-1] - best, 1e-3 * n[-1])
        d = grid[grid > n[-1]] - n[-1]
        values[grid > n[-1]] = ll[-1] + slope * d + 0.5 * (slope / span) * d * d
        out[k] = values - ll.max()
    return np.tile(grid, (len(norm_scan), 1)), out
