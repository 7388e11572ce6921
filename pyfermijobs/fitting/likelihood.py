"""Binned Poisson likelihood over fixed templates, and its maximisation.

The model is ``mu = b + sum_c s_c g_c(gamma_c) T_c``: a fixed background ``b``, and free
components with a template ``T_c`` (counts for a reference spectrum), a normalisation
scale ``s_c >= 0`` and, optionally, a spectral index ``gamma_c`` whose effect is a per-energy-bin
factor ``g_c``. The log-likelihood is gtlike's binned one, ``sum n log mu - sum mu``
(without the constant ``log n!``).

Only pixels with counts enter the ``n log mu`` sum; the ``sum mu`` term comes from per-bin
template totals. At LAT energies above a few GeV most pixels are empty, so this is where
much of the speed comes from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: Parameters closer than this to a bound count as on it (normalisation scales are O(1)).
BOUND_EPS = 1e-6

IndexFactor = Callable[[float], np.ndarray]  # gamma -> per-bin factor g (nebins,)


@dataclass
class FreeComponent:
    """A component with a free normalisation (and optionally a free index)."""

    name: str
    template: np.ndarray  # (nebins, ...) counts for scale 1 (and the reference index)
    index_factor: IndexFactor | None = None
    index0: float = 0.0  # reference index (g = 1 there)
    index_bounds: tuple[float, float] = (-np.inf, np.inf)


@dataclass
class FitResult:
    names: list[str]  # parameter names, "<component>:norm" / "<component>:index"
    values: np.ndarray
    errors: np.ndarray
    covariance: np.ndarray
    loglike: float
    niter: int
    converged: bool

    def value(self, name: str) -> float:
        return float(self.values[self.names.index(name)])

    def correlation(self) -> np.ndarray:
        """Correlation matrix; parameters held at a bound (no variance) correlate with nothing."""
        d = np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))
        ok = d > np.sqrt(np.finfo(float).tiny)  # |cov_ij| <= d_i d_j: no overflow below
        out = np.zeros_like(self.covariance)
        out[np.ix_(ok, ok)] = self.covariance[np.ix_(ok, ok)] / np.outer(d[ok], d[ok])
        return out


class PoissonFit:
    """Likelihood of counts given a fixed background and free components.

    ``bins`` restricts the likelihood to some energy bins (the SED fits one bin at a time).
    """

    def __init__(
        self,
        counts: np.ndarray,
        background: np.ndarray,
        components: Sequence[FreeComponent],
        bins: Sequence[int] | None = None,
    ):
        nebins = counts.shape[0]
        self.bins = np.arange(nebins) if bins is None else np.asarray(bins)
        counts = counts[self.bins].reshape(len(self.bins), -1)
        background = background[self.bins].reshape(len(self.bins), -1)
        mask = counts > 0
        self.kidx = np.nonzero(mask)[0]
        self.n = counts[mask].astype(float)
        self.b = background[mask]
        self.btot = float(background.sum())
        self.components = list(components)
        flat = [c.template[self.bins].reshape(len(self.bins), -1) for c in self.components]
        self.T = np.array([f[mask] for f in flat]).reshape(len(flat), len(self.n))
        self.S = np.array([f.sum(axis=1) for f in flat]).reshape(len(flat), len(self.bins))
        self.names: list[str] = []
        self.slots: list[tuple[int, str]] = []
        for i, c in enumerate(self.components):
            self.names.append(f"{c.name}:norm")
            self.slots.append((i, "norm"))
            if c.index_factor is not None:
                self.names.append(f"{c.name}:index")
                self.slots.append((i, "index"))
        lower, upper = [], []
        for i, kind in self.slots:
            if kind == "norm":
                lower.append(0.0)
                upper.append(np.inf)
            else:
                lower.append(self.components[i].index_bounds[0])
                upper.append(self.components[i].index_bounds[1])
        self.lower, self.upper = np.array(lower), np.array(upper)

    def initial(self) -> np.ndarray:
        return np.array([1.0 if kind == "norm" else self.components[i].index0 for i, kind in self.slots])

    # --- model --------------------------------------------------------------------------
    def _factors(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per component: scale s, per-bin factor g (len(bins)) and dg/dgamma (or zeros)."""
        ncomp = len(self.components)
        s = np.ones(ncomp)
        g = np.ones((ncomp, len(self.bins)))
        dg = np.zeros((ncomp, len(self.bins)))
        for value, (i, kind) in zip(x, self.slots, strict=True):
            if kind == "norm":
                s[i] = value
            else:
                f = self.components[i].index_factor
                h = 1e-4
                g[i] = f(value)[self.bins]
                dg[i] = (f(value + h)[self.bins] - f(value - h)[self.bins]) / (2 * h)
        return s, g, dg

    def npred(self, x: np.ndarray) -> float:
        s, g, _ = self._factors(x)
        return self.btot + float(np.sum(s[:, None] * g * self.S))

    def loglike(self, x: np.ndarray) -> float:
        s, g, _ = self._factors(x)
        mu = self.b + s @ (g[:, self.kidx] * self.T)
        if np.any(mu <= 0):
            return -np.inf
        return float(np.sum(self.n * np.log(mu)) - self.btot - np.sum(s[:, None] * g * self.S))

    def _derivatives(self, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """log-likelihood, gradient and Fisher matrix (n/mu^2-weighted outer products)."""
        s, g, dg = self._factors(x)
        gT = g[:, self.kidx] * self.T
        mu = self.b + s @ gT
        logl = float(np.sum(self.n * np.log(mu)) - self.btot - np.sum(s[:, None] * g * self.S))
        jac = np.empty((len(x), len(self.n)))
        jtot = np.empty(len(x))
        for p, (i, kind) in enumerate(self.slots):
            if kind == "norm":
                jac[p] = gT[i]
                jtot[p] = np.sum(g[i] * self.S[i])
            else:
                jac[p] = s[i] * dg[i][self.kidx] * self.T[i]
                jtot[p] = s[i] * np.sum(dg[i] * self.S[i])
        ratio = self.n / mu
        grad = jac @ ratio - jtot
        fisher = (jac * (ratio / mu)) @ jac.T
        return logl, grad, fisher

    # --- maximisation -------------------------------------------------------------------
    def fit(self, x0: np.ndarray | None = None, tol: float = 1e-7, max_iter: int = 200) -> FitResult:
        """Projected Newton with backtracking; parameters at a bound drop out of the step."""
        x = self.initial() if x0 is None else np.clip(np.asarray(x0, float), self.lower, self.upper)
        if len(x) == 0:
            ll = self.loglike(x)
            return FitResult([], x, x, np.zeros((0, 0)), ll, 0, True)
        logl, grad, fisher = self._derivatives(x)
        converged = False
        it = 0
        for it in range(1, max_iter + 1):  # noqa: B007 - niter reported
            # Bertsekas' projected Newton: a parameter within BOUND_EPS of a bound that the
            # gradient pushes outward is held there, the others take a Newton step.
            at_lower = (x <= self.lower + BOUND_EPS) & (grad < 0)
            at_upper = (x >= self.upper - BOUND_EPS) & (grad > 0)
            active = ~(at_lower | at_upper)
            step = np.zeros_like(x)
            if active.any():
                h = fisher[np.ix_(active, active)] + 1e-12 * np.eye(active.sum())
                try:
                    step[active] = np.linalg.solve(h, grad[active])
                except np.linalg.LinAlgError:
                    step[active] = np.linalg.lstsq(h, grad[active], rcond=None)[0]
            t = 1.0
            improved = False
            for _ in range(40):
                trial = np.clip(x + t * step, self.lower, self.upper)
                trial_ll = self.loglike(trial)
                if trial_ll >= logl - 1e-12:
                    improved = True
                    break
                t *= 0.5
            if not improved:
                converged = True  # no ascent direction left at this precision
                break
            gain = trial_ll - logl
            x = trial
            logl, grad, fisher = self._derivatives(x)
            if gain < tol and np.max(np.abs(t * step)) < 1e-5 * (1.0 + np.max(np.abs(x))):
                converged = True
                break
        cov = _inverse(fisher)
        return FitResult(list(self.names), x, np.sqrt(np.clip(np.diag(cov), 0, None)), cov, logl, it, converged)


def _inverse(matrix: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(matrix)
