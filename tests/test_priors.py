"""J-factor priors: dmsky's names and definitions, and limits profiled as dmpipe profiles them.

dmpipe builds ``create_prior_functor(dict(functype=prior, mu=j_integ, sigma=j_sigma,
j_value=j_integ, scale=j_integ))`` and evaluates it at y = J/J0 (the functor multiplies by
``scale`` inside). Our ``log_prior`` must differ from ln of that by a constant, except where dmsky
does not compute what its name says (``DMSKY_DEVIATIONS``): there it is compared with the intended
distribution.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import convert
from scipy import stats
from scipy.optimize import brentq

from pyfermijobs.darkmatter.castro import CastroLikelihood
from pyfermijobs.darkmatter.likelihood import convert_priors
from pyfermijobs.darkmatter.limits import limits
from pyfermijobs.darkmatter.priors import (
    DMSKY_DEVIATIONS,
    LN10,
    PRIOR_FORMULAS,
    PRIORS,
    REACH,
    finite_at_zero,
    log_prior,
    prior_mode,
    u_grid,
)
from pyfermijobs.darkmatter.spectra import spec_table
from pyfermijobs.statistics import one_sided_drop

J0S = (1e17, 6.9e18, 1e21)
SIGMAS = (0.1, 0.4, 0.6)
EDGES = np.logspace(np.log10(500.0), np.log10(500000.0), 13)


def dmsky_prior(kind: str, j0: float, sigma: float):
    """dmsky's functor, built as dmpipe builds it."""
    from dmsky.priors import create_prior_functor

    return create_prior_functor({"functype": kind, "mu": j0, "sigma": sigma, "j_value": j0, "scale": j0})


def ln_dmsky(prior, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(prior(y))


def test_the_names_are_dmskys_and_there_are_no_aliases() -> None:
    assert PRIORS == ("none", "gauss", "lgauss", "lgauss_like", "lgauss_log", "lognorm", "norm")
    assert set(PRIOR_FORMULAS) == set(PRIORS) and set(DMSKY_DEVIATIONS) <= set(PRIORS)
    for old_or_alias in ("lgauss_lik", "lgauss_logpdf", "log10norm", "interp"):
        with pytest.raises(ValueError, match="unknown J-factor prior"):
            log_prior(old_or_alias, np.zeros(1), 0.2)


@pytest.mark.parametrize("kind", ["gauss", "lgauss", "lgauss_like", "lgauss_log", "norm"])
@pytest.mark.parametrize("j0", J0S)
@pytest.mark.parametrize("s", SIGMAS)
def test_log_prior_is_dmskys_up_to_a_constant(kind: str, j0: float, s: float) -> None:
    """Over u in [-3s, 3s], to 1e-9. gauss and norm: dmsky's sigma is in units of J, so its functor
    is called with sigma = J0 s ln10 (dmpipe passes s, a log10 width: a Gaussian of width 0.4 in
    J ~ 1e19, i.e. J = J0 exactly). Where dmsky's pdf underflows to 0 ours is below -700."""
    u = np.linspace(-3 * s, 3 * s, 121)
    sigma = j0 * s * LN10 if kind in ("gauss", "norm") else s
    prior = dmsky_prior(kind, j0, sigma)
    theirs, ours = ln_dmsky(prior, 10.0**u), log_prior(kind, u, s)
    finite = np.isfinite(theirs)
    assert np.all(ours[~finite] < -700)
    diff = ours[finite] - theirs[finite]
    assert np.ptp(diff) < 1e-9


def test_dmskys_log_value_is_its_value_but_for_rounding_and_norms_double_scale() -> None:
    """dmpipe profiles with ``log_value``. For lgauss it (``lnlgauss``) uses 2.302585 for ln 10: off
    by 1e-7 per dex of J, immaterial; for norm (PriorFunctor's ``np.log(self.__call__(self._scale*x))``)
    it applies the scale twice: -inf, which is why the comparisons above use the value itself."""
    y = 10.0 ** np.linspace(-1, 1, 41)
    for kind in ("gauss", "lgauss", "lgauss_like", "lgauss_log"):
        prior = dmsky_prior(kind, 6.9e18, 0.4 * (6.9e18 * LN10 if kind == "gauss" else 1.0))
        assert np.allclose(prior.log_value(y), ln_dmsky(prior, y), rtol=0, atol=1e-5)
    with np.errstate(divide="ignore"):
        assert np.all(np.isneginf(dmsky_prior("norm", 6.9e18, 6.9e18 * 0.4 * LN10).log_value(y)))


@pytest.mark.parametrize("j0", J0S)
@pytest.mark.parametrize("s", SIGMAS)
def test_lognorm_is_the_intended_log_normal_not_dmskys(j0: float, s: float) -> None:
    """Ours is scipy's lognorm(s ln10, scale=J0) in J, i.e. dmsky's lgauss. dmsky's LognormPrior
    drops ``scale`` (1.0, so dmpipe's prior(y) is a density of J evaluated at J/J0 ~ 1: 0) and,
    even evaluated at J, has the natural-log width s instead of s ln10."""
    u = np.linspace(-3 * s, 3 * s, 121)
    ours = log_prior("lognorm", u, s)
    intended = stats.lognorm(s * LN10, scale=j0).logpdf(j0 * 10.0**u)
    assert np.ptp(ours - intended) < 1e-9
    assert np.array_equal(ours, log_prior("lgauss", u, s))
    theirs = dmsky_prior("lognorm", j0, s)
    assert theirs.scale == 1.0
    assert theirs(np.array([1.0]))[0] == 0.0 < stats.lognorm(s * LN10, scale=j0).pdf(j0)
    at_j = ln_dmsky(theirs, j0 * 10.0**u)  # -inf beyond ~2 sigma at s = 0.1: a width ln10 too narrow
    assert np.ptp(at_j - intended) > 1.0  # another width


def test_gauss_and_norm_are_one_prior_finite_at_j_zero() -> None:
    u = np.linspace(-4, 1, 501)
    for s in SIGMAS:
        assert np.array_equal(log_prior("gauss", u, s), log_prior("norm", u, s))
        assert log_prior("norm", -np.inf, s) == pytest.approx(-1 / (2 * (s * LN10) ** 2))
    assert [k for k in PRIORS if finite_at_zero(k, 0.3)] == ["gauss", "norm"]


@pytest.mark.parametrize("kind", ["lgauss", "lgauss_like", "lgauss_log", "lognorm", "norm", "gauss"])
@pytest.mark.parametrize("s", [0.05, 0.13, 0.6, 1.0])
def test_the_reach_of_the_profile_cannot_set_a_limit(kind: str, s: float) -> None:
    """The grid covers the prior's mode (lgauss: 0.83 dex below J0 at s = 0.6) and ends where the
    prior has fallen by REACH^2/2 = 18 on either side, far beyond the 1.35 of a 95% limit; below J0
    10^-3 the Gaussians in J are covered by their limit J -> 0 instead (``finite_at_zero``)."""
    u = u_grid(kind, s, 0.025)
    lp = log_prior(kind, u, s)
    mode = prior_mode(kind, s)
    assert u[0] < mode < u[-1] and lp.max() > -0.01
    assert lp[-1] <= -(REACH**2) / 2 + 1e-9
    if finite_at_zero(kind, s):
        assert u[0] == -3.0
    else:
        assert lp[0] <= -(REACH**2) / 2 + 1e-9
    assert mode == (-(s**2) * LN10 if kind in ("lgauss", "lognorm") else 0.0)


def gaussian_castro(best: np.ndarray, sigma: np.ndarray, ref_eflux: np.ndarray, npts: int = 40) -> dict:
    """An SED whose bins have Gaussian likelihoods in norm (as in test_darkmatter)."""
    top = best + 4 * sigma
    scan = np.linspace(0.0, 1.0, npts)[None, :] * top[:, None]
    dll = -0.5 * ((scan - best[:, None]) / sigma[:, None]) ** 2
    dll -= dll.max(axis=1, keepdims=True)
    return {"norm_scan": scan, "dloglike_scan": dll, "ref_eflux": ref_eflux}


J0 = 10**18.8
POINTS = [(0, 0), (0, 1), (1, 2)]  # bb 30 GeV, bb 100 GeV, tautau 1 TeV


@pytest.fixture(scope="module")
def table():
    return spec_table(["bb", "tautau"], np.array([30.0, 100.0, 1000.0]), EDGES[:-1], EDGES[1:])


def make_castro(table, truth: float) -> CastroLikelihood:
    """2e-26 at bb 100 GeV is TS 56 (known J); 0 is a null."""
    ref = np.full(12, 1e-9)
    unit = 2e-26 * J0 * table.eflux_per_unit()[0, 1] / ref
    return CastroLikelihood.from_sed(gaussian_castro(truth / 2e-26 * unit, 0.2 + 0.3 * unit, ref))


def dmpipe_limit(castro: CastroLikelihood, phi: np.ndarray, kind: str, s: float) -> float:
    """dmpipe's algorithm with dmsky's functor, independent of our grids: the profile of
    castro(sigmav y J0 phi) + prior.log_value(y) over y on a fine grid, its maximum over sigmav (that
    of the castro in t = sigmav J plus that of the prior), and where it has dropped by 1.35 (brentq)."""
    y = np.logspace(-4, 4, 20001)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lp = dmsky_prior(kind, J0, s).log_value(y)
    t = np.logspace(-3, 3, 6001) * 1e-26 * J0
    g_t = castro.loglike_of(t[:, None] * phi[None, :])
    g0 = castro.loglike_of(np.zeros(castro.nbins))
    top = lp.max() + max(g0, g_t.max())
    start = t[np.argmax(g_t)] / (J0 * y[np.argmax(lp)]) if g_t.max() > g0 else 1e-32

    def drop(log_sv: float) -> float:
        profile = np.max(castro.loglike_of(10.0**log_sv * J0 * y[:, None] * phi[None, :]) + lp)
        return profile - (top - one_sided_drop(0.95))

    return 10.0 ** brentq(drop, np.log10(start), -18.0, xtol=1e-7)


@pytest.mark.parametrize("truth", [0.0, 2e-26])
@pytest.mark.parametrize("s", [0.13, 0.6])
def test_95_limits_agree_with_dmpipes_profile_of_dmskys_prior(table, truth: float, s: float) -> None:
    """Within 1% for lgauss and lgauss_like, null and TS-56 castros. Measured (ours / dmpipe's):
    0.9994-0.9999 for the null; 0.9937-0.9999 for the signal, the worst at s = 0.6, bb 100 GeV,
    where g is narrow in log t and the parabolic refinement of the 0.025 dex grid's maximum leaves
    ~0.008 in log-likelihood (0.981 without it).

    lgauss / lgauss_like: the lgauss prior is lgauss_like moved to its mode u = -s^2 ln10, so the
    ratio of the limits is 10^(s^2 ln10) for any castro (6.745 at s = 0.6, 1.094 at s = 0.13).
    Measured at s = 0.6: 6.744-6.745 (the issue quoted 6.5 for dmpipe's lgauss against our old
    lgauss on its castro); at s = 0.13: 1.093-1.094."""
    castro, phi = make_castro(table, truth), table.eflux_per_unit()
    likes = convert_priors(castro, phi, table.channels, table.masses, J0, s, ["lgauss", "lgauss_like"])
    ours = {kind: limits(like).ul95 for kind, like in likes.items()}
    for kind in ("lgauss", "lgauss_like"):
        for i, j in POINTS:
            assert ours[kind][i, j] == pytest.approx(dmpipe_limit(castro, phi[i, j], kind, s), rel=0.01, abs=0)
    assert np.allclose(ours["lgauss"] / ours["lgauss_like"], 10 ** (s**2 * LN10), rtol=0.005)


@pytest.mark.parametrize("truth", [0.0, 2e-26])
def test_a_wide_gaussian_in_j_sets_no_limit_and_the_old_floor_did(table, truth: float) -> None:
    """norm with s = 0.5: ln P(J = 0) = -1 / (2 (0.5 ln10)^2) = -0.38, so the profile over J, which
    may take J -> 0 (the castro at zero flux) or any J below the grid's floor, never drops by 1.35:
    no limit. The grid alone (J >= J0 10^-3, as before) gave a finite one. At s = 0.1 the limit is
    finite and close to lgauss_like's (measured: ratio 1.01 for the null, 1.01-1.09 for the signal)."""
    castro, phi = make_castro(table, truth), table.eflux_per_unit()
    args = (castro, phi, table.channels, table.masses, J0)
    wide = convert(*args, 0.5, "norm")
    assert np.all(np.isinf(limits(wide).ul95))
    # the profile is the maximum over all J >= 0: a dense direct evaluation, J = 0 included
    j_over_j0 = np.concatenate([[0.0], np.logspace(-9, 1, 4001)])
    with np.errstate(divide="ignore"):
        lp = log_prior("norm", np.log10(j_over_j0), 0.5)
    g0 = castro.loglike_of(np.zeros(12))
    i, j = POINTS[1]
    for k in (80, 200, 300, 400):
        direct = np.max(castro.loglike_of(wide.sigmav[k] * J0 * j_over_j0[:, None] * phi[i, j]) + lp) - g0
        assert wide.dloglike[i, j, k] == pytest.approx(direct, abs=0.02)
    # the old grid: J from J0 10^-3 up, no J -> 0
    u = np.arange(-120, 48) * 0.025
    old = np.max(
        [castro.loglike_of(wide.sigmav[:, None] * J0 * 10.0**v * phi[i, j]) + log_prior("norm", v, 0.5) for v in u],
        axis=0,
    )
    assert old.min() < old.max() - one_sided_drop(0.95)
    narrow = {kind: limits(convert(*args, 0.1, kind)).ul95 for kind in ("norm", "lgauss_like")}
    assert np.all(np.isfinite(narrow["norm"]))
    assert np.allclose(narrow["norm"] / narrow["lgauss_like"], 1.05, atol=0.05)
