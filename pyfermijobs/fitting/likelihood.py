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
#: A parameter closer than this to a bound the gradient pushes it towards takes a scaled gradient step.
NEAR_BOUND = 0.1

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
    #: d loglike / d parameter at ``values`` (for a parameter held fixed, the profile's slope)
    gradient: np.ndarray

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

        def rows(cube: np.ndarray) -> np.ndarray:  # (bins, pixels), a view when every bin is used
            cube = cube.reshape(nebins, -1)
            return cube if bins is None else cube[self.bins]

        counts = rows(counts)
        background = rows(background)
        mask = counts > 0
        self.kidx = np.nonzero(mask)[0]
        voxels = np.flatnonzero(mask)  # the voxels with counts, as indices into the flattened rows
        self.n = counts.ravel()[voxels].astype(float)
        self.b = background.ravel()[voxels]
        self.btot = float(background.sum())
        self.components = list(components)
        flat = [rows(c.template) for c in self.components]
        self.T = np.array([f.ravel()[voxels] for f in flat]).reshape(len(flat), len(self.n))
        self.S = np.array([f.sum(axis=1) for f in flat]).reshape(len(flat), len(self.bins))
        # only normalisations free: the model is linear in them (the SED's fits), and mu, the
        # gradient and the Fisher matrix come straight from the templates
        self.linear = all(c.index_factor is None for c in self.components)
        self.Stot = self.S.sum(axis=1)
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
        # rows of each component's normalisation and index among the parameters
        self._norm_row = np.array([p for p, (_, kind) in enumerate(self.slots) if kind == "norm"])
        self._index_row = {i: p for p, (i, kind) in enumerate(self.slots) if kind == "index"}

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
        if self.linear:
            mu = self.b + x @ self.T
            total = self.btot + float(x @ self.Stot)
        else:
            s, g, _ = self._factors(x)
            mu = self.b + s @ self.T
            for i in self._index_row:  # the spectral shape changes only these templates
                mu += s[i] * (g[i][self.kidx] - 1.0) * self.T[i]
            total = self.btot + float(np.sum(s[:, None] * g * self.S))
        if np.any(mu <= 0):
            return -np.inf
        return float(self.n @ np.log(mu)) - total

    def _derivatives(self, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """log-likelihood, gradient and Fisher matrix (n/mu^2-weighted outer products)."""
        if self.linear:
            mu = self.b + x @ self.T
            ratio = self.n / mu
            logl = float(self.n @ np.log(mu)) - self.btot - float(x @ self.Stot)
            return logl, self.T @ ratio - self.Stot, (self.T * (ratio / mu)) @ self.T.T
        s, g, dg = self._factors(x)
        jac = np.empty((len(x), len(self.n)))
        jac[self._norm_row] = self.T
        jtot = np.empty(len(x))
        jtot[self._norm_row] = np.sum(g * self.S, axis=1)
        for i, p in self._index_row.items():
            jac[p] = (s[i] * dg[i][self.kidx]) * self.T[i]
            jac[self._norm_row[i]] *= g[i][self.kidx]
            jtot[p] = s[i] * np.sum(dg[i] * self.S[i])
        weights = np.zeros(len(x))
        weights[self._norm_row] = s
        mu = self.b + weights @ jac
        logl = float(self.n @ np.log(mu)) - self.btot - float(np.sum(s[:, None] * g * self.S))
        ratio = self.n / mu
        grad = jac @ ratio - jtot
        fisher = (jac * (ratio / mu)) @ jac.T
        return logl, grad, fisher

    # --- maximisation -------------------------------------------------------------------
    def _projected_newton_step(self, x: np.ndarray, grad: np.ndarray, fisher: np.ndarray) -> np.ndarray:
        """Bertsekas' (1982) projected Newton direction, to be followed along its projection.

        A parameter on a bound that the gradient pushes outward is held there. One merely near
        a bound that the gradient pushes towards it (nearer than the projected gradient's
        length, at most NEAR_BOUND) takes a scaled gradient step instead of a Newton one: in a
        Newton step computed as if it could cross the bound, strongly correlated partners (the
        two diffuse normalisations, say) would move to compensate, the projection would cut the
        step short, and the fit would creep towards the bound by ever smaller gains and stop
        short of it, with the other parameters still far from their optimum.
        """
        width = float(np.max(np.abs(x - np.clip(x + grad, self.lower, self.upper))))
        near = min(NEAR_BOUND, width)
        held = ((x <= self.lower + BOUND_EPS) & (grad < 0)) | ((x >= self.upper - BOUND_EPS) & (grad > 0))
        towards = ((x <= self.lower + near) & (grad < 0)) | ((x >= self.upper - near) & (grad > 0))
        scaled = towards & ~held
        newton = ~(held | towards)
        step = np.zeros_like(x)
        diag = np.diag(fisher)
        step[scaled] = grad[scaled] / np.where(diag[scaled] > 0, diag[scaled], 1.0)
        if newton.any():
            h = fisher[np.ix_(newton, newton)] + 1e-12 * np.eye(newton.sum())
            try:
                step[newton] = np.linalg.solve(h, grad[newton])
            except np.linalg.LinAlgError:
                step[newton] = np.linalg.lstsq(h, grad[newton], rcond=None)[0]
        return step

    def fit(self, x0: np.ndarray | None = None, tol: float = 1e-7, max_iter: int = 200) -> FitResult:
        """Projected Newton with backtracking; parameters at a bound drop out of the step."""
        x = self.initial() if x0 is None else np.clip(np.asarray(x0, float), self.lower, self.upper)
        if len(x) == 0:
            ll = self.loglike(x)
            return FitResult([], x, x, np.zeros((0, 0)), ll, 0, True, x)
        logl, grad, fisher = self._derivatives(x)
        converged = False
        it = 0
        for it in range(1, max_iter + 1):  # noqa: B007 - niter reported
            step = self._projected_newton_step(x, grad, fisher)
            # Newton's decrement: what the step would gain. Below tol there is nothing left to
            # gain, and a line search would only compare sums that differ by rounding.
            if 0.5 * float(grad @ step) < tol and np.max(np.abs(step)) < 1e-5 * (1.0 + np.max(np.abs(x))):
                converged = True
                break
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
        errors = np.sqrt(np.clip(np.diag(cov), 0, None))
        return FitResult(list(self.names), x, errors, cov, logl, it, converged, grad)


def _inverse(matrix: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(matrix)
