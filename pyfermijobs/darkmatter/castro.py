"""A castro SED as a likelihood of the energy flux in each bin.

fermipy's SED files scan each bin's normalisation (``norm_scan`` x ``ref_eflux``) and give
``dloglike_scan``; fermipy's CastroData interpolates them. Here the scan is interpolated
monotonically (PCHIP) onto a dense table once, then read with ``np.interp`` for whole arrays of
fluxes at a time (the dark-matter conversion asks for millions of values). Beyond the scan the
curve continues as the parabola that the last point's slope implies around the best fit (the
Gaussian limit of a Poisson likelihood); below the first point, linearly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DENSE = 400


@dataclass(frozen=True)
class CastroLikelihood:
    """Per-bin log-likelihood of the energy flux, from an SED's scans."""

    ref_eflux: np.ndarray  # (nE,) MeV cm-2 s-1
    norm: np.ndarray  # (nE, DENSE) dense norms
    loglike: np.ndarray  # (nE, DENSE) log-likelihood relative to each bin's maximum
    best: np.ndarray  # (nE,) best-fit norm
    slope: np.ndarray  # (nE,) d loglike / d norm at the end of the scan
    curvature: np.ndarray  # (nE,) second derivative of the continuation (< 0)

    @classmethod
    def from_sed(cls, sed: dict[str, np.ndarray]) -> CastroLikelihood:
        from scipy.interpolate import PchipInterpolator

        scan_n, scan_l = np.atleast_2d(sed["norm_scan"]), np.atleast_2d(sed["dloglike_scan"])
        nbins = scan_n.shape[0]
        norm, loglike = np.zeros((nbins, DENSE)), np.zeros((nbins, DENSE))
        best, slope, curv = np.zeros(nbins), np.zeros(nbins), np.zeros(nbins)
        for k in range(nbins):
            n, ll = np.unique(scan_n[k], return_index=True)
            ll = scan_l[k][ll]
            spline = PchipInterpolator(n, ll, extrapolate=False)
            norm[k] = np.linspace(n[0], n[-1], DENSE)
            loglike[k] = spline(norm[k])
            best[k] = norm[k][np.argmax(loglike[k])]
            s = float(spline.derivative()(n[-1]))
            s = min(s, -1e-9)
            span = max(n[-1] - best[k], 1e-3 * n[-1])
            slope[k], curv[k] = s, s / span
        return cls(np.asarray(sed["ref_eflux"], float), norm, loglike, best, slope, curv)

    @property
    def nbins(self) -> int:
        return len(self.ref_eflux)

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
