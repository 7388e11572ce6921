"""The dark-matter stage's numerics: spectra per bin, castro -> (sigmav) likelihood, priors, limits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import convert
from scipy.integrate import quad
from scipy.optimize import minimize_scalar

from pyfermijobs.darkmatter.castro import CastroLikelihood
from pyfermijobs.darkmatter.likelihood import DMLikelihood, convert_priors, sigmav_grid
from pyfermijobs.darkmatter.limits import limits
from pyfermijobs.darkmatter.priors import PRIORS, log_prior
from pyfermijobs.darkmatter.spectra import J_REF, SIGMAV_REF, bin_integrals, dnde, spec_table
from pyfermijobs.statistics import one_sided_drop

EDGES = np.logspace(np.log10(500.0), np.log10(500000.0), 13)  # the LAT dwarf analysis' 500 MeV - 500 GeV


@pytest.mark.parametrize(("channel", "mass"), [("bb", 100.0), ("bb", 1000.0), ("tautau", 10.0), ("ww", 200.0)])
def test_bin_integrals_match_direct_integration_of_fermipys_dnde(channel: str, mass: float) -> None:
    """Validation 1: per-bin flux and energy flux of fermipy's DMFitFunction, within 1e-3 of quad."""
    from fermipy.spectrum import DMFitFunction

    flux, eflux = bin_integrals(channel, mass, EDGES[:-1], EDGES[1:])
    reference = DMFitFunction([SIGMAV_REF, mass], chan=channel, jfactor=J_REF)

    def direct(lo: float, hi: float, power: int) -> float:
        cut = [mass * 1000.0] if lo < mass * 1000.0 < hi else None

        def integrand(e: float) -> float:
            return float(np.ravel(reference.dnde(np.array([e])))[0]) * e**power

        return quad(integrand, lo, hi, points=cut, limit=500)[0]

    for k, (lo, hi) in enumerate(itertools.pairwise(EDGES)):
        f, ef = direct(lo, hi, 0), direct(lo, hi, 1)
        if f < 1e-6 * flux.max():  # above the mass: no photons
            assert flux[k] <= 1e-6 * flux.max()
            continue
        assert flux[k] == pytest.approx(f, rel=1e-3, abs=0)
        assert eflux[k] == pytest.approx(ef, rel=1e-3, abs=0)


def test_flux_is_linear_in_sigmav_and_j_and_ends_at_the_mass() -> None:
    e = np.array([1e3, 5e4, 9.9e4, 1.01e5])
    base = dnde(e, "bb", 100.0, SIGMAV_REF, J_REF)
    assert np.allclose(dnde(e, "bb", 100.0, 3 * SIGMAV_REF, 2 * J_REF), 6 * base)
    assert base[2] > 0 and base[3] == 0  # nothing above 100 GeV


def gaussian_castro(best: np.ndarray, sigma: np.ndarray, ref_eflux: np.ndarray, npts: int = 40) -> dict:
    """An SED whose bins have Gaussian likelihoods in norm (a known, analytic castro)."""
    top = best + 4 * sigma
    scan = np.linspace(0.0, 1.0, npts)[None, :] * top[:, None]
    dll = -0.5 * ((scan - best[:, None]) / sigma[:, None]) ** 2
    dll -= dll.max(axis=1, keepdims=True)
    return {"norm_scan": scan, "dloglike_scan": dll, "ref_eflux": ref_eflux}


def analytic(best: np.ndarray, sigma: np.ndarray, ref: np.ndarray, eflux: np.ndarray) -> np.ndarray:
    return np.sum(-0.5 * ((eflux / ref - best) / sigma) ** 2, axis=-1)


@pytest.fixture
def castro_and_table():
    table = spec_table(["bb", "tautau"], np.array([30.0, 100.0, 1000.0]), EDGES[:-1], EDGES[1:])
    ref = np.full(12, 1e-9)  # a signal of a few sigma in the brightest bins
    truth_sv, j0 = 2e-26, 10**18.8
    signal = truth_sv * j0 * table.eflux_per_unit()[0, 1] / ref  # bb 100 GeV, in units of norm
    sigma = 0.2 + 0.3 * signal
    return table, ref, signal, sigma, j0


def test_conversion_equals_direct_evaluation(castro_and_table) -> None:
    """Validation 2: for a known castro, logL(sigmav) is sum_i l_i(sigmav J phi_i) at test points."""
    table, ref, signal, sigma, j0 = castro_and_table
    castro = CastroLikelihood.from_sed(gaussian_castro(signal, sigma, ref))
    like = convert(castro, table.eflux_per_unit(), table.channels, table.masses, j0, 0.0, "none")
    base = analytic(signal, sigma, ref, np.zeros(12))
    phi = table.eflux_per_unit()
    for i, j in [(0, 0), (0, 1), (1, 2)]:
        for k in (40, 80, 92, 110, 130):  # below, at and above the signal (2e-26 is index 92)
            direct = analytic(signal, sigma, ref, like.sigmav[k] * j0 * phi[i, j]) - base
            if direct < -40 * 12:
                continue  # far beyond the scan, where the continuation is an approximation
            assert like.dloglike[i, j, k] == pytest.approx(direct, abs=0.02 + 3e-3 * abs(direct))


def test_castro_interpolation_agrees_with_fermipys_castrodata(tmp_path) -> None:
    """Our dense PCHIP reading of a castro agrees with fermipy's CastroData inside the scan."""
    from fermipy.castro import CastroData

    best, sigma = np.array([1.0, 0.2, 0.0]), np.array([0.5, 0.3, 0.4])
    sed = gaussian_castro(best, sigma, np.array([1e-6, 2e-6, 3e-6]), npts=20)
    ours = CastroLikelihood.from_sed(sed)
    theirs = CastroData(sed["norm_scan"], -sed["dloglike_scan"], sed["ref_eflux"], "eflux")
    for k in range(3):
        x = np.linspace(0.05, 0.9, 7) * sed["norm_scan"][k, -1]
        fermipy_nll = np.array([theirs[k].interp(v) for v in x]).ravel()
        assert np.allclose(ours.bin_loglike(k, x * sed["ref_eflux"][k]), -fermipy_nll, atol=0.02)


def test_lgauss_like_tends_to_none_as_the_j_uncertainty_vanishes(castro_and_table) -> None:
    """Profiling gains (dg/du)^2 s^2 / 2 over none: at s = 1e-5, 2e-5 at most where none > -50 (at
    s = 0.001 up to 0.16, which the parabolic refinement of the maximum over u now resolves)."""
    table, ref, signal, sigma, j0 = castro_and_table
    castro = CastroLikelihood.from_sed(gaussian_castro(signal, sigma, ref))
    args = (castro, table.eflux_per_unit(), table.channels, table.masses, j0)
    none = convert(*args, 0.3, "none").dloglike
    tight = convert(*args, 1e-5, "lgauss_like").dloglike
    wide = convert(*args, 0.3, "lgauss_like").dloglike
    finite = none > -50
    assert np.allclose(tight[finite], none[finite], atol=1e-3)
    assert np.all(wide >= none - 1e-9)  # profiling over J can only raise the likelihood
    assert np.any(wide[finite] > none[finite] + 0.1)


def test_all_priors_from_one_reading_equal_each_alone(castro_and_table) -> None:
    """convert-castro reads a castro once for every prior: the same curves as one prior at a time
    (each prior's own sigmav J grid is a slice of the shared one)."""
    table, ref, signal, sigma, j0 = castro_and_table
    castro = CastroLikelihood.from_sed(gaussian_castro(signal, sigma, ref))
    args = (castro, table.eflux_per_unit(), table.channels, table.masses, j0, 0.25)
    together = convert_priors(*args, list(PRIORS))
    for prior, like in together.items():
        alone = convert(*args, prior)  # its grid may have grown less: compare where both are
        lo, hi = max(like.span[0], alone.span[0]), min(like.span[1], alone.span[1])
        assert hi - lo > 300
        np.testing.assert_array_equal(like.on(lo, hi), alone.on(lo, hi))


@pytest.mark.parametrize("prior", ["lgauss_like", "lgauss", "norm", "gauss", "lgauss_log", "lognorm"])
def test_profile_over_j_matches_a_direct_optimisation(castro_and_table, prior: str) -> None:
    table, ref, signal, sigma, j0 = castro_and_table
    castro = CastroLikelihood.from_sed(gaussian_castro(signal, sigma, ref))
    js = 0.25
    like = convert(castro, table.eflux_per_unit(), table.channels, table.masses, j0, js, prior)
    phi = table.eflux_per_unit()[0, 1]
    base = analytic(signal, sigma, ref, np.zeros(12))
    for k in (60, 92, 110, 125):
        sv = like.sigmav[k]

        def neg(u: float, sv: float = sv) -> float:
            return -(analytic(signal, sigma, ref, sv * j0 * 10**u * phi) + log_prior(prior, np.array(u), js))

        best = minimize_scalar(neg, bounds=(-1.5, 1.0), method="bounded", options={"xatol": 1e-6})
        # the grid in log10 J has the sigmav grid's step (0.025 dex): a small loss at most
        assert like.dloglike[0, 1, k] == pytest.approx(-best.fun - base, abs=0.05)
        assert like.dloglike[0, 1, k] <= -best.fun - base + 0.02


def test_priors_are_what_their_names_say() -> None:
    u = np.linspace(-1, 1, 201)
    for gaussian_in_log_j in ("lgauss_like", "lgauss_log"):
        lp = log_prior(gaussian_in_log_j, u, 0.2)
        assert np.argmax(lp) == 100 and lp.max() == 0.0
    for log_normal_density in ("lgauss", "lognorm"):
        mode = u[np.argmax(log_prior(log_normal_density, u, 0.2))]
        assert mode == pytest.approx(-(0.2**2) * np.log(10), abs=0.01)  # the 1/J of a log-normal density
    for gaussian_in_j in ("norm", "gauss"):
        lin = log_prior(gaussian_in_j, u, 0.2)
        assert lin.max() == pytest.approx(0.0) and u[np.argmax(lin)] == pytest.approx(0.0)
    assert log_prior("none", np.array([0.0, 0.1]), 0.2).tolist() == [0.0, -np.inf]
    with pytest.raises(ValueError, match="unknown J-factor prior"):
        log_prior("flat", u, 0.2)


def test_limits_of_a_gaussian_likelihood() -> None:
    """Best fit, TS, 1-sigma errors and one-sided 68%/95% limits of a known curve."""
    sv = sigmav_grid()
    mu, width = 3e-26, 1e-26
    curve = -0.5 * ((sv - mu) / width) ** 2 + 0.5 * (mu / width) ** 2  # relative to sigmav = 0
    low = -0.5 * (sv / width) ** 2  # best fit at 0: a pure limit
    like = DMLikelihood(("bb",), np.array([100.0, 200.0]), sv, np.stack([curve, low])[None])
    lim = limits(like)
    assert lim.mle[0, 0] == pytest.approx(mu, rel=2e-3, abs=0)
    assert lim.ts[0, 0] == pytest.approx((mu / width) ** 2, rel=1e-3, abs=0)
    assert lim.errp[0, 0] == pytest.approx(width, rel=5e-3, abs=0)
    assert lim.errn[0, 0] == pytest.approx(width, rel=5e-3, abs=0)
    assert lim.ul95[0, 0] == pytest.approx(mu + np.sqrt(2 * one_sided_drop(0.95)) * width, rel=5e-3, abs=0)
    assert lim.ul68[0, 0] == pytest.approx(mu + np.sqrt(2 * one_sided_drop(0.68)) * width, rel=5e-3, abs=0)
    assert lim.mle[0, 1] == 0.0 and lim.ts[0, 1] == 0.0
    assert lim.ul95[0, 1] == pytest.approx(np.sqrt(2 * one_sided_drop(0.95)) * width, rel=5e-3, abs=0)
    assert one_sided_drop(0.95) == pytest.approx(1.3528, abs=1e-3)


def test_stacking_adds_likelihoods_of_the_same_grid() -> None:
    sv = sigmav_grid()
    a = DMLikelihood(("bb",), np.array([100.0]), sv, np.ones((1, 1, len(sv))))
    assert np.all((a + a).dloglike == 2.0)
    with pytest.raises(ValueError, match="cannot be stacked"):
        _ = a + DMLikelihood(("tautau",), np.array([100.0]), sv, np.ones((1, 1, len(sv))))


@pytest.mark.parametrize("detected", [False, True])
def test_no_grid_edge_sets_a_number_for_j_from_1e16_to_1e24(castro_and_table, detected: bool) -> None:
    """With J known (prior none) every number scales as 1/J: the limit, best fit and errors times J are
    the same from J = 1e16 to 1e24, where a fixed grid (1e-28 .. 1e-18) clipped them (J = 1e22 gave
    exactly 1e-28). A null castro (best fits at zero) and a detected signal."""
    table, ref, signal, sigma, _ = castro_and_table
    castro = CastroLikelihood.from_sed(gaussian_castro(signal if detected else 0 * signal, sigma, ref))
    scaled = []
    for j in (1e16, 1e18, 1e20, 1e22, 1e24):
        lim = limits(convert(castro, table.eflux_per_unit(), table.channels, table.masses, j, 0.0, "none"))
        assert np.all(np.isfinite(lim.ul95))
        scaled.append(np.array([lim.ul95, lim.ul68, lim.mle, lim.errp]) * j)
    for other in scaled[1:]:
        np.testing.assert_allclose(other, scaled[0], rtol=0.01, atol=1e-3 * scaled[0][0].min())
    if detected:
        assert scaled[0][2][0, 1] > 0  # bb 100 GeV: a best fit inside the grid, not at its edge


def test_expected_bands_keep_unconstrained_realizations_as_inf_never_nan() -> None:
    from pyfermijobs.io.dm_fits import band_columns

    values = np.array([[1e-26, np.inf], [2e-26, np.inf], [3e-26, 5e-26], [4e-26, np.inf]])
    cols = band_columns("ul95", values)
    assert not any(np.isnan(c).any() for c in cols.values())
    assert list(cols["ul95_ninf"]) == [0, 3]
    assert cols["ul95_median"][0] == pytest.approx(2.5e-26, abs=0) and cols["ul95_median"][1] == np.inf
    assert cols["ul95_q02"][1] == 5e-26  # the one constrained realization is the lowest order statistic
    assert cols["ul95_mean"][1] == 5e-26  # mean over the finite ones
