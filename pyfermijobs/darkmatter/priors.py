"""J-factor priors named and defined as dmsky's, as functions of u = log10(J / J0), each normalised
to a maximum of 0.

dmpipe builds its prior with ``dmsky.priors.create_prior_functor(dict(functype=prior, mu=j_integ,
sigma=j_sigma, j_value=j_integ, scale=j_integ))`` and profiles the nuisance y = J/J0 out of
``-nll(x y) + ln prior(y)`` (``LnLFn_norm_prior._profile_loglike_spline``). The names here are
dmsky's ``functype`` values and mean what dmsky means by them; ``j_sigma`` (s) is the 1-sigma
width of log10 J, as dmsky's targets and the LAT dwarf papers give it:

* ``none``: J is J0 exactly.
* ``lgauss`` (dmsky ``LGaussPrior``, ``stat_funcs.lgauss``): the log-normal density in J,
  N(log10 J; log10 J0, s) / (J ln 10). Its 1/J moves the mode to u = -s^2 ln 10 (0.83 dex below J0
  at s = 0.6), so it allows a smaller J than the others and gives weaker limits.
* ``lgauss_like`` (dmsky ``LGaussLikePrior``: ``lgauss`` with x and mu swapped, which makes the
  1/(J0 ln 10) a constant): the Gaussian likelihood of a measured log10 J, ln = -u^2 / (2 s^2).
  This is the prior of the LAT dwarf papers (Ackermann et al. 2015, PRL 115, 231301, eq. 3;
  Albert et al. 2017, ApJ 834, 110).
* ``lgauss_log`` (dmsky ``LGaussLogPrior``, ``lgauss(..., logpdf=True)``): the density of log10 J
  without the Jacobian; as a function of J the same shape as ``lgauss_like``.
* ``lognorm`` (dmsky ``LognormPrior``): meant as scipy's log-normal in J with median J0. dmsky's
  ``return stats.lognorm(self._sigma, scale=self._mu).pdf(x*self.scale)`` takes the log10 width
  ``j_sigma`` as a natural-log one, and its ``super(LognormPrior, self).__init__('lognorm')`` never
  passes ``scale`` on, so dmpipe evaluates it at J/J0 ~ 1 instead of at J (where it underflows to
  0). Implemented here is the intended distribution, ``scipy.stats.lognorm(s ln 10, scale=J0)``,
  which is exactly ``lgauss``.
* ``norm`` and ``gauss`` (dmsky ``NormPrior``, ``return stats.norm(loc=self._mu,
  scale=self._sigma).pdf(x*self.scale)``, and ``GaussPrior``, ``stat_funcs.gauss``): a Gaussian in
  J. dmsky takes sigma in absolute units of J while the targets (and dmpipe's call above) give
  j_sigma in log10; implemented here: sigma_J = J0 s ln 10 (the linearised width), J > 0. Such a
  density stays finite as J -> 0, so the profile over J includes that limit
  (:func:`pyfermijobs.darkmatter.likelihood.convert_priors`): once s is wide enough that
  ln P(0) = -1 / (2 (s ln 10)^2) is above -1.35 (s > 0.26), no 95% limit exists.

No aliases: the old names of this module (``lgauss`` for the Gaussian in log10 J, ``lognorm`` for
the log-normal density) now mean dmsky's.

A normalised maximum keeps sigmav = 0 at the data's own likelihood, so a TS does not depend on
the prior's constant.
"""

from __future__ import annotations

import numpy as np

PRIORS = ("none", "gauss", "lgauss", "lgauss_like", "lgauss_log", "lognorm", "norm")
LN10 = np.log(10.0)
#: How far the profile over J reaches from the prior's mode, in units of j_sigma (log10): the
#: prior has fallen by REACH^2 / 2 = 18 there, more than any limit's 1.35, so the reach cannot
#: set a limit.
REACH = 6.0
#: Where the grid of the Gaussian-in-J priors stops below J0 (log10 J/J0); the interval from J = 0
#: up to it is covered by the J -> 0 limit of the profile (see ``finite_at_zero``), not by a cut.
LINEAR_FLOOR = -3.0

#: One line per prior: ln P(J) up to a constant, u = log10(J/J0), s = j_sigma.
PRIOR_FORMULAS: dict[str, str] = {
    "none": "J = J0",
    "gauss": "ln P = -(J/J0 - 1)^2 / (2 (s ln10)^2), J > 0 (Gaussian in J, sigma_J = J0 s ln10)",
    "lgauss": "ln P = -u^2 / (2 s^2) - u ln10 (log-normal density of J: N(log10 J; log10 J0, s) / (J ln10))",
    "lgauss_like": "ln P = -u^2 / (2 s^2) (Gaussian likelihood of log10 J; Ackermann+2015, Albert+2017)",
    "lgauss_log": "ln P = -u^2 / (2 s^2) (Gaussian density of log10 J, read as a function of J)",
    "lognorm": "ln P = -u^2 / (2 s^2) - u ln10 (scipy lognorm(s ln10, scale=J0); equals lgauss)",
    "norm": "ln P = -(J/J0 - 1)^2 / (2 (s ln10)^2), J > 0 (Gaussian in J, sigma_J = J0 s ln10)",
}

#: Where dmsky 0.2.5, called as dmpipe calls it, does not compute what its name says; this module
#: implements the name.
DMSKY_DEVIATIONS: dict[str, str] = {
    "lognorm": "LognormPrior drops `scale` (`super(LognormPrior, self).__init__('lognorm')`), so "
    "dmpipe's prior(J/J0) is lognorm(s, scale=J0).pdf(J/J0) ~ 0; and it reads the log10 width s as a "
    "natural-log one. Here: lognorm(s ln10, scale=J0).pdf(J).",
    "norm": "NormPrior reads sigma in units of J, dmpipe passes j_sigma (log10); here sigma_J = J0 s ln10. "
    "Its log_value, inherited from PriorFunctor (`np.log(self.__call__(self._scale*x))`), also applies "
    "the scale twice (a pdf at J0 J, 0).",
    "gauss": "GaussPrior reads sigma in units of J, dmpipe passes j_sigma (log10); here sigma_J = J0 s ln10.",
    "lgauss": "LGaussPrior.log_value (stat_funcs.lnlgauss) uses 2.302585 for ln 10: its ln P differs from "
    "ln of its own value by 1e-7 per dex of J (immaterial); here the exact density.",
}

_LINEAR = ("gauss", "norm")
_LOG_NORMAL = ("lgauss", "lognorm")


def _check(kind: str) -> None:
    if kind not in PRIORS:
        raise ValueError(f"unknown J-factor prior {kind!r}; known: {', '.join(PRIORS)}")


def log_prior(kind: str, u: np.ndarray | float, j_sigma: float) -> np.ndarray:
    """ln prior at u = log10(J/J0) (u = -inf is J = 0), up to the constant that makes its maximum 0.

    ``j_sigma <= 0`` is J = J0 exactly, whatever the prior."""
    _check(kind)
    u = np.asarray(u, float)
    if kind == "none" or j_sigma <= 0:
        return np.where(u == 0.0, 0.0, -np.inf)
    if kind in _LOG_NORMAL:  # -u^2/(2 s^2) - u ln10, completed square around its mode
        return -0.5 * ((u - prior_mode(kind, j_sigma)) / j_sigma) ** 2
    if kind in _LINEAR:
        return -0.5 * ((10.0**u - 1.0) / (j_sigma * LN10)) ** 2
    return -0.5 * (u / j_sigma) ** 2  # lgauss_like, lgauss_log


def prior_mode(kind: str, j_sigma: float) -> float:
    """u = log10(J/J0) where the prior is largest (as a function of J)."""
    _check(kind)
    return -(j_sigma**2) * LN10 if kind in _LOG_NORMAL and j_sigma > 0 else 0.0


def finite_at_zero(kind: str, j_sigma: float) -> bool:
    """Whether the prior's density stays finite as J -> 0 (then the profile over J includes J = 0,
    where the likelihood is the castro's at zero flux). Such priors also rise monotonically from
    J = 0 to J0, which ``convert_priors`` relies on below the grid's floor."""
    return bool(np.isfinite(log_prior(kind, -np.inf, j_sigma)))


def u_grid(kind: str, j_sigma: float, step: float) -> np.ndarray:
    """The offsets log10(J/J0) the profile over J visits: multiples of ``step`` (the sigmav grid's)
    from REACH sigma below the prior's mode (or LINEAR_FLOOR for a Gaussian in J, whose limit J -> 0
    is taken separately) to REACH sigma above it."""
    _check(kind)
    if kind == "none" or j_sigma <= 0:
        return np.zeros(1)
    if kind in _LINEAR:  # J up to J0 (1 + REACH sigma_J / J0)
        lo, hi = LINEAR_FLOOR, np.log10(1.0 + REACH * j_sigma * LN10)
    else:
        mode = prior_mode(kind, j_sigma)
        lo, hi = mode - REACH * j_sigma, mode + REACH * j_sigma
    return np.arange(np.floor(lo / step), np.ceil(hi / step) + 1) * step
