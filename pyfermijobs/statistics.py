"""Likelihood-ratio conventions shared by the SED estimator and the dark-matter stage."""

from __future__ import annotations


def one_sided_drop(cl: float) -> float:
    """Drop of the log-likelihood below its maximum at a one-sided upper limit of confidence ``cl``:
    (Phi^-1(cl))^2 / 2 (1.35 at 95%), i.e. half the chi-square (1 dof) quantile at 2 cl - 1, as
    fermipy's and dmpipe's limits use it."""
    from scipy.stats import norm

    return 0.5 * float(norm.ppf(cl)) ** 2
