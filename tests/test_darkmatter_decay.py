"""Decay (issue 25 item 4), as dmpipe has it: ``*_decay`` channels with a D-factor, limits as lower
limits on the lifetime, through spec-table, convert-castro, stacking, collection and plots.

The flux of a decay channel is fermipy's D / (4 pi m tau) dN/dE, linear in the rate Gamma = 1/tau:
the stage converts on Gamma exactly as on sigmav (J -> D) and reports tau_ll = 1 / Gamma_ul.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from conftest import convert, read_yaml, write_yaml
from scipy.integrate import quad
from scipy.optimize import brentq

from pyfermijobs.darkmatter.castro import CastroLikelihood
from pyfermijobs.darkmatter.likelihood import convert_table
from pyfermijobs.darkmatter.limits import limits
from pyfermijobs.darkmatter.spectra import D_REF, TAU_REF, bin_integrals, channel_name, spec_table
from pyfermijobs.io.dm_fits import read_limits, read_limits_summary, write_limits
from pyfermijobs.layout import Layout
from pyfermijobs.statistics import one_sided_drop

EDGES = np.logspace(np.log10(500.0), np.log10(500000.0), 13)  # 500 MeV - 500 GeV, 4 bins per decade


def test_channel_names_and_codes_of_decay() -> None:
    assert channel_name("bb_decay") == channel_name(104) == channel_name("bbbar_decay") == "bb_decay"
    assert channel_name(103) == "tautau_decay" and channel_name(4) == "bb"
    with pytest.raises(ValueError, match=r"nor a decay one \(101\.\.112\)"):
        channel_name(113)


@pytest.mark.parametrize(
    ("channel", "mass"), [("bb_decay", 100.0), ("bb_decay", 2000.0), ("tautau_decay", 20.0), ("tautau_decay", 500.0)]
)
def test_decay_bin_integrals_match_direct_integration_of_fermipys_dnde(channel: str, mass: float) -> None:
    """(1) Per-bin flux and energy flux of fermipy's decay DMFitFunction at (TAU_REF, D_REF), within 1e-3
    of quad with the breakpoint where fermipy's decay spectrum ends: E = mass (its table read at the
    mass parameter itself, not at m/2)."""
    from fermipy.spectrum import DMFitFunction

    flux, eflux = bin_integrals(channel, mass, EDGES[:-1], EDGES[1:])
    reference = DMFitFunction([TAU_REF, mass], chan=channel, dfactor=D_REF)
    end = mass * 1000.0  # MeV
    below, above = np.ravel(reference.dnde(np.array([0.999 * end, 1.001 * end])))
    assert below != 0 and above == 0  # (fermipy's tautau table dips below 0 in the last percent: its own)

    def direct(lo: float, hi: float, power: int) -> float:
        def integrand(e: float) -> float:
            return float(np.ravel(reference.dnde(np.array([e])))[0]) * e**power

        return quad(integrand, lo, hi, points=[end] if lo < end < hi else None, limit=500)[0]

    checked = 0
    for k, (lo, hi) in enumerate(itertools.pairwise(EDGES)):
        f, ef = direct(lo, hi, 0), direct(lo, hi, 1)
        if f < 1e-6 * flux.max():  # above the spectrum's end: no photons
            assert flux[k] <= 1e-6 * flux.max()
            continue
        assert flux[k] == pytest.approx(f, rel=1e-3, abs=0)
        assert eflux[k] == pytest.approx(ef, rel=1e-3, abs=0)
        checked += 1
    assert checked >= 5


def gaussian_castro(best: np.ndarray, sigma: np.ndarray, ref: np.ndarray, npts: int = 40) -> dict:
    top = best + 4 * sigma
    scan = np.linspace(0.0, 1.0, npts)[None, :] * top[:, None]
    dll = -0.5 * ((scan - best[:, None]) / sigma[:, None]) ** 2
    return {"norm_scan": scan, "dloglike_scan": dll - dll.max(axis=1, keepdims=True), "ref_eflux": ref}


def analytic(best: np.ndarray, sigma: np.ndarray, ref: np.ndarray, eflux: np.ndarray) -> float:
    return float(np.sum(-0.5 * ((eflux / ref - best) / sigma) ** 2))


def test_known_castro_converts_to_lifetime_limits_scaling_with_d(tmp_path: Path) -> None:
    """(2) A Gaussian castro (no signal): the decay rows' rate limit is the direct solution of the
    castro's drop of 1.35 along Gamma D phi; the lifetime limits are 1 / (the rate limits), the lifetime
    best fit inf; tau_ll is proportional to D (the flux depends on D / tau alone); the annihilation rows
    of a mixed table are those of an annihilation-only conversion; the file says which is which."""
    table = spec_table(["bb", "bb_decay", "tautau_decay"], np.array([30.0, 100.0, 1000.0]), EDGES[:-1], EDGES[1:])
    ref = np.full(12, 1e-9)
    best, sigma = np.zeros(12), np.full(12, 0.3)
    castro = CastroLikelihood.from_sed(gaussian_castro(best, sigma, ref))
    j0, d0 = 10**18.8, 10**18.3
    like = convert_table(castro, table, {False: (j0, 0.0), True: (d0, 0.0)}, ["none"])["none"]
    lim = limits(like)
    tau = lim.lifetimes()
    phi = table.eflux_per_unit()
    base = analytic(best, sigma, ref, np.zeros(12))
    drop = one_sided_drop(0.95)
    for i, j in [(1, 0), (1, 1), (1, 2), (2, 1)]:
        log_ul = brentq(  # in log10 Gamma: brentq's absolute tolerance would swamp rates of 1e-28
            lambda x, i=i, j=j: analytic(best, sigma, ref, 10**x * d0 * phi[i, j]) - base + drop, -40, -15, xtol=1e-10
        )
        rate_ul = 10**log_ul
        assert lim.ul95[i, j] == pytest.approx(rate_ul, rel=5e-3, abs=0)
        assert tau["tau_ll95"][i, j] == pytest.approx(1.0 / rate_ul, rel=5e-3, abs=0)
        assert tau["tau_ll68"][i, j] == 1.0 / lim.ul68[i, j] and tau["tau_ll68"][i, j] > tau["tau_ll95"][i, j]
        assert lim.mle[i, j] == 0.0 and tau["tau_mle"][i, j] == np.inf
    # tau_ll proportional to D
    four = limits(convert_table(castro, table, {False: (j0, 0.0), True: (4 * d0, 0.0)}, ["none"])["none"])
    np.testing.assert_allclose(four.lifetimes()["tau_ll95"][1:], 4 * tau["tau_ll95"][1:], rtol=0.01)
    np.testing.assert_array_equal(four.ul95[0], lim.ul95[0])  # J unchanged: annihilation unchanged
    # the annihilation row of the mixed table is the annihilation-only conversion's
    alone = limits(convert(castro, phi[:1], ("bb",), table.masses, j0, 0.0, "none"))
    np.testing.assert_allclose(lim.ul95[0], alone.ul95[0], rtol=1e-9)
    # the file: lifetimes under tau_*, rates under rate_*, the sigmav columns NaN on decay rows
    path = tmp_path / "dmlimits.fits"
    write_limits(path, lim, {"JPRIOR": "none"})
    import fitsio

    data = fitsio.read(str(path), ext="DM_LIMITS")
    assert np.all(np.isnan(data["ul95"][1:])) and np.all(np.isnan(data["tau_ll95"][0]))
    np.testing.assert_array_equal(data["tau_ll95"][1:], 1.0 / data["rate_ul95"][1:])
    head = fitsio.read_header(str(path), ext="DM_LIMITS")
    units = {head[f"TTYPE{k}"]: head.get(f"TUNIT{k}", "") for k in range(1, head["TFIELDS"] + 1)}
    assert (units["ul95"], units["rate_ul95"], units["tau_ll95"], units["tau_mle"]) == ("cm3 / s", "1 / s", "s", "s")
    back, _ = read_limits(path)
    np.testing.assert_array_equal(back.ul95, lim.ul95)
    np.testing.assert_array_equal(back.errp, lim.errp)


def test_a_detected_decay_signal_is_fitted_on_the_rate() -> None:
    """A castro holding a bb_decay signal at Gamma = 1/tau: the best fit is that rate, tau_mle its inverse."""
    table = spec_table(["bb_decay"], np.array([100.0, 1000.0]), EDGES[:-1], EDGES[1:])
    ref, d0, tau_true = np.full(12, 1e-9), 10**18.5, 1e26
    signal = d0 / tau_true * table.eflux_per_unit()[0, 0] / ref
    sigma = 0.1 + 0.1 * signal
    castro = CastroLikelihood.from_sed(gaussian_castro(signal, sigma, ref))
    lim = limits(convert(castro, table.eflux_per_unit(), table.channels, table.masses, d0, 0.0, "none", (-32, -22)))
    assert lim.mle[0, 0] == pytest.approx(1 / tau_true, rel=0.01, abs=0)
    assert lim.lifetimes()["tau_mle"][0, 0] == pytest.approx(tau_true, rel=0.01)
    assert lim.ts[0, 0] > 25 and lim.lifetimes()["tau_ll95"][0, 0] < tau_true


# ---- the stage end to end (SYNTHETIC sky) ---------------------------------------------------------

SMALL = {
    "selection": {"emin": 500, "emax": 500000},
    "binning": {"binsperdec": 4, "binsz": 0.25, "roiwidth": 4.0, "coordsys": "GAL"},
    "model": {"src_roiwidth": 6.0},
    "synthetic": {"livetime_years": 6.0},
}
#: Draco's position, an explicit roster entry with a J- and a D-factor (synthetic values of a dwarf's size)
DRACO = {"ra": 260.0517, "dec": 57.9153, "version": "nfw", "j_integ": 10**18.8, "j_sigma": 0.16}
D_FACTOR = {"d_integ": 10**18.5, "d_sigma": 0.2}
MASS, TAU = 200.0, 1.5e26  # bb_decay at 200 GeV: TS ~ 40 in one dwarf, 6 years


def decay_study(root: Path, info: dict, nsims: int, priors: list[str]) -> Path:
    write_yaml(root / "config" / "config_dSphs.yaml", SMALL)
    write_yaml(
        root / "config" / "dm_spectra_dSphs.yaml", {"channels": ["bb", "bb_decay"], "masses": [20.0, MASS, 2000.0]}
    )
    write_yaml(root / "rosters.yaml", {"dwarfs": {"draco": info}})
    model = {"SpatialModel": "PointSource", "SpectrumType": "DMFitFunction", "norm": {"value": "nan"}}
    model.update(sigmav={"value": TAU}, mass={"value": MASS}, channel0={"value": 104})  # params[0]: tau (s)
    write_yaml(root / "config" / "sim_decay.yaml", {"injected_source": {"name": "dm", "source_model": model}})
    write_yaml(root / "master.yaml", {
        "ttype": "dSphs", "rosters": ["dwarfs"], "roster_files": ["rosters.yaml"], "astro_priors": priors,
        "plot_channels": ["bb", "bb_decay"], "sim_defaults": {"seed": 0, "profile": "nfw", "nsims_job": 0},
        "sims": {"decay": {"nsims": nsims}},
        "data_plotting": {"plot-limits": {}, "plot-stacked-dm": {}, "plot-stacked-limits": {}},
        "sim_plotting": {"plot-control-limits": {}, "plot-control-mles": {}},
    })  # fmt: skip
    return root / "master.yaml"


def test_positive_control_recovers_an_injected_lifetime(tmp_path: Path, pfj) -> None:
    """(3) bb_decay at 200 GeV, tau = 1.5e26 s, injected with the target's D (norm nan), 20 realizations,
    prior none: mean best-fit rate within 15% of 1/tau, the 95% lower limit below tau in >= 85%."""
    nsims = 20
    master = decay_study(tmp_path / "study", {**DRACO, **D_FACTOR}, nsims, ["none", "lgauss_like"])
    code, _, err = pfj("chain", "--master", str(master), "--outdir", str(tmp_path / "out"))
    assert code == 0, err
    layout = Layout(tmp_path / "out", "dSphs")
    summary, cols, head = read_limits_summary(
        layout.stacked_summary_file("decay", "dwarfs_point", "none", 0, nsims - 1)
    )
    assert (head["INJ_TAU"], head["INJ_MASS"], head["INJ_CHAN"]) == (TAU, MASS, "bb_decay") and "INJ_SV" not in head
    i, j = list(summary["channel"]).index("bb_decay"), 1
    ts, rate, ll95 = cols["ts"][:, i, j], cols["rate_mle"][:, i, j], cols["tau_ll95"][:, i, j]
    assert np.mean(ts) > 25
    assert np.mean(rate) == pytest.approx(1 / TAU, rel=0.15, abs=0)
    assert np.mean(ll95 < TAU) >= 0.85
    np.testing.assert_array_equal(cols["tau_ll95"][:, i], 1.0 / cols["rate_ul95"][:, i])
    # the expected lower limits are banded; the sigmav columns do not apply to a decay channel
    assert np.all(np.isfinite(summary["tau_ll95_median"][i])) and np.all(np.isnan(summary["ul95_median"][i]))
    assert np.all(np.isfinite(summary["ul95_median"][1 - i])) and np.all(np.isnan(summary["tau_ll95_median"][1 - i]))
    # the injection used the target's D-factor
    truth = read_yaml(next((layout.area("decay") / "draco").glob("truth_*_000000.yaml")))["injected"]["spectrum"]
    assert truth["SpectrumType"] == "DMFitFunction" and truth["norm"] == pytest.approx(D_FACTOR["d_integ"])
    # the data's release-layout file holds lifetimes and says so; the plots exist
    text = layout.release_limits_file("dwarfs_point", "none", "bb_decay").read_text()
    assert "lower limits on the lifetime" in text and "(s)" in text
    _, header = read_limits(layout.dmlimits_file("draco", "nfw_point", "lgauss_like"))
    assert (header["D_INTEG"], header["D_SIGMA"]) == pytest.approx((D_FACTOR["d_integ"], D_FACTOR["d_sigma"]))
    assert header["J_INTEG"] == pytest.approx(DRACO["j_integ"])
    data, _ = read_limits(layout.stacked_limits_file("dwarfs_point", "lgauss_like"))
    ll = data.limit95("bb_decay")[0]
    assert np.all(ll > 1e24) and np.all(ll < 1e30)
    for kind in ("stackedlimits", "stackeddm"):
        assert layout.stacked_plot("dwarfs_point", "none", kind, "bb_decay").exists()
    for kind in ("controllimits", "controlmles"):
        assert layout.stacked_plot("dwarfs_point", "none", kind, "bb_decay", "decay").exists()


@pytest.mark.parametrize(
    ("info", "message"),
    [
        (DRACO, "draco:nfw: no D-factor (d_integ"),
        ({**DRACO, "d_integ": 10**18.5}, "draco:nfw: no D-factor uncertainty (d_sigma"),
    ],
)
def test_decay_channel_without_a_d_factor_is_refused_before_any_work(tmp_path: Path, pfj, info, message) -> None:
    """(4) A spectra file with a decay channel needs d_integ (and d_sigma for priors other than none)."""
    master = decay_study(tmp_path / "study", info, 2, ["lgauss_like"])
    code, _, err = pfj("prepare-targets", "--master", str(master), "--outdir", str(tmp_path / "out"))
    assert code == 2 and message in err, err
    assert not (tmp_path / "out").exists()


def test_validate_accepts_a_decay_injection_and_only_the_builtin_engine_injects_it(tmp_path: Path, pfj) -> None:
    """``pfj validate`` reads a decay DMFitFunction (norm nan: the target's D); the fermipy engine, whose
    scenarios carry the target's J, is refused a decay injection before any work."""
    import dataclasses

    from pyfermijobs.config.master import load_master
    from pyfermijobs.errors import InputError
    from pyfermijobs.preparation import prepare_analysis

    master = decay_study(tmp_path / "study", {**DRACO, **D_FACTOR}, 2, ["none"])
    code, _, err = pfj("validate", "--master", str(master), "--outdir", str(tmp_path / "out"))
    assert code == 0, err
    fermipy = dataclasses.replace(load_master(master), sim_backend="fermipy")
    with pytest.raises(InputError, match=r"decay channel .* builtin engine only"):
        prepare_analysis(fermipy)
