"""Integration over energy bins: Gauss-Legendre nodes in ln E, for the engine's model templates and
the dark-matter spectra tables alike."""

from __future__ import annotations

import numpy as np


def log_nodes(emin: np.ndarray, emax: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes in ln E per bin: (energies, weights in ln E), shape (nbins, n).

    ``sum(f(E) * E * w)`` integrates f dE over each bin.
    """
    x, w = np.polynomial.legendre.leggauss(n)
    lo, hi = np.log(emin)[:, None], np.log(emax)[:, None]
    half = 0.5 * (hi - lo)
    return np.exp(lo + half * (x[None, :] + 1.0)), half * w[None, :]
