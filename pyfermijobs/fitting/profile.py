"""Profile log-likelihood of one parameter of a Poisson fit, the others re-optimised.

An SED spends nearly all its time here: per energy bin, two error crossings, an upper limit and
a 20-point scan, each point a refit of the other free normalisations. Two facts make each
point cheap:

- The slope of the profile is the partial derivative of the log-likelihood at the conditional
  optimum (the envelope theorem), which the refit has already computed. The limits use it to find
  crossings by Newton's method in a few evaluations instead of a bracketing search.
- The other parameters move linearly with the profiled one to first order, with the response
  ``cov[:, 0] / cov[0, 0]`` read off the refit's covariance. Each refit starts from that
  prediction, next to its optimum.
"""

from __future__ import annotations

import numpy as np

from pyfermijobs.fitting.likelihood import BOUND_EPS, FitResult, PoissonFit


class ProfileLikelihood:
    """The profile of ``fit``'s first parameter around its best fit ``best``.

    Calling it gives the profile log-likelihood at a value; ``value_and_slope`` gives its
    derivative too. Evaluations are remembered, so limits and scans share them.
    """

    def __init__(self, fit: PoissonFit, best: FitResult):
        self.fit = fit
        self.best = np.asarray(best.values, float).copy()
        self._anchor = (float(self.best[0]), self.best, self._response(best))
        self._seen: dict[float, tuple[float, float]] = {float(self.best[0]): (best.loglike, float(best.gradient[0]))}

    def __call__(self, x: float) -> float:
        return self.value_and_slope(x)[0]

    def value_and_slope(self, x: float) -> tuple[float, float]:
        x = float(x)
        if x not in self._seen:
            self._seen[x] = self._evaluate(x)
        return self._seen[x]

    def _response(self, result: FitResult) -> np.ndarray:
        """How the other parameters move per unit of the first at the conditional optimum.

        A parameter on a bound stays there: moved off it, the next Newton step would be
        solved as if it could cross, and its line search would have to undo that.
        """
        cov = result.covariance
        if cov.shape[0] == 0 or not (np.isfinite(cov[0, 0]) and cov[0, 0] > 0):
            return np.zeros(cov.shape[0])
        response = cov[:, 0] / cov[0, 0]
        on_bound = (result.values <= self.fit.lower + BOUND_EPS) | (result.values >= self.fit.upper - BOUND_EPS)
        response[on_bound] = 0.0
        response[0] = 1.0
        return np.where(np.isfinite(response), response, 0.0)

    def _evaluate(self, x: float) -> tuple[float, float]:
        fit = self.fit
        fit.lower[0] = fit.upper[0] = x
        x0, values0, response = self._anchor
        result = fit.fit(values0 + response * (x - x0))
        if not result.converged:  # a far prediction (e.g. from the fit at zero): again from the best fit's
            again = self.best.copy()
            again[0] = x
            retry = fit.fit(again)
            result = retry if retry.loglike > result.loglike else result
        self._anchor = (x, result.values, self._response(result))
        return result.loglike, float(result.gradient[0])
