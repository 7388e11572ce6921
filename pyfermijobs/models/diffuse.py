"""Diffuse emission of the synthetic sky: an isotropic component and a smooth Galactic one.

* Isotropic: intensity above 100 MeV of 1e-5 ph cm-2 s-1 sr-1 with index 2.3, the order of the
  LAT isotropic diffuse background (IGRB plus residual cosmic rays; Ackermann et al. 2015,
  ApJ 799, 86, measure an IGRB of about 7e-6 above 100 MeV).
* Galactic: a smooth, latitude- and longitude-dependent analytic model with index 2.6 (the
  pi0-decay-dominated interstellar emission; Ackermann et al. 2012, ApJ 750, 3). Intensity
  above 100 MeV: ``1e-5 x [0.8 + 40 L(l) exp(-|b|/3 deg) + 4 exp(-|b|/15 deg)]`` with
  ``L(l) = 0.3 + 0.7 exp(-(l/50 deg)^2)``: about 1e-5 at the poles, 2e-5 at |b| = 20 deg and
  4.5e-4 towards the Galactic centre, the orders of magnitude of the LAT interstellar
  emission model. It is *not* that model (gll_iem_v07), which ships with Fermitools.
"""

from __future__ import annotations

import numpy as np

from pyfermijobs.models.spectra import Spectrum

ISO_INTENSITY_100 = 1.0e-5  # ph cm-2 s-1 sr-1 above 100 MeV
ISO_INDEX = 2.3
GAL_INDEX = 2.6
GAL_UNIT = 1.0e-5


def powerlaw_above(intensity: float, index: float, e0: float = 100.0) -> Spectrum:
    """Power law (per sr) whose integral above e0 is ``intensity``."""
    return Spectrum("PowerLaw", {"Prefactor": intensity * (index - 1.0) / e0, "Index": index, "Scale": e0})


def isotropic_spectrum() -> Spectrum:
    return powerlaw_above(ISO_INTENSITY_100, ISO_INDEX)


def galactic_spectrum() -> Spectrum:
    """Spectrum of the Galactic component for a unit spatial profile."""
    return powerlaw_above(GAL_UNIT, GAL_INDEX)


def galactic_profile(glon: np.ndarray, glat: np.ndarray) -> np.ndarray:
    """Spatial profile of the Galactic component (dimensionless, multiplies galactic_spectrum)."""
    l_wrapped = (np.asarray(glon) + 180.0) % 360.0 - 180.0
    b = np.abs(np.asarray(glat))
    along = 0.3 + 0.7 * np.exp(-((l_wrapped / 50.0) ** 2))
    return 0.8 + 40.0 * along * np.exp(-b / 3.0) + 4.0 * np.exp(-b / 15.0)
