"""J-factor priors, as functions of u = log10(J / J0), each normalised to a maximum of 0.

The names are dmpipe's ``astro_priors``. ``j_sigma`` is the 1-sigma uncertainty of log10 J
(as the LAT dwarf papers quote it); the priors differ in what is Gaussian:

* ``none``: J is J0 exactly.
* ``lgauss``: log10 J is Gaussian (Ackermann et al. 2015, PRL 115, 231301, eq. 3).
* ``lognorm``: J follows a log-normal density in J (scipy's ``lognorm``, sigma = j_sigma ln 10);
  the 1/J of that density moves its mode below J0.
* ``norm``: J is Gaussian with sigma_J = J0 j_sigma ln 10 (the linearised width), J > 0.

A normalised maximum keeps sigmav = 0 at the data's own likelihood, so a TS does not depend on
the prior's constant.
"""

from __future__ import annotations

import numpy as np

PRIORS = ("none", "lgauss", "lognorm", "norm")
LN10 = np.log(10.0)
#: How far the profile over J reaches, in units of j_sigma (log10).
REACH = 6.0


def log_prior(kind: str, u: np.ndarray, j_sigma: float) -> np.ndarray:
    """ln prior at u = log10(J/J0), up to the constant that makes its maximum 0."""
    u = np.asarray(u, float)
    if kind == "none":
        return np.where(u == 0.0, 0.0, -np.inf)
    if kind == "lgauss":
        return -0.5 * (u / j_sigma) ** 2
    if kind == "lognorm":
        value = -0.5 * (u / j_sigma) ** 2 - LN10 * u
        mode = -(j_sigma**2) * LN10
        return value - (-0.5 * (mode / j_sigma) ** 2 - LN10 * mode)
    if kind == "norm":
        return -0.5 * ((10.0**u - 1.0) / (j_sigma * LN10)) ** 2
    raise ValueError(f"unknown J-factor prior {kind!r}; known: {', '.join(PRIORS)}")


def u_grid(kind: str, j_sigma: float, step: float) -> np.ndarray:
    """The offsets log10(J/J0) the profile over J visits: multiples of ``step`` (the sigmav grid's)."""
    if kind == "none" or j_sigma <= 0:
        return np.zeros(1)
    if kind == "norm":  # J from near 0 to J0 (1 + REACH sigma_J)
        lo, hi = -3.0, np.log10(1.0 + REACH * j_sigma * LN10)
    else:
        lo, hi = -REACH * j_sigma - (j_sigma**2 * LN10 if kind == "lognorm" else 0.0), REACH * j_sigma
    return np.arange(np.floor(lo / step), np.ceil(hi / step) + 1) * step
