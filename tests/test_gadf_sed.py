"""gammapy's likelihood SEDs (gamma-astro-data-formats, ``FluxPoints.write(format="gadf-sed")``) are
read wherever an SED is: collect-sed and plot-castro take them as they take fermipy's (issue 18)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
from conftest import make_small_analysis

from pyfermijobs.io.collected_fits import read_table
from pyfermijobs.io.sed_fits import read_sed
from pyfermijobs.layout import Layout


def to_gadf(fermipy_sed: Path, dest: Path) -> None:
    """Write a fermipy SED as gammapy would: one shared norm scan, -2 log L on it, via FluxPoints."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from astropy.table import Table
        from gammapy.estimators import FluxPoints

        sed, _ = read_sed(fermipy_sed)
        table = Table.read(fermipy_sed, hdu="SED")
        grid = np.linspace(0.0, 1.2 * np.max(sed["norm_scan"]), 40)
        stat = np.array([
            -2.0 * (ll + np.interp(grid, scan, dll))
            for ll, scan, dll in zip(sed["loglike"], sed["norm_scan"], sed["dloglike_scan"], strict=True)
        ])  # fmt: skip
        table.replace_column("norm_scan", np.tile(grid, (len(stat), 1)))
        table.replace_column("stat_scan", stat)
        points = FluxPoints.from_table(table, sed_type="likelihood", format="gadf-sed")
        points.write(dest, format="gadf-sed", overwrite=True)


def test_gadf_seds_are_collected_and_plotted(tmp_path: Path, pfj) -> None:
    master = make_small_analysis(tmp_path / "cfg")
    out = tmp_path / "out"
    code, _, err = pfj("chain", "--master", str(master), "--outdir", str(out))
    assert code == 0, err
    layout = Layout(out, "small")
    # the same analysis with every null realization's SED and Draco's data SED rewritten by gammapy
    gadf = tmp_path / "gadf"
    shutil.copytree(out, gadf)
    converted = Layout(gadf, "small")
    for seed in range(3):
        for target in ("draco", "ursa_minor"):
            to_gadf(
                layout.sim_sed_file("null", target, "nfw_point", seed),
                converted.sim_sed_file("null", target, "nfw_point", seed),
            )
    to_gadf(layout.sed_file("draco", "nfw_point"), converted.sed_file("draco", "nfw_point"))
    sed, header = read_sed(converted.sed_file("draco", "nfw_point"))
    assert header["SEDFMT"] == "gadf-sed"
    ours, _ = read_sed(layout.sed_file("draco", "nfw_point"))
    for column in ("e_min", "e_max", "ref_dnde", "norm", "norm_ul", "ts", "dnde", "e2dnde_ul"):
        assert np.allclose(sed[column], ours[column], rtol=1e-6), column
    assert np.all(sed["dloglike_scan"] <= 0) and np.allclose(sed["dloglike_scan"].max(axis=1), 0.0, atol=0.05)

    where = ["--ttype", "small", "--outdir", str(gadf)]
    converted.summary_file("null", "draco", "nfw_point", 0, 2).unlink()
    code, _, err = pfj("collect-sed", *where, "--sim", "null", "--targetlist", str(converted.target_list("null")))
    assert code == 0, err
    theirs = read_table(converted.summary_file("null", "draco", "nfw_point", 0, 2), "SED_SUMMARY")[0]
    reference = read_table(layout.summary_file("null", "draco", "nfw_point", 0, 2), "SED_SUMMARY")[0]
    for column in ("norm_ul_median", "e2dnde_ul_q84", "ts_mean", "dnde_mean"):
        assert np.allclose(theirs[column], reference[column], rtol=1e-6), column
    converted.castro_plot("draco", "nfw_point").unlink()
    code, _, err = pfj("plot-castro", *where, "--target", "draco")
    assert code == 0, err
    assert converted.castro_plot("draco", "nfw_point").stat().st_size > 10_000
