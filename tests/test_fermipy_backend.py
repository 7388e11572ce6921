"""The fermipy backend: without Fermitools, against the GTAnalysis test double, and its export.

Fermitools cannot be installed here, so the backend's calls are checked against
``tests/doubles/fermitools_double.py`` (a named double of the GTAnalysis interface that
records calls and writes fermipy's files, its numbers from the builtin engine). The export to
the builtin engine is tested on fermipy-format files these tests generate from a known sky,
without the double.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SMALL_TEMPLATE, make_small_analysis, read_yaml, write_yaml
from fermipy_configs import fermipy_master, with_lat_data

DOUBLE = REPO / "tests/doubles/fermitools_double.py"


def calls(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def names(log: Path) -> list[str]:
    return [c["call"] for c in calls(log)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def before(seq: list[str], *wanted: str) -> bool:
    """``wanted`` occur in ``seq`` in this order (not necessarily adjacent)."""
    position = 0
    for name in wanted:
        try:
            position = seq.index(name, position) + 1
        except ValueError:
            return False
    return True


@pytest.fixture
def double(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Route the fermipy backend to the test double; returns its call log."""
    log = tmp_path / "double-calls.jsonl"
    monkeypatch.setenv("PFJ_FERMITOOLS", str(DOUBLE))
    monkeypatch.setenv("PFJ_DOUBLE_LOG", str(log))
    return log


def prepared(pfj, root: Path, *flags: str) -> Path:
    master = make_small_analysis(root)
    with_lat_data(root / "config/config_small.yaml")
    out = root / "out"
    code, _, err = pfj("prepare-targets", "--master", str(master), "--outdir", str(out), *flags)
    assert code == 0, err
    return out


# --- without Fermitools -------------------------------------------------------------------


def test_without_fermitools_everything_stops_before_work(pfj, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PFJ_FERMITOOLS", raising=False)
    master = make_small_analysis(tmp_path)
    code, _, err = pfj("validate", "--master", str(master), "--backend", "fermipy")
    assert code == 2
    assert f"{master}: backend: the fermipy backend needs Fermitools" in err
    for hint in ("containers/fermitools", "-profile docker", "'backend: builtin'", "pyLikelihood"):
        assert hint in err
    code, _, err = pfj("validate", "--master", str(master), "--backend", "fermipy", "--sim_backend", "builtin")
    assert code == 2 and f"{master}: backend: the fermipy backend needs Fermitools" in err  # hybrid: data on fermipy
    # with a container engine, the image must be named (and exist, for a local .sif)
    code, _, err = pfj("validate", "--master", str(master), "--backend", "fermipy", "--container_engine", "docker")
    assert code == 2 and "need an image with Fermitools" in err
    sif = str(tmp_path / "fermitools.sif")
    code, _, err = pfj(
        "validate", "--master", str(master), "--backend", "fermipy", "--container_engine", "singularity",
        "--fermitools_container", sif,
    )  # fmt: skip
    assert code == 2 and f"the Fermitools image {sif} does not exist" in err
    # the steps themselves refuse too, before writing anything
    out = tmp_path / "out"
    assert pfj("prepare-targets", "--master", str(master), "--outdir", str(out), "--backend", "fermipy")[0] == 0
    listing = sorted(p.name for p in (out / "small/draco").iterdir())
    code, _, err = pfj("analyze-roi", "--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert code == 2 and "needs Fermitools" in err and "\n" not in err.strip()
    assert sorted(p.name for p in (out / "small/draco").iterdir()) == listing
    # a builtin run is untouched by any of this
    assert pfj("validate", "--master", str(master))[0] == 0


def test_gtanalysis_is_imported_in_one_place_only() -> None:
    hits = [
        p.relative_to(REPO).as_posix()
        for p in (REPO / "pyfermijobs").rglob("*.py")
        if "fermipy.gtanalysis" in p.read_text() and "import" in p.read_text()
    ]
    assert hits == ["pyfermijobs/engines/fermitools.py"]
    probe = (
        "import sys, pyfermijobs.cli, pyfermijobs.steps.analyze_roi, pyfermijobs.steps.analyze_sed, "
        "pyfermijobs.steps.simulate_roi, pyfermijobs.engines.fermipy.analysis; "
        "print('fermipy.gtanalysis' in sys.modules, 'pyLikelihood' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_fermipy_template_needs_lat_data(pfj, tmp_path: Path, double: Path) -> None:
    master = make_small_analysis(tmp_path)
    template = tmp_path / "config/config_small.yaml"
    code, _, err = pfj("validate", "--master", str(master), "--backend", "fermipy")
    assert code == 2 and f"{template}: data.evfile: required by the fermipy backend" in err
    with_lat_data(template)
    (template.parent / "lat-data/ft2.fits").unlink()
    code, _, err = pfj("validate", "--master", str(master), "--backend", "fermipy")
    assert code == 2 and f"{template}: data.scfile: file not found" in err
    # in a container the paths are the container's: given is enough
    code, out, err = pfj(
        "validate", "--master", str(master), "--backend", "fermipy", "--container_engine", "singularity",
        "--fermitools_container", "fermitools.img",
    )  # fmt: skip
    assert code == 0, err
    assert "fermipy steps use Fermitools from image fermitools.img" in out
    # the step checks its per-target configuration before any work
    out_dir = tmp_path / "out"
    assert pfj("prepare-targets", "--master", str(master), "--outdir", str(out_dir), "--backend", "fermipy")[0] == 0
    code, _, err = pfj("analyze-roi", "--ttype", "small", "--outdir", str(out_dir), "--target", "draco")
    assert code == 2 and "small/draco/config.yaml: data.scfile: file not found" in err
    assert calls(double) == []


# --- against the test double --------------------------------------------------------------


def test_analyze_roi_follows_fermipy_jobs_and_exports(pfj, tmp_path: Path, double: Path) -> None:
    from pyfermijobs.datasets import ROIDataset
    from pyfermijobs.formats import read_counts_cube, read_model_cubes

    out = prepared(pfj, tmp_path, "--backend", "fermipy", "--sim_backend", "builtin")
    code, _, err = pfj("analyze-roi", "--ttype", "small", "--outdir", str(out), "--target", "draco", "--do_find_src")
    assert code == 0, err
    seq = names(double)
    assert before(seq, "__init__", "setup", "free_sources", "optimize", "find_sources", "optimize", "fit", "write_roi")
    assert before(seq, "write_roi", "run_gtapp", "model_counts_map")
    by_name = {c["call"]: c for c in calls(double)}
    assert by_name["find_sources"]["kwargs"]["sqrt_ts_threshold"] == "5.0"
    assert by_name["fit"]["kwargs"] == {"covar": "True"}
    assert by_name["write_roi"]["args"] == ["fit_baseline"]
    assert by_name["run_gtapp"]["args"] == ["gtpsf"]
    assert any(c["call"] == "free_sources" and c["kwargs"].get("minmax_npred") for c in calls(double))
    assert any(c["call"] == "free_sources" and c["kwargs"].get("distance") == "1.0" for c in calls(double))

    target = out / "small/draco"
    for name in ("fit_baseline.fits", "fit_baseline.npy", "fit_baseline_00.xml", "ccube_00.fits", "srcmap_00.fits"):
        assert (target / name).exists(), name
    exported, doc = ROIDataset.read(target / "fit_baseline_builtin.fits", target / "fit_baseline_builtin.yaml")
    cubes = read_model_cubes(target / "fit_baseline_mcube.fits")
    np.testing.assert_array_equal(exported.counts, read_counts_cube(target / "ccube_00.fits").data)
    np.testing.assert_allclose(exported.model(), cubes.total.data, rtol=1e-5, atol=1e-6)
    assert {c.name for c in exported.components} == {s.name for s in cubes.sources}
    assert doc["synthetic"] is True and doc["meta"]["exported_from"] == "fermipy"
    assert doc["fit"]["backend"] == "fermipy"


def test_export_roi_step_re_exports_an_existing_fermipy_baseline(pfj, tmp_path: Path, double: Path) -> None:
    from pyfermijobs.datasets import ROIDataset

    out = prepared(pfj, tmp_path, "--backend", "fermipy", "--sim_backend", "builtin")
    where = ("--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert pfj("analyze-roi", *where)[0] == 0
    target = out / "small/draco"
    first, _ = ROIDataset.read(target / "fit_baseline_builtin.fits", target / "fit_baseline_builtin.yaml")
    for name in (
        "fit_baseline_builtin.fits",
        "fit_baseline_builtin.yaml",
        "fit_baseline_psf.fits",
        "fit_baseline_mcube.fits",
    ):
        (target / name).unlink()
    start = len(calls(double))
    code, _, err = pfj("export-roi", *where)
    assert code == 0, err
    assert before(
        names(double)[start:], "__init__", "load_roi", "get_free_source_params", "run_gtapp", "model_counts_map"
    )
    again, _ = ROIDataset.read(target / "fit_baseline_builtin.fits", target / "fit_baseline_builtin.yaml")
    assert [c.name for c in again.components] == [c.name for c in first.components]
    np.testing.assert_allclose(again.model(), first.model(), rtol=1e-6)
    (target / "fit_baseline.npy").unlink()
    code, _, err = pfj("export-roi", *where)
    assert code == 2 and "fit_baseline.npy: fermipy baseline file not found" in err


def test_analyze_sed_writes_fermipy_seds_in_place(pfj, tmp_path: Path, double: Path) -> None:
    from astropy.io import fits
    from fermipy.castro import CastroData

    out = prepared(pfj, tmp_path, "--backend", "fermipy")
    where = ("--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert pfj("analyze-roi", *where)[0] == 0
    start = len(calls(double))
    code, _, err = pfj("analyze-sed", *where)
    assert code == 0, err
    seq = names(double)[start:]
    assert before(
        seq, "load_roi", "add_source", "free_norm", "free_shape", "fit", "zero_source", "fit", "free_sources", "sed",
        "delete_source", "load_xml",
    )  # fmt: skip
    sed_call = next(c for c in calls(double)[start:] if c["call"] == "sed")
    assert sed_call["args"] == ["nfw_point"] and sed_call["kwargs"]["outfile"].endswith("-fermipy-tmp.fits")
    target = out / "small/draco"
    sed = target / "sed_nfw_point.fits"
    castro = CastroData.create_from_sedfile(str(sed))
    assert castro.nx == 4 and np.all(np.isfinite(castro.getLimits(0.05)))
    header = fits.getheader(sed, "SED")
    assert (header["TARGET"], header["PROFILE"], header["BACKEND"], header["SYNTHET"]) == (
        "draco", "nfw_point", "fermipy", True,
    )  # fmt: skip
    assert isinstance(read_yaml(target / "correl_nfw_point.yaml"), dict)
    assert not list(target.glob(".*fermipy-tmp*"))


def test_linked_source_maps_are_never_written_through(pfj, tmp_path: Path, double: Path) -> None:
    """In a pipeline task srcmap_00.fits links to another task's output: fermipy must not rewrite that."""
    out = prepared(pfj, tmp_path, "--backend", "fermipy")
    where = ("--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert pfj("analyze-roi", *where)[0] == 0
    srcmap = out / "small/draco/srcmap_00.fits"
    upstream = tmp_path / "upstream_srcmap_00.fits"
    shutil.move(srcmap, upstream)
    srcmap.symlink_to(upstream)
    fingerprint = digest(upstream)
    assert pfj("analyze-sed", *where)[0] == 0
    assert "add_source" in names(double)  # the double rewrites source maps there, as fermipy does
    assert srcmap.is_symlink() and srcmap.resolve() == upstream
    assert digest(upstream) == fingerprint


def test_simulate_roi_same_seed_same_numbers_and_private_source_maps(pfj, tmp_path: Path, double: Path) -> None:
    from pyfermijobs.io import read_sed

    out = prepared(pfj, tmp_path, "--backend", "fermipy")
    where = ("--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert pfj("analyze-roi", *where)[0] == 0
    assert pfj("copy-base-roi", *where, "--sim", "pl")[0] == 0
    area = out / "small_sim/sim_pl/draco"
    for name in ("fit_baseline.npy", "fit_baseline_00.xml", "srcmap_00.fits", "fit_baseline_builtin.fits"):
        assert (area / name).exists(), name
    fingerprint = digest(area / "srcmap_00.fits")
    other = tmp_path / "chunked"
    shutil.copytree(out, other)

    code, _, err = pfj("simulate-roi", *where, "--sim", "pl", "--seed", "0", "--nsims", "3")
    assert code == 0, err
    seq = calls(double)
    seeds = [c["args"][0] for c in seq if c["call"] == "set_random_seed"]
    assert seeds == ["0", "1", "2"]
    assert before(
        names(double), "add_source", "write_roi", "load_roi", "set_random_seed", "simulate_roi", "zero_source"
    )
    assert any(c["call"] == "zero_source" and c["args"] == ["injpl"] for c in seq)
    assert digest(area / "srcmap_00.fits") == fingerprint
    assert not list(area.glob("srcmap_0000*_00.fits")) and not list(area.glob("config_0*.yaml"))
    truth = read_yaml(area / "truth_nfw_point_000001.yaml")["injected"]
    assert truth["name"] == "injpl" and len(truth["norm"]) == 4 and all(n > 0 for n in truth["norm"])

    chunked = ("--ttype", "small", "--outdir", str(other), "--target", "draco", "--sim", "pl")
    assert pfj("simulate-roi", *chunked, "--seed", "0", "--nsims", "1")[0] == 0
    assert pfj("simulate-roi", *chunked, "--seed", "1", "--nsims", "2")[0] == 0
    for seed in (0, 1, 2):
        name = f"small_sim/sim_pl/draco/sed_nfw_point_{seed:06d}.fits"
        a, _ = read_sed(out / name)
        b, _ = read_sed(other / name)
        np.testing.assert_array_equal(a["dloglike_scan"], b["dloglike_scan"])
    code, _, err = pfj("collect-sed", *where, "--sim", "pl", "--nsims", "3", "--write_summary")
    assert code == 0, err


#: dmpipe's example DM scenario (sim_100GeV_bb_1e25.yaml), at 50 GeV so that the spectrum ends inside the range
DM_SCENARIO = {
    "injected_source": {
        "name": "dm",
        "source_model": {
            "SpatialModel": "PointSource",
            "SpectrumType": "DMFitFunction",
            "norm": {"value": "nan"},  # the target's J-factor
            "sigmav": {"value": 1.0e-25},
            "mass": {"value": 50.0},
            "channel0": {"value": 4},
        },
    }
}


def dm_prepared(pfj, root: Path, roster: list[str], profile: str) -> tuple[int, str, Path]:
    """The small analysis on fermipy with a DM scenario ``dm`` (norm nan) for the dwarfs of ``roster``."""
    master = make_small_analysis(root, extra_sims={"dm": {}})
    with_lat_data(root / "config/config_small.yaml")
    write_yaml(root / "config/sim_dm.yaml", DM_SCENARIO)
    write_yaml(root / "dwarf_roster.yaml", {"pair": roster})
    write_yaml(root / "config/aliases.yaml", {"ackermann2015_table1": "ack2016"})
    doc = read_yaml(master)
    doc["alias_dict"] = "config/aliases.yaml"
    doc["sim_defaults"]["profile"] = profile
    write_yaml(master, doc)
    out = root / "out"
    code, _, err = pfj("prepare-targets", "--master", str(master), "--outdir", str(out), "--backend", "fermipy")
    return code, err, out


def finite_numbers(value: object) -> bool:
    """Every number in a (nested) source model is finite; no 'nan' string either."""
    if isinstance(value, dict):
        return all(finite_numbers(v) for v in value.values())
    if isinstance(value, list):
        return all(finite_numbers(v) for v in value)
    if isinstance(value, str):
        return value.strip().lower() not in ("nan", ".nan", "inf", "-inf", ".inf")
    return value is None or isinstance(value, bool) or np.isfinite(float(value))


def dm_integral(jfactor: float, sigmav: float, mass: float, emin: float, emax: float) -> tuple[float, float]:
    """Photon and energy flux of fermipy's DMFitFunction (bb) between emin and emax, by quad in ln E."""
    from fermipy.spectrum import DMFitFunction
    from scipy.integrate import quad

    spectrum = DMFitFunction([sigmav, mass], chan="bb", jfactor=jfactor)
    edge = [np.log(mass * 1000.0)] if emin < mass * 1000.0 < emax else None

    def integral(power: int) -> float:
        def integrand(ln_e: float) -> float:
            e = np.exp(ln_e)
            return float(np.ravel(spectrum.dnde(np.array([e])))[0]) * e ** (1 + power)

        return quad(integrand, np.log(emin), np.log(emax), points=edge, limit=1000, epsrel=1e-9)[0]

    return integral(0), integral(1)


def test_simulate_roi_injects_dark_matter_with_each_targets_j(pfj, tmp_path: Path, double: Path) -> None:
    """As dmpipe: per target a scenario file with its J as norm, that model given to GTAnalysis, its flux as truth."""
    roster = ["segue_1:ackermann2015_table1", "draco:ackermann2015_table1"]
    code, err, out = dm_prepared(pfj, tmp_path, roster, "ack2016")
    assert code == 0, err
    given = DM_SCENARIO["injected_source"]["source_model"]
    emin, emax = SMALL_TEMPLATE["selection"]["emin"], SMALL_TEMPLATE["selection"]["emax"]
    fluxes = {}
    for target, log10_j in (("segue_1", 19.5), ("draco", 18.8)):  # the shipped Ackermann et al. 2015 J-factors
        where = ("--ttype", "small", "--outdir", str(out), "--target", target)
        assert pfj("analyze-roi", *where)[0] == 0
        assert pfj("copy-base-roi", *where, "--sim", "dm")[0] == 0
        start = len(calls(double))
        code, _, err = pfj("simulate-roi", *where, "--sim", "dm", "--nsims", "1")
        assert code == 0, err
        area = out / "small_sim/sim_dm" / target
        jfactor = read_yaml(area / "astro_val_ack2016.yaml")["j_integ"]
        assert jfactor == pytest.approx(10.0**log10_j, rel=1e-9)

        # dmpipe's per-target scenario, under fermipy.jobs' name: the scenario with this target's J as norm
        scenario = read_yaml(area / "sim_dm_ack2016.yaml")
        model = scenario["injected_source"]["source_model"]
        assert scenario["injected_source"]["name"] == "dm" and model["norm"] == {"value": jfactor}
        assert {k: v for k, v in model.items() if k != "norm"} == {k: v for k, v in given.items() if k != "norm"}

        # what (the double of) GTAnalysis was given to simulate
        added = [c for c in calls(double)[start:] if c["call"] == "add_source" and c["args"][0] == "dm"]
        assert len(added) == 1
        passed = added[0]["values"][1]
        assert passed["SpectrumType"] == "DMFitFunction" and passed["norm"]["value"] == jfactor
        assert finite_numbers(passed)

        # the truth: the injected flux over the analysis range, the DMFitFunction's integral with this J
        truth = read_yaml(area / "truth_ack2016_point_000000.yaml")["injected"]
        assert truth["spectrum"]["norm"] == jfactor
        integral = truth["integral"]
        assert (integral["emin"], integral["emax"]) == pytest.approx((emin, emax), rel=1e-9)
        flux, eflux = dm_integral(jfactor, given["sigmav"]["value"], given["mass"]["value"], emin, emax)
        assert integral["flux"] == pytest.approx(flux, rel=1e-3)
        assert integral["eflux"] == pytest.approx(eflux, rel=1e-3)
        fluxes[target] = integral["flux"]
    assert fluxes["segue_1"] / fluxes["draco"] == pytest.approx(10.0**0.7, rel=1e-6)

    # a J-factor gone from the study area after preparation: refused before fermipy is opened
    astro = out / "small_sim/sim_dm/segue_1/astro_val_ack2016.yaml"
    write_yaml(astro, {k: v for k, v in read_yaml(astro).items() if k != "j_integ"})
    start = len(calls(double))
    where = ("--ttype", "small", "--outdir", str(out), "--target", "segue_1", "--sim", "dm", "--seed", "1")
    code, _, err = pfj("simulate-roi", *where, "--nsims", "1")
    assert code == 2 and f"{astro}: j_integ: no J-factor for target segue_1" in err
    assert calls(double)[start:] == []
    assert not (astro.parent / "truth_ack2016_point_000001.yaml").exists()


def test_dark_matter_scenario_without_j_is_refused_at_preparation(pfj, tmp_path: Path, double: Path) -> None:
    code, err, _ = dm_prepared(pfj, tmp_path, ["draco:nfw"], "nfw")  # the nfw version carries no J-factor
    assert code == 2 and "sims.dm" in err and "no J-factor" in err
    assert calls(double) == []


def test_hybrid_controls_run_on_the_exported_baseline(pfj, tmp_path: Path, double: Path) -> None:
    out = prepared(pfj, tmp_path, "--backend", "fermipy", "--sim_backend", "builtin")
    where = ("--ttype", "small", "--outdir", str(out), "--target", "draco")
    assert pfj("analyze-roi", *where)[0] == 0
    for sim in ("pl", "random"):
        assert pfj("copy-base-roi", *where, "--sim", sim)[0] == 0
    area = out / "small_sim/sim_pl/draco"
    assert sorted(p.name for p in area.glob("fit_baseline*")) == [
        "fit_baseline_builtin.fits",
        "fit_baseline_builtin.yaml",
    ]
    start = len(calls(double))
    assert pfj("simulate-roi", *where, "--sim", "pl", "--nsims", "2")[0] == 0
    assert pfj("random-dir-gen", *where)[0] == 0
    assert pfj("analyze-sed", *where, "--sim", "random", "--nsims", "2")[0] == 0
    assert calls(double)[start:] == []  # the control studies never touched (the double of) fermipy
    assert (area / "sed_nfw_point_000001.fits").exists()
    assert (out / "small_sim/sim_random/draco/sed_nfw_point_000001.fits").exists()


# --- the export, on generated fermipy-format files (no double) ----------------------------


def fermipy_files_of(roi, folder: Path, free_radius: float = 1.0) -> dict[str, Path]:
    """Write a known ROI as fermipy would: counts cube, CAR exposure (wider), gtpsf table, model cubes."""
    from astropy.io import fits

    from pyfermijobs.datasets import ROIGeom, separation_deg, to_frame, unit_vectors
    from pyfermijobs.datasets.synthetic import exposure_cube
    from pyfermijobs.formats import fermipy_files as ff
    from pyfermijobs.models import irf

    geom = roi.geom
    header = fits.Header({k: v for k, v in geom.header().items() if v is not None})
    edges = np.asarray(geom.energy_edges)
    wide = ROIGeom(geom.lon, geom.lat, geom.coordsys, "CAR", geom.binsz, geom.npix + 10, geom.energy_edges)
    wide_header = fits.Header({k: v for k, v in wide.header().items() if v is not None})
    expo = exposure_cube(wide, edges[:, None], roi.meta["livetime_years"])[:, 0]
    energies = np.geomspace(edges[0], edges[-1], 33)
    theta = np.linspace(0.0, 20.0, 2001)
    psf = irf.psf_profile(energies, theta)
    table = ff.PSFTableFile(energies, theta, psf, irf.exposure(energies, np.array(roi.meta["dec"]), 12.0))
    free = []
    for comp in roi.components:
        if comp.kind == "point":
            lon, lat = to_frame(comp.ra, comp.dec, geom.coordsys)
            if float(separation_deg(unit_vectors(lon, lat), unit_vectors(geom.lon, geom.lat))) > free_radius:
                continue
        spatial = "PointSource" if comp.kind == "point" else "DiffuseSource"
        spectrum = (
            comp.spectrum.to_dict() if comp.kind == "point" else {"SpectrumType": "FileFunction", "Normalization": 1.0}
        )
        free.append(
            ff.ModelSource(comp.name, spatial, comp.ra or 0.0, comp.dec or 0.0, spectrum, 30.0, 1.0, comp.template)
        )
    paths = {k: folder / f"{k}.fits" for k in ("ccube", "bexpmap", "psf", "mcube")}
    ff.write_counts_cube(paths["ccube"], ff.CountsCube(roi.counts.astype(float), header, geom.emin, geom.emax))
    ff.write_exposure_cube(paths["bexpmap"], ff.ExposureCube(expo, wide_header, edges))
    ff.write_psf_table(paths["psf"], table, roi.meta["ra"], roi.meta["dec"])
    total = ff.CountsCube(roi.model(), header, geom.emin, geom.emax)
    ff.write_model_cubes(paths["mcube"], ff.ModelCubes(total, free))
    return paths


@pytest.fixture(scope="session")
def known_roi():
    from pyfermijobs.datasets import build_synthetic_roi

    return build_synthetic_roi(SMALL_TEMPLATE, "draco", 260.05167, 57.91528)


def test_export_reproduces_the_roi_it_was_made_from(known_roi, tmp_path: Path) -> None:
    from pyfermijobs.config import sed_settings
    from pyfermijobs.engines.fermipy.export import roi_from_fermipy
    from pyfermijobs.estimators import compute_sed

    paths = fermipy_files_of(known_roi, tmp_path)
    roi = roi_from_fermipy(paths["ccube"], paths["bexpmap"], paths["psf"], paths["mcube"], "draco")
    geom, ref = roi.geom, known_roi.geom
    assert (geom.coordsys, geom.proj, geom.npix) == (ref.coordsys, ref.proj, ref.npix)
    assert abs(geom.lon - ref.lon) < 1e-9 and abs(geom.lat - ref.lat) < 1e-9 and abs(geom.binsz - ref.binsz) < 1e-12
    np.testing.assert_allclose(geom.energy_edges, ref.energy_edges, rtol=1e-12)
    np.testing.assert_array_equal(roi.counts, known_roi.counts)
    np.testing.assert_allclose(roi.model(), known_roi.model(), rtol=1e-5, atol=1e-7)
    # exposure interpolated from the bin edges to the integration nodes; PSF averaged per bin
    np.testing.assert_allclose(roi.exposure, known_roi.exposure, rtol=0.03)
    np.testing.assert_allclose(roi.psf.r68(), known_roi.psf.r68(), rtol=0.03)
    assert roi.synthetic is False  # these files carry no SYNTHET mark: the export does not invent one
    # the SED of a test source on the export agrees with the one on the original ROI (same free sources)
    original = copy.deepcopy(known_roi)
    exported_free = {c.name for c in roi.components}
    for comp in original.components:
        comp.free = ["norm"] if comp.name in exported_free else []
    settings = sed_settings(SMALL_TEMPLATE, "config")
    a = compute_sed(roi, "draco", 260.05167, 57.91528, settings)
    b = compute_sed(original, "draco", 260.05167, 57.91528, settings)
    np.testing.assert_allclose(a.sed["norm_ul"], b.sed["norm_ul"], rtol=0.05)
    np.testing.assert_allclose(a.sed["ts"], b.sed["ts"], atol=0.5, rtol=0.05)


def test_export_refits_and_simulates_like_the_original(known_roi, tmp_path: Path) -> None:
    """A realization of the exported ROI refits to the truth as one of the original does."""
    from pyfermijobs.engines.fermipy.export import roi_from_fermipy
    from pyfermijobs.fitting import fit_components, free_names, realization
    from pyfermijobs.rng import generator

    paths = fermipy_files_of(known_roi, tmp_path)
    roi = roi_from_fermipy(paths["ccube"], paths["bexpmap"], paths["psf"], paths["mcube"], "draco")
    sim = realization(roi, None, generator("export-test", 1), roi.model())
    fit = fit_components(sim, free_names(sim))
    norms = {n: v for n, v in zip(fit.result.names, fit.result.values, strict=True) if n.endswith(":norm")}
    errors = dict(zip(fit.result.names, fit.result.errors, strict=True))
    pulls = [(v - 1.0) / errors[n] for n, v in norms.items() if errors[n] > 0]
    assert len(pulls) >= 2 and max(abs(p) for p in pulls) < 4.0


@pytest.mark.parametrize(
    "break_it, key",
    [
        ("square", "NAXIS"),
        ("ebounds", "EBOUNDS"),
        ("overfull", "SOURCES"),
    ],
)
def test_export_refuses_bad_files_naming_them(known_roi, tmp_path: Path, break_it: str, key: str) -> None:
    from astropy.io import fits

    from pyfermijobs.engines.fermipy.export import roi_from_fermipy
    from pyfermijobs.errors import InputError

    paths = fermipy_files_of(known_roi, tmp_path)
    if break_it == "square":
        with fits.open(paths["ccube"]) as hdul:
            hdul[0].data = hdul[0].data[:, :-1, :]
            hdul.writeto(paths["ccube"], overwrite=True)
        bad = paths["ccube"]
    elif break_it == "ebounds":
        with fits.open(paths["ccube"]) as hdul:
            del hdul["EBOUNDS"]
            hdul.writeto(paths["ccube"], overwrite=True)
        bad = paths["ccube"]
    else:
        with fits.open(paths["mcube"]) as hdul:
            hdul[0].data = hdul[0].data * 0.5
            hdul.writeto(paths["mcube"], overwrite=True)
        bad = paths["mcube"]
    with pytest.raises(InputError) as err:
        roi_from_fermipy(paths["ccube"], paths["bexpmap"], paths["psf"], paths["mcube"], "draco")
    assert str(bad) in str(err.value) and key in str(err.value)


# --- through the Nextflow pipeline --------------------------------------------------------


@pytest.mark.slow
def test_pipeline_without_fermitools_stops_before_any_task(tmp_path: Path, monkeypatch) -> None:
    from nextflow_runs import nextflow

    monkeypatch.delenv("PFJ_FERMITOOLS", raising=False)
    master = fermipy_master(tmp_path, backend="fermipy")
    launch = tmp_path / "run"
    proc = nextflow(launch, "--master", str(master), check=False)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert f"{master}: backend: the fermipy backend needs Fermitools" in text and "-profile docker" in text
    assert not (launch / "work").exists() or not list((launch / "work").glob("*/*"))


@pytest.mark.slow
def test_pipeline_hybrid_fermipy_data_builtin_controls(tmp_path: Path, double: Path) -> None:
    """backend fermipy (the double) for the data, the builtin engine for the control studies."""
    from nextflow_runs import nextflow, trace_rows

    master = fermipy_master(tmp_path, backend="fermipy", sim_backend="builtin")
    launch = tmp_path / "run"
    nextflow(launch, "--master", str(master))
    results = launch / "results"
    rows = trace_rows(results)
    assert rows and {r["status"] for r in rows} == {"COMPLETED"}
    for target in ("draco", "ursa_minor"):
        folder = results / "dSphs" / target
        for name in ("fit_baseline.npy", "fit_baseline_builtin.fits", "sed_nfw_point.fits", "correl_nfw_point.yaml"):
            assert (folder / name).exists(), f"{target}/{name}"
        assert (results / f"dSphs_sim/sim_pl2/{target}/sed_nfw_point_summary_000000_000003.fits").exists()
        assert (results / f"dSphs_sim/sim_random/{target}/sed_nfw_point_summary_000000_000003.fits").exists()
    seen = {c["call"] for c in calls(double)}
    assert {"setup", "write_roi", "sed"} <= seen  # data steps ran (the double of) fermipy
    assert "simulate_roi" not in seen  # control studies ran on the builtin engine
    report = (results / "report.html").read_text()
    assert "backend fermipy (control studies: builtin)" in report and "SYNTHETIC" in report
