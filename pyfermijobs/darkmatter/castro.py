"""A castro SED as a likelihood of the energy flux in each bin.

fermipy's SED files scan each bin's normalisation (``norm_scan`` x ``ref_eflux``) and give
``dloglike_scan``; fermipy's CastroData interpolates them. Two readings of a scan:

``pchip`` (the default): the scan is interpolated monotonically (PCHIP) onto a dense table once, then
read with ``np.interp`` for whole arrays of fluxes at a time (the dark-matter conversion asks for
millions of values). Beyond the scan the curve continues as the parabola that the last point's slope
implies around the best fit (the Gaussian limit of a Poisson likelihood); below the first point,
linearly.

``linear``: fermipy's own reading (``fermipy.castro.Interpolator``, a k=1 spline): the scan points
themselves are the table, joined by straight lines and continued with the end segments' slopes on
both sides. Castros made outside the pipeline (:mod:`pyfermijobs.io.castro_files`) are read this way,
so that numbers derived from them are the ones fermipy's CastroData/dmpipe would give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyfermijobs.statistics import one_sided_drop

DENSE = 400
#: Table points between two scan points in the PCHIP reading.
PCHIP_SUBSTEPS = 8
METHODS = ("pchip", "linear", "quadratic")
#: Points of the quadratic mode's table between two scan points.
SUBSTEPS = 16


@dataclass(frozen=True)
class CastroLikelihood:
    """Per-bin log-likelihood of the energy flux, from an SED's scans.

    In ``linear`` mode ``norm``/``loglike`` hold the scan points themselves (sorted, duplicates
    dropped), a bin with fewer points than the others padded by repeating its last point (which
    ``np.interp`` reads as the same curve), and ``curvature`` is 0 (straight continuation).
    """

    ref_eflux: np.ndarray  # (nE,) MeV cm-2 s-1
    norm: np.ndarray  # (nE, DENSE) dense norms; (nE, npts) scan norms in linear mode
    loglike: np.ndarray  # (nE, DENSE or npts) log-likelihood relative to each bin's maximum
    best: np.ndarray  # (nE,) best-fit norm
    slope: np.ndarray  # (nE,) d loglike / d norm at the end of the scan
    curvature: np.ndarray  # (nE,) second derivative of the continuation (< 0; 0 in linear mode)
    method: str = "pchip"

    @classmethod
    def from_sed(cls, sed: dict[str, np.ndarray], method: str = "pchip") -> CastroLikelihood:
        if method not in METHODS:
            raise ValueError(f"castro interpolation {method!r}: one of {', '.join(METHODS)}")
        if method == "linear":
            return cls._linear(sed)
        if method == "quadratic":
            return cls._quadratic(sed)
        from scipy.interpolate import PchipInterpolator

        scan_n, scan_l = np.atleast_2d(sed["norm_scan"]), np.atleast_2d(sed["dloglike_scan"])
        nbins, npts = scan_n.shape
        # the table: the scan points and PCHIP between them, at least DENSE points over the scan and
        # PCHIP_SUBSTEPS between neighbours (a scan shared by all bins spans other bins' ranges too)
        size = max(DENSE, (npts - 1) * PCHIP_SUBSTEPS + 1)
        norm, loglike = np.zeros((nbins, size)), np.zeros((nbins, size))
        best, slope, curv = np.zeros(nbins), np.zeros(nbins), np.zeros(nbins)
        for k in range(nbins):
            n, ll = np.unique(scan_n[k], return_index=True)
            ll = scan_l[k][ll]
            spline = PchipInterpolator(n, ll, extrapolate=False)
            steps = max(PCHIP_SUBSTEPS, -(-(size - 1) // (len(n) - 1)))
            fine = np.append(
                (n[:-1, None] + np.linspace(0, 1, steps, endpoint=False) * np.diff(n)[:, None]).ravel(), n[-1]
            )
            fine = fine[np.linspace(0, len(fine) - 1, min(size, len(fine))).round().astype(int)]
            norm[k, : len(fine)], norm[k, len(fine) :] = fine, fine[-1]
            loglike[k, : len(fine)] = spline(fine)
            loglike[k, len(fine) :] = loglike[k, len(fine) - 1]
            best[k] = norm[k][np.argmax(loglike[k])]
            s = float(spline.derivative()(n[-1]))
            s = min(s, -1e-9)
            span = max(n[-1] - best[k], 1e-3 * n[-1])
            slope[k], curv[k] = s, s / span
        return cls(np.asarray(sed["ref_eflux"], float), norm, loglike, best, slope, curv)

    @classmethod
    def _linear(cls, sed: dict[str, np.ndarray]) -> CastroLikelihood:
        """The scan points as the table, as fermipy's Interpolator reads them. Unlike the PCHIP
        continuation, the end slope is kept as it is (fermipy does): a scan still rising at its end
        rises on beyond it."""
        scan_n, scan_l = np.atleast_2d(sed["norm_scan"]), np.atleast_2d(sed["dloglike_scan"])
        nbins, npts = scan_n.shape
        norm, loglike = np.zeros((nbins, npts)), np.zeros((nbins, npts))
        best, slope = np.zeros(nbins), np.zeros(nbins)
        for k in range(nbins):
            n, first = np.unique(scan_n[k], return_index=True)
            if len(n) < 2:
                raise ValueError(f"castro bin {k}: fewer than two distinct scan points")
            ll = np.asarray(scan_l[k], float)[first]
            norm[k, : len(n)], loglike[k, : len(n)] = n, ll
            norm[k, len(n) :], loglike[k, len(n) :] = n[-1], ll[-1]
            best[k] = n[np.argmax(ll)]
            slope[k] = (ll[-1] - ll[-2]) / (n[-1] - n[-2])
        return cls(np.asarray(sed["ref_eflux"], float), norm, loglike, best, slope, np.zeros(nbins), "linear")

    @classmethod
    def _quadratic(cls, sed: dict[str, np.ndarray]) -> CastroLikelihood:
        """The interpolating quadratic spline through the scan points (``UnivariateSpline(k=2, s=0)``,
        what fermipy's Interpolator was when the LAT made its 2017 dwarf release: it reproduces the
        release's own bin-by-bin limits to 1e-4, where straight lines fall up to 6% short), tabulated
        at SUBSTEPS points between scan points and continued linearly with the end segments' slopes."""
        from scipy.interpolate import UnivariateSpline

        scan_n, scan_l = np.atleast_2d(sed["norm_scan"]), np.atleast_2d(sed["dloglike_scan"])
        nbins, npts = scan_n.shape
        size = (npts - 1) * SUBSTEPS + 1
        norm, loglike = np.zeros((nbins, size)), np.zeros((nbins, size))
        best, slope = np.zeros(nbins), np.zeros(nbins)
        steps = np.linspace(0.0, 1.0, SUBSTEPS, endpoint=False)
        for k in range(nbins):
            n, first = np.unique(scan_n[k], return_index=True)
            if len(n) < 3:
                raise ValueError(f"castro bin {k}: fewer than three distinct scan points")
            ll = np.asarray(scan_l[k], float)[first]
            dense = np.append((n[:-1, None] + steps[None, :] * np.diff(n)[:, None]).ravel(), n[-1])
            values = UnivariateSpline(n, ll, k=2, s=0)(dense)
            norm[k, : len(dense)], loglike[k, : len(dense)] = dense, values
            norm[k, len(dense) :], loglike[k, len(dense) :] = dense[-1], values[-1]
            best[k] = dense[np.argmax(values)]
            slope[k] = (ll[-1] - ll[-2]) / (n[-1] - n[-2])
        return cls(np.asarray(sed["ref_eflux"], float), norm, loglike, best, slope, np.zeros(nbins), "quadratic")

    @property
    def nbins(self) -> int:
        return len(self.ref_eflux)

    def table(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Bin ``k``'s norms and log-likelihoods, without the linear mode's padding."""
        n, ll = self.norm[k], self.loglike[k]
        real = int(np.searchsorted(n, n[-1])) + 1
        return n[:real], ll[:real]

    def bin_loglike(self, k: int, eflux: np.ndarray) -> np.ndarray:
        """Log-likelihood of bin ``k`` at energy fluxes ``eflux`` (any shape)."""
        x = np.asarray(eflux, float) / self.ref_eflux[k]
        n, ll = self.norm[k], self.loglike[k]
        out = np.interp(x, n, ll)
        above = x > n[-1]
        if above.any():
            d = x[above] - n[-1]
            out[above] = ll[-1] + self.slope[k] * d + 0.5 * self.curvature[k] * d * d
        below = x < n[0]
        if below.any():
            lo_slope = (ll[1] - ll[0]) / (n[1] - n[0])
            out[below] = ll[0] + lo_slope * (x[below] - n[0])
        return out

    def loglike_of(self, eflux: np.ndarray) -> np.ndarray:
        """Summed log-likelihood for energy fluxes of shape (..., nE)."""
        eflux = np.asarray(eflux, float)
        return sum(self.bin_loglike(k, eflux[..., k]) for k in range(self.nbins))


def bin_crossings(castro: CastroLikelihood, drop: float, above: bool = True) -> np.ndarray:
    """Per bin, the norm where the log-likelihood has fallen ``drop`` below the bin's maximum, above
    the best fit (or below it: then ``norm[0]`` where it never falls that far within the scan, as
    fermipy's lower limits stop at the scan's start). Above the scan the continuation is solved
    exactly (inf if it never falls that far)."""
    out = np.zeros(castro.nbins)
    for k in range(castro.nbins):
        n, ll = castro.table(k)
        top = int(np.argmax(ll))
        level = ll[top] - drop
        if not above:
            low = np.nonzero(ll[:top] < level)[0]
            j = int(low[-1]) if len(low) else -1
            out[k] = n[0] if j < 0 else n[j] + (level - ll[j]) * (n[j + 1] - n[j]) / (ll[j + 1] - ll[j])
            continue
        high = np.nonzero(ll[top:] < level)[0]
        if len(high):
            j = top + int(high[0])
            out[k] = n[j - 1] + (level - ll[j - 1]) * (n[j] - n[j - 1]) / (ll[j] - ll[j - 1])
            continue
        s, c, rest = castro.slope[k], castro.curvature[k], ll[-1] - level  # rest >= 0
        if c < 0:  # ll[-1] + s d + c d^2 / 2 = level
            out[k] = n[-1] + (-s - np.sqrt(s * s - 2.0 * c * rest)) / c
        elif s < 0:
            out[k] = n[-1] + rest / -s
        else:  # a straight continuation that never falls
            out[k] = np.inf
    return out


def bin_upper_limits(castro: CastroLikelihood, cl: float = 0.95) -> np.ndarray:
    """Per-bin one-sided upper limit on the energy flux (MeV cm-2 s-1) at confidence ``cl``: where the
    log-likelihood has dropped by ``one_sided_drop(cl)`` below the bin's maximum, above the best fit
    (fermipy's ``CastroData.getLimits(1 - cl)``, solved exactly rather than on its 100-point grid)."""
    return bin_crossings(castro, one_sided_drop(cl)) * castro.ref_eflux
