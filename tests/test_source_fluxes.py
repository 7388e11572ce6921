"""Per-source fluxes in ``fit_baseline.yaml`` as fermipy's ROI output names them (issue 29 item 4):
``flux``, ``eflux`` over the analysis range and ``dnde`` at the pivot, with errors from the fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import make_small_analysis, read_yaml
from scipy.integrate import quad

from pyfermijobs.layout import Layout
from pyfermijobs.models.spectra import Spectrum


def test_baseline_fluxes_are_the_fitted_spectrum_integrated(tmp_path: Path, pfj) -> None:
    master = make_small_analysis(tmp_path / "analysis")
    out = tmp_path / "out"
    assert pfj("prepare-targets", "--master", str(master), "--outdir", str(out))[0] == 0
    code, _, err = pfj("analyze-roi", "--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert code == 0, err
    layout = Layout(out, "small")
    doc = read_yaml(layout.roi_yaml("draco"))
    emin, emax = doc["geometry"]["energy_edges"][0], doc["geometry"]["energy_edges"][-1]
    points = [s for s in doc["sources"] if s["kind"] in ("point", "extended")]
    assert points and all("flux" in s and "eflux" in s for s in points)
    fitted = [s for s in points if s["free"]]
    fixed = [s for s in points if not s["free"]]
    assert fitted and fixed
    for source in points:
        spectrum = dict(source["spectrum"])
        spec = Spectrum(spectrum.pop("SpectrumType"), spectrum)

        def dnde(e: float, spec: Spectrum = spec) -> float:
            return float(spec.dnde(np.array([e]))[0])

        lo, hi = np.log(emin), np.log(emax)  # in ln E: a power law over two decades is smooth there
        flux = quad(lambda x, f=dnde: f(np.exp(x)) * np.exp(x), lo, hi, epsrel=1e-10)[0]
        eflux = quad(lambda x, f=dnde: f(np.exp(x)) * np.exp(2 * x), lo, hi, epsrel=1e-10)[0]
        assert source["flux"] == pytest.approx(flux, rel=1e-4, abs=0)
        assert source["eflux"] == pytest.approx(eflux, rel=1e-4, abs=0)
        if "pivot_energy" in source:
            assert source["dnde"] == pytest.approx(dnde(source["pivot_energy"]), rel=1e-9, abs=0)
    for source in fitted:  # errors from the fit's covariance: a norm-only fit scales them with the norm
        assert 0 < source["flux_err"] < np.inf
        if source["free"] == ["norm"]:
            norm_name = next(iter(source["errors"]))
            relative = source["errors"][norm_name] / source["spectrum"][norm_name]
            assert source["flux_err"] / source["flux"] == pytest.approx(relative, rel=1e-6)
            assert source["eflux_err"] / source["eflux"] == pytest.approx(relative, rel=1e-6)
    assert all(np.isnan(s["flux_err"]) for s in fixed)
    # the report's ROI table shows them (a fixed source's without an error)
    from pyfermijobs.report.content import roi_fit
    from pyfermijobs.report.html import _roi_section

    table = _roi_section(roi_fit(layout, "draco"))
    assert "flux (ph cm-2 s-1)" in table and "&plusmn;" in table and "(fixed)" in table
