"""The builtin engine's steps from the CLI: the local chain, determinism, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import analyse_small, make_small_analysis, read_yaml, write_yaml

from pyfermijobs.io import read_sed
from pyfermijobs.layout import Layout

DRACO = (260.05167, 57.91528)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A prepared small analysis with baselines and the data SEDs of both targets."""
    return analyse_small(tmp_path_factory.mktemp("engine"))


def test_baseline_roi_written_and_marked_synthetic(analysed: Path) -> None:
    from astropy.io import fits

    layout = Layout(analysed, "small")
    doc = read_yaml(layout.roi_yaml("draco"))
    assert doc["synthetic"] is True and doc["meta"]["catalog"] == "4FGL-DR4"
    assert doc["fit"]["converged"] and doc["fit"]["counts"] > 500
    # the model describes the data: total predicted counts within 3 sigma of the counts
    assert abs(doc["fit"]["npred"] - doc["fit"]["counts"]) < 3 * np.sqrt(doc["fit"]["counts"])
    kinds = {s["kind"] for s in doc["sources"]}
    assert kinds == {"galactic", "isotropic", "point"}
    assert all(s["name"].startswith("4FGL J") for s in doc["sources"] if s["kind"] == "point")
    with fits.open(layout.roi_file("draco")) as hdul:
        assert hdul[0].header["SYNTHET"] is True
        assert hdul["COUNTS"].data.sum() == doc["fit"]["counts"]


def test_data_sed_is_fermipy_format(analysed: Path) -> None:
    from astropy.io import fits

    path = Layout(analysed, "small").sed_file("draco", "nfw_point")
    with fits.open(path) as hdul:
        assert [h.name for h in hdul[1:]] == ["SED", "MODEL_FLUX", "PARAMS"]
        header = hdul["SED"].header
        assert header["UL_CONF"] == 0.95 and header["SRCNAME"] == "nfw_point" and header["SYNTHET"] is True
        scan = hdul["SED"].data["norm_scan"]
        # one grid for every bin (as gammapy reads it): the union of the bins' 20 points each
        assert scan.shape[0] == 4 and 20 <= scan.shape[1] <= 80 and np.all(scan == scan[0])
    sed, _ = read_sed(path)
    assert np.allclose(sed["e_ref"], np.sqrt(sed["e_min"] * sed["e_max"]))
    assert np.allclose(sed["ref_dnde"], 1e-13 * (sed["e_ref"] / 1000.0) ** -2)
    assert np.allclose(sed["e2dnde_ul"], sed["norm_ul"] * sed["ref_dnde"] * sed["e_ref"] ** 2)
    assert np.all(sed["dloglike_scan"] <= 1e-9) and np.all(sed["norm_ul"] > sed["norm"])
    assert np.allclose(sed["dloglike_scan"].max(axis=1), 0.0, atol=1e-6)


def run_sims(out: Path, sim: str, chunks: list[tuple[int, int]], extra: tuple[str, ...] = ()) -> None:
    from pyfermijobs.cli import main

    for seed, nsims in chunks:
        assert (
            main(
                [
                    "simulate-roi",
                    "--ttype",
                    "small",
                    "--outdir",
                    str(out),
                    "--target",
                    "draco",
                    "--sim",
                    sim,
                    "--seed",
                    str(seed),
                    "--nsims",
                    str(nsims),
                    *extra,
                ]
            )
            == 0
        )


def test_same_seed_same_numbers_however_chunked(analysed: Path, tmp_path: Path) -> None:
    other = tmp_path / "copy"
    shutil.copytree(analysed, other)
    run_sims(analysed, "null", [(0, 4)])
    run_sims(other, "null", [(2, 2), (0, 1), (1, 1)])
    layout_a, layout_b = Layout(analysed, "small"), Layout(other, "small")
    for seed in range(4):
        a, _ = read_sed(layout_a.sim_sed_file("null", "draco", "nfw_point", seed))
        b, _ = read_sed(layout_b.sim_sed_file("null", "draco", "nfw_point", seed))
        for column in ("norm", "norm_ul", "ts", "dloglike_scan"):
            assert np.array_equal(a[column], b[column]), (seed, column)
    s0, _ = read_sed(layout_a.sim_sed_file("null", "draco", "nfw_point", 0))
    s1, _ = read_sed(layout_a.sim_sed_file("null", "draco", "nfw_point", 1))
    assert not np.array_equal(s0["loglike"], s1["loglike"]), "different seeds, different realizations"


def test_injected_signal_is_recovered(analysed: Path) -> None:
    run_sims(analysed, "pl", [(0, 3)], ("--non_null_src",))
    layout = Layout(analysed, "small")
    for seed in range(3):
        sed, header = read_sed(layout.sim_sed_file("pl", "draco", "nfw_point", seed))
        truth = read_yaml(layout.sim_truth_file("pl", "draco", "nfw_point", seed))
        assert header["INJECTED"] is True and truth["injected"]["name"] == "injpl"
        assert np.allclose(truth["injected"]["norm"], 3.0)  # 3e-13 over the 1e-13 reference
        assert header["TS"] > 25, "a 3x-reference power law is detected"
        inside = (sed["norm"] - 3 * sed["norm_err"] < 3.0) & (sed["norm"] + 3 * sed["norm_err"] > 3.0)
        assert inside.sum() >= 3


def test_random_directions_and_their_seds(analysed: Path) -> None:
    from pyfermijobs.cli import main
    from pyfermijobs.datasets import separation_deg, unit_vectors

    where = ["--ttype", "small", "--outdir", str(analysed), "--target", "draco"]
    assert main(["random-dir-gen", *where]) == 0
    layout = Layout(analysed, "small")
    dirs = read_yaml(layout.skydirs_file("draco"))
    assert sorted(dirs) == [0, 1, 2, 3]
    vecs = unit_vectors(np.array([d["ra"] for d in dirs.values()]), np.array([d["dec"] for d in dirs.values()]))
    assert np.all(separation_deg(vecs, unit_vectors(*DRACO)) >= 0.5 - 1e-6), "target excluded"
    assert len({(d["ra"], d["dec"]) for d in dirs.values()}) == 4
    # a later key range continues the same reproducible order
    assert main(["random-dir-gen", *where, "--seed", "2", "--nsims", "3"]) == 0
    again = read_yaml(layout.skydirs_file("draco"))
    assert sorted(again) == [2, 3, 4] and again[2] == dirs[2] and again[3] == dirs[3]
    assert main(["random-dir-gen", *where]) == 0
    assert main(["analyze-sed", *where, "--sim", "random", "--seed", "1", "--nsims", "2"]) == 0
    for key in (1, 2):
        _, header = read_sed(layout.sim_sed_file("random", "draco", "nfw_point", key))
        assert header["RA"] == pytest.approx(dirs[key]["ra"]) and header["SEED"] == key
    assert not layout.sim_sed_file("random", "draco", "nfw_point", 0).exists()


# --- bad input: clear errors, nothing half-written ------------------------------------------


def outputs(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_unknown_target(analysed: Path, pfj) -> None:
    code, _, err = pfj("analyze-sed", "--ttype", "small", "--outdir", str(analysed), "--target", "drako")
    assert code == 2 and "target_list.yaml: drako: unknown target (did you mean 'draco'?)" in err


def test_missing_baseline(tmp_path: Path, pfj) -> None:
    master = make_small_analysis(tmp_path / "cfg")
    out = tmp_path / "out"
    assert pfj("prepare-targets", "--master", str(master), "--outdir", str(out))[0] == 0
    before = outputs(out)
    code, _, err = pfj("analyze-sed", "--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert code == 2 and "fit_baseline.fits: baseline ROI not found: run analyze-roi first" in err
    code, _, err = pfj("simulate-roi", "--ttype", "small", "--outdir", str(out), "--target", "draco", "--sim", "null")
    assert code == 2 and "baseline ROI not found" in err
    assert outputs(out) == before


def test_corrupt_baseline_fits(analysed: Path, tmp_path: Path, pfj) -> None:
    out = tmp_path / "corrupt"
    shutil.copytree(analysed, out)
    layout = Layout(out, "small")
    layout.roi_file("draco").write_bytes(b"SIMPLE  =  this is not FITS")
    before = outputs(out)
    code, _, err = pfj("analyze-sed", "--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert code == 2 and "fit_baseline.fits: not a readable baseline ROI FITS file" in err
    assert outputs(out) == before


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            {
                "SpatialModel": "PointSource",
                "SpectrumType": "PowerLaw",
                "Prefactor": 1e-12,
                "Index": 2.0,
                "Scale": 1000.0,
                "RA": 83.6,
                "DEC": 22.0,
            },
            "is outside the ROI of target draco",
        ),
        (
            {
                "SpatialModel": "PointSource",
                "SpectrumType": "DMFitFunction",
                "norm": {"value": "nan"},
                "sigmav": {"value": 3e-26},
                "mass": {"value": 100.0},
                "channel0": {"value": 4},
            },
            "nan means the target's J-factor",
        ),
        (
            {
                "SpatialModel": "PointSource",
                "SpectrumType": "DMFitFunction",
                "norm": 1e19,
                "sigmav": 3e-26,
                "mass": 100.0,
                "channel0": 99,
            },
            "channel code 99 is not an annihilation channel",
        ),
        (
            {"SpectrumType": "DMFitFunction", "norm": 1e19, "sigmav": 3e-26, "mass": 5e4, "channel0": 4},
            "outside fermipy's spectra table",
        ),
        (
            {"SpatialModel": "PointSource", "SpectrumType": "BrokenPowerLaw", "Prefactor": 1e-12},
            "spectrum 'BrokenPowerLaw' is not supported",
        ),
    ],
)
def test_bad_injected_source(analysed: Path, tmp_path: Path, pfj, model: dict, message: str) -> None:
    out = tmp_path / "bad"
    shutil.copytree(analysed, out)
    layout = Layout(out, "small")
    write_yaml(layout.scenario_copy("pl"), {"injected_source": {"name": "x", "source_model": model}})
    before = outputs(out)
    code, _, err = pfj("simulate-roi", "--ttype", "small", "--outdir", str(out), "--target", "draco", "--sim", "pl")
    assert code == 2 and "sim_pl.yaml" in err and message in err
    assert outputs(out) == before
