"""A target that is itself a catalog source (issue 29 item 5): its SED is that source's, as fermipy
measures a source in its model, not a second test source on top of it trading flux."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, read_yaml, require_lat_data, write_yaml

from pyfermijobs.io.sed_fits import read_sed
from pyfermijobs.layout import Layout
from pyfermijobs.models.spectra import Spectrum

SGRA = (266.4191, -29.0113)  # -profile lat_gc's target, 0.00 deg from 3FHL J1745.6-2900


@pytest.fixture
def gc_analysis(tmp_path: Path, monkeypatch) -> Path:
    lat = require_lat_data("3fhl-gc")
    monkeypatch.setenv("PFJ_LAT_DATA", str(lat.parent))
    write_yaml(tmp_path / "roster.yaml", {"gc": {"sgra": {"ra": SGRA[0], "dec": SGRA[1]}}})
    write_yaml(tmp_path / "config" / "sim_null.yaml", {"injected_source": None})
    return write_yaml(
        tmp_path / "master.yaml",
        {
            "ttype": "gc",
            "rosters": ["gc"],
            "config_template": str(REPO / "assets/lat-gc/config/config_gc.yaml"),
            "sim_defaults": {"seed": 0, "nsims": 2},
            "sims": {"null": {}},
        },
    )


def test_sgra_sed_is_the_catalog_sources(gc_analysis: Path, tmp_path: Path, pfj) -> None:
    """On the 3FHL data: TS > 100 and a 10 GeV - 1 TeV flux within 2 sigma of 3FHL's (before: TS 0.1,
    limits near 1e-5 MeV cm-2 s-1, the two sources trading flux). Measured: TS 817.6, flux
    1.369e-9 +- 0.084e-9 ph cm-2 s-1 against 3FHL's 1.381e-9 +- 0.083e-9 (0.1 sigma)."""
    from astropy.io import fits

    code, out, err = pfj("validate", "--master", str(gc_analysis))
    assert code == 0 and "sgra = 3FHL J1745.6-2900" in out, err
    where = ("--ttype", "gc", "--outdir", str(tmp_path / "out"))
    assert pfj("prepare-targets", "--master", str(gc_analysis), "--outdir", str(tmp_path / "out"))[0] == 0
    for step in ("analyze-roi", "analyze-sed"):
        code, _, err = pfj(step, *where, "--target", "sgra")
        assert code == 0, err
    layout = Layout(tmp_path / "out", "gc")
    sed, header = read_sed(layout.sed_file("sgra", "default_point"))
    assert header["SRCMATCH"] == "3FHL J1745.6-2900" and header["TS"] > 100
    baseline = {s["name"]: s for s in read_yaml(layout.roi_yaml("sgra"))["sources"]}
    kind = baseline["3FHL J1745.6-2900"]["spectrum"]["SpectrumType"]
    with fits.open(layout.sed_file("sgra", "default_point")) as hdul:
        params = hdul["PARAMS"].data
        values = {str(n).strip(): float(v) for n, v in zip(params["name"], params["value"], strict=True)}
        errors = {str(n).strip(): float(e) for n, e in zip(params["name"], params["error"], strict=True)}
    spectrum = Spectrum(kind, values)
    norm = spectrum.form.norm
    flux = spectrum.flux(1e4, 1e6, 64)
    flux_err = flux * errors[norm] / values[norm]
    with fits.open(require_lat_data("catalogs") / "gll_psch_v13.fit.gz") as hdul:
        cat = hdul["LAT_Point_Source_Catalog"].data
        row = cat[np.char.strip(cat["Source_Name"].astype(str)) == "3FHL J1745.6-2900"][0]
        cat_flux, cat_err = float(row["Flux"]), float(np.mean(np.abs(row["Unc_Flux"])))
    assert abs(flux - cat_flux) < 2 * np.hypot(flux_err, cat_err), (flux, flux_err, cat_flux, cat_err)
    assert "3FHL J1745.6-2900" in baseline  # the baseline keeps the source; only the SED swaps it
    assert np.all(np.isfinite(sed["norm_ul"]))
    # realizations simulate the source (it is in the baseline) and measure it the same way
    for step in ("copy-base-roi", "simulate-roi"):
        code, _, err = pfj(step, *where, "--target", "sgra", "--sim", "null")
        assert code == 0, err
    for seed in (0, 1):
        _, sim_header = read_sed(layout.sim_sed_file("null", "sgra", "default_point", seed))
        assert sim_header["SRCMATCH"] == "3FHL J1745.6-2900" and sim_header["TS"] > 100


def test_a_zero_match_radius_turns_matching_off(gc_analysis: Path, tmp_path: Path, pfj) -> None:
    """builtin.match_radius: 0 turns the matching off (a second source on top, as before)."""
    template = read_yaml(REPO / "assets/lat-gc/config/config_gc.yaml")
    template["builtin"]["match_radius"] = 0.0
    path = write_yaml(tmp_path / "config_gc.yaml", template)
    master = read_yaml(gc_analysis)
    master["config_template"] = str(path)
    write_yaml(gc_analysis, master)
    code, out, err = pfj("validate", "--master", str(gc_analysis))
    assert code == 0 and "no target is a catalog source" in out, err
