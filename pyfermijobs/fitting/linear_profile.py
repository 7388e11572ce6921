"""Profile likelihood of one normalisation for many values at once (the SED's inner loop).

In an SED every free parameter is a normalisation: the test source's in one energy bin, and those
of the diffuse components and correlated sources. The model is linear in all of them and the
Poisson log-likelihood concave, so each profile point is a small concave maximisation over
non-negative nuisance scales. Solving the points of a scan together (numpy batches over points)
replaces a sequence of separate fits, whose cost was Python overhead, not arithmetic.

The profile's slope comes free: by the envelope theorem dP/dx = sum n t / mu - t_tot at the
re-optimised nuisances. That turns the crossings (errors, upper limit) into a few Newton steps on
the profile itself instead of bracketing searches; a concave profile makes them converge
monotonically once on the far side of the crossing.
"""

from __future__ import annotations

import numpy as np

from pyfermijobs.fitting.likelihood import BOUND_EPS, PoissonFit


class LinearProfile:
    """P(x) = max over s >= 0 of log L(x, s) for a :class:`PoissonFit` whose components are all
    normalisations; component 0 is the profiled one, the others the nuisances s."""

    def __init__(self, fit: PoissonFit, start: np.ndarray):
        if any(kind != "norm" for _, kind in fit.slots):
            raise ValueError("a linear profile needs normalisations only (no free index)")
        self.n, self.b, self.btot = fit.n, fit.b, fit.btot
        self.t, self.t_tot = fit.T[0], float(fit.S[0].sum())
        self.T, self.S = fit.T[1:], fit.S[1:].sum(axis=1)
        start = np.asarray(start, float)
        self.x_best, self.start = float(start[0]), np.clip(start[1:], 0.0, None)  # the best fit
        # how the nuisances follow x near the best fit (implicit function theorem on the gradient):
        # ds/dx = -H_ss^-1 H_sx, so each point starts close to its solution
        self.ds_dx = np.zeros(len(self.S))
        if len(self.S):
            mu = self.b + self.x_best * self.t + self.start @ self.T
            w = self.n / mu**2
            h_ss = (self.T * w) @ self.T.T + 1e-12 * np.eye(len(self.S))
            self.ds_dx = -np.linalg.lstsq(h_ss, (self.T * w) @ self.t, rcond=None)[0]

    def _loglike(self, x: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mu = self.b + x[:, None] * self.t + s @ self.T
        with np.errstate(divide="ignore", invalid="ignore"):
            ll = np.sum(self.n * np.log(mu), axis=1) - self.btot - x * self.t_tot - s @ self.S
        return np.where(np.all(mu > 0, axis=1), ll, -np.inf), mu

    def __call__(
        self, x: np.ndarray, start: np.ndarray | None = None, tol: float = 1e-9, max_iter: int = 100
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(P(x), dP/dx, nuisance scales) at each x, by batched projected Newton (Bertsekas: a scale
        at zero that the gradient pushes down is held there), from ``start`` (points x nuisances)
        or from the best fit's nuisances moved along ds/dx."""
        x = np.atleast_1d(np.asarray(x, float))
        k = len(self.S)
        if start is None:
            s = np.clip(self.start + (x - self.x_best)[:, None] * self.ds_dx, 0.0, None)
        else:
            s = np.clip(np.array(start, float).reshape(len(x), k), 0.0, None)
        ll, mu = self._loglike(x, s)
        eye = np.eye(k)
        todo = np.ones(len(x), bool)
        for _ in range(max_iter if k else 0):
            r = self.n / mu[todo]
            grad = r @ self.T.T - self.S
            hess = ((r / mu[todo])[:, None, :] * self.T[None]) @ self.T.T
            free = ~((s[todo] <= BOUND_EPS) & (grad < 0))
            both = free[:, :, None] & free[:, None, :]
            h = np.where(both, hess, 0.0) + np.where(free[:, :, None], 1e-12, 1.0) * eye
            step = np.linalg.solve(h, (grad * free)[..., None])[..., 0]
            # backtracking per point: halve the step of the points that did not improve
            frac = np.ones(len(step))
            base_s, base_ll = s[todo], ll[todo]
            for _ in range(40):
                trial = np.clip(base_s + frac[:, None] * step, 0.0, None)
                trial_ll, trial_mu = self._loglike(x[todo], trial)
                worse = trial_ll < base_ll - 1e-12
                if not worse.any():
                    break
                frac[worse] *= 0.5
            moved = np.max(np.abs(trial - base_s), axis=1, initial=0.0)
            done = ((trial_ll - base_ll) < tol) & (moved < 1e-7 * (1.0 + np.max(trial, axis=1, initial=0.0)))
            done |= worse  # no ascent left at this precision
            keep = np.where(worse[:, None], base_s, trial)
            idx = np.nonzero(todo)[0]
            s[idx] = keep
            ll[idx] = np.where(worse, base_ll, trial_ll)
            mu[idx] = np.where(worse[:, None], mu[idx], trial_mu)
            todo[idx[done]] = False
            if not todo.any():
                break
        slope = (self.n / mu) @ self.t - self.t_tot
        return ll, slope, s

    def crossings(self, levels: np.ndarray, starts: np.ndarray, best: float, max_iter: int = 80) -> np.ndarray:
        """Where P falls to each level, by Newton from each start: a start above the maximum at
        ``best`` seeks the crossing above it, a start at or below it the one below (x >= 0). inf
        where the profile never falls that far above the maximum, nan where it does not below."""
        x = np.asarray(starts, float).copy()
        levels = np.asarray(levels, float)
        above = x > best
        out = np.full(len(x), np.nan)
        todo = np.ones(len(x), bool)
        far = 1e12 * max(abs(best) + 1.0, 1.0)
        nuisance: np.ndarray | None = None  # each search's last solution: the next start
        for _ in range(max_iter):
            idx = np.nonzero(todo)[0]
            ll, slope, solved = self(x[idx], None if nuisance is None else nuisance[idx])
            if nuisance is None:
                nuisance = np.zeros((len(x), len(self.S)))
            nuisance[idx] = solved
            f = ll - levels[idx]
            hit = np.abs(f) < 1e-10 * (1.0 + np.abs(levels[idx]))
            with np.errstate(divide="ignore", invalid="ignore"):
                new = x[idx] - f / slope
            # right of the maximum a flat (or not yet falling) profile, or a jump from near the
            # top, moves at most 4x as far from the maximum; concavity does the rest
            cap = best + 4.0 * (x[idx] - best) + 1e-6
            up = above[idx]
            new = np.where(up & ~((slope < 0) & (new < cap)), cap, new)
            new = np.where(~up & ~(slope > 0), x[idx], new)  # below: rising towards the maximum
            new = np.maximum(np.nan_to_num(new, nan=0.0), 0.0)
            stuck = np.abs(new - x[idx]) <= 1e-13 * (1.0 + np.abs(x[idx]))
            out[idx[hit | stuck]] = np.where(hit, x[idx], new)[hit | stuck]
            gone = up & (new > far)
            out[idx[gone]] = np.inf
            x[idx] = new
            todo[idx[hit | stuck | gone]] = False
            if not todo.any():
                break
        return out
