"""fermipy.jobs fidelity: each option means what it means in fermipy.jobs, no input is misused.

Regression tests for the bugs the guide's commands found (directions shared across targets,
a data SED overwritten by a simulation run) and for every option the guide uses.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import analyse_small, read_yaml, write_yaml

from pyfermijobs.config import resolve_profile
from pyfermijobs.errors import InputError
from pyfermijobs.io import read_sed
from pyfermijobs.layout import Layout


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic analysis with baselines, data SEDs, control areas and random directions."""
    from pyfermijobs.cli import main

    out = analyse_small(tmp_path_factory.mktemp("fidelity"))
    rand_list = str(out / "small_sim/sim_random/target_list.yaml")
    assert main(["random-dir-gen", "--ttype", "small", "--outdir", str(out), "--targetlist", rand_list]) == 0
    return out


@pytest.fixture
def area(prepared: Path, tmp_path: Path) -> Path:
    """A private copy of the prepared analysis, for tests that write."""
    return Path(shutil.copytree(prepared, tmp_path / "out"))


def where(out: Path) -> list[str]:
    return ["--ttype", "small", "--outdir", str(out)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_skydirs_file_with_a_target_list_is_refused_outside_a_roi(area: Path, pfj) -> None:
    """Regression: one explicit --skydirs file gave every target draco's directions, silently."""
    layout = Layout(area, "small")
    explicit = area / "draco_dirs.yaml"
    shutil.copyfile(layout.skydirs_file("draco"), explicit)
    rand_list = str(layout.target_list("random"))
    code, _, err = pfj("analyze-sed", *where(area), "--targetlist", rand_list, "--skydirs", str(explicit))
    assert code == 2 and "draco_dirs.yaml" in err and "is outside the ROI of target ursa_minor" in err
    assert not list(layout.target_dir("ursa_minor", "random").glob("sed_*_0000*.fits"))
    # each target's own file (the default, and --skydirs as a name in the target's folder)
    code, _, err = pfj("analyze-sed", *where(area), "--targetlist", rand_list, "--skydirs", "skydirs.yaml")
    assert code == 0, err
    for target in ("draco", "ursa_minor"):
        dirs = read_yaml(layout.skydirs_file(target))
        for key, d in dirs.items():
            _, head = read_sed(layout.sim_sed_file("random", target, "nfw_point", key))
            assert (head["RA"], head["DEC"]) == pytest.approx((d["ra"], d["dec"]))


def test_analyze_sed_never_writes_the_data_sed_for_a_simulation(area: Path, pfj) -> None:
    """Regression: analyze-sed --sim null read the simulation's baseline and overwrote the data SED."""
    layout = Layout(area, "small")
    before = digest(layout.sed_file("draco", "nfw_point"))
    code, _, err = pfj("analyze-sed", *where(area), "--target", "draco", "--sim", "null")
    assert code == 2 and "--sim" in err and "'null' are made by simulate-roi" in err
    assert digest(layout.sed_file("draco", "nfw_point")) == before
    _, header = read_sed(layout.sed_file("draco", "nfw_point"))
    assert "SIM" not in header


def test_config_names_the_file_in_each_targets_folder(area: Path, pfj) -> None:
    """--config is fermipy.jobs' name of the analysis configuration inside each target's folder."""
    layout = Layout(area, "small")
    for target in ("draco", "ursa_minor"):
        config = read_yaml(layout.target_config(target))
        config["sed"] = {"npts": 9}
        write_yaml(layout.target_config(target, name="coarse.yaml"), config)
    targetlist = str(layout.target_list())
    default = {t: read_sed(layout.sed_file(t, "nfw_point"))[0]["norm_scan"].shape[1] for t in ("draco", "ursa_minor")}
    code, _, err = pfj("analyze-sed", *where(area), "--targetlist", targetlist, "--config", "coarse.yaml")
    assert code == 0, err
    for target in ("draco", "ursa_minor"):
        scan = read_sed(layout.sed_file(target, "nfw_point"))[0]["norm_scan"]
        # one grid shared by the bins: the union of each bin's 9 points (20 with the default config)
        assert 9 <= scan.shape[1] <= 9 * scan.shape[0] and scan.shape[1] < default[target]
    code, _, err = pfj("analyze-roi", *where(area), "--targetlist", targetlist, "--config", "coarse.yaml")
    assert code == 0, err
    code, _, err = pfj("analyze-roi", *where(area), "--targetlist", targetlist, "--config", "other.yaml")
    assert code == 2 and "draco/other.yaml: --config: analysis configuration not found" in err


def test_collect_sed_checks_the_bins_of_config(area: Path, pfj) -> None:
    """CollectSED reads the energy binning from --config, as fermipy's does, and refuses SEDs that differ."""
    layout = Layout(area, "small")
    code, _, err = pfj("simulate-roi", *where(area), "--target", "draco", "--sim", "null", "--nsims", "2")
    assert code == 0, err
    assert pfj("collect-sed", *where(area), "--target", "draco", "--sim", "null", "--nsims", "2")[0] == 0
    config = read_yaml(layout.target_config("draco", "null"))
    config["binning"]["binsperdec"] = 4
    write_yaml(layout.target_config("draco", "null", "fine.yaml"), config)
    code, _, err = pfj(
        "collect-sed", *where(area), "--target", "draco", "--sim", "null", "--nsims", "2", "--config", "fine.yaml"
    )
    assert code == 2 and "sed_nfw_point_000000.fits: SED: 4 energy bins, but fine.yaml makes 8" in err


def test_simulate_roi_takes_the_studys_options(area: Path, pfj) -> None:
    """Without flags, a realization runs with its study's non_null_src (true: a source is injected)."""
    layout = Layout(area, "small")
    code, _, err = pfj("simulate-roi", *where(area), "--target", "draco", "--sim", "pl", "--nsims", "1")
    assert code == 0, err
    _, header = read_sed(layout.sim_sed_file("pl", "draco", "nfw_point", 0))
    assert header["NONNULL"] is True and header["FINDSRC"] is False
    code, _, err = pfj(
        "simulate-roi", *where(area), "--target", "draco", "--sim", "pl", "--nsims", "1", "--no-non_null_src"
    )
    assert code == 0, err
    _, header = read_sed(layout.sim_sed_file("pl", "draco", "nfw_point", 0))
    assert header["NONNULL"] is False
    _, header = read_sed(layout.sim_sed_file("pl", "draco", "nfw_point", 0))
    code, _, err = pfj("simulate-roi", *where(area), "--target", "draco", "--sim", "pl", "--sim_profile", "einasto")
    assert code == 2 and "--sim_profile: 'einasto' is no profile of target draco" in err


def test_random_dir_gen_takes_sim_random_only(area: Path, pfj) -> None:
    rand_list = str(Layout(area, "small").target_list("random"))
    assert pfj("random-dir-gen", *where(area), "--targetlist", rand_list, "--sim", "random")[0] == 0
    code, _, err = pfj("random-dir-gen", *where(area), "--targetlist", rand_list, "--sim", "null")
    assert code == 2 and "random-dir-gen works in the random-direction area: --sim random" in err


def test_random_grid_must_fit_in_the_roi(area: Path, pfj, tmp_path: Path) -> None:
    wide = write_yaml(tmp_path / "wide.yaml", {"seed": 0, "nsims": 4, "max_x": 3.0, "max_y": 3.0, "step_x": 1.0})
    code, _, err = pfj("random-dir-gen", *where(area), "--target", "draco", "--rand_config", str(wide))
    assert code == 2 and "wide.yaml: max_x/max_y: the grid" in err and "reaches outside the ROI of target draco" in err


def test_extracopy_takes_glob_patterns(area: Path, pfj) -> None:
    layout = Layout(area, "small")
    for name in ("extra_a.txt", "extra_b.txt"):
        (layout.target_dir("draco") / name).write_text(name)
    args = (*where(area), "--target", "draco", "--sim", "null")
    assert pfj("copy-base-roi", *args, "--extracopy", "extra_*.txt")[0] == 0
    assert (layout.target_dir("draco", "null") / "extra_b.txt").read_text() == "extra_b.txt"
    code, _, err = pfj("copy-base-roi", *args, "--extracopy", "nothing_*.fits")
    assert code == 2 and "--extracopy: pattern 'nothing_*.fits' matches no file" in err


def test_scatter_gather_classes(area: Path, monkeypatch) -> None:
    """fermipy's _SG classes: over a target list (the area's by default); no single target."""
    import pyfermijobs

    monkeypatch.chdir(area)
    with pytest.raises(InputError, match="AnalyzeSED_SG takes no option 'target'"):
        pyfermijobs.AnalyzeSED_SG(ttype="small", target="draco")
    pyfermijobs.AnalyzeSED_SG(ttype="small", skydirs="skydirs.yaml").run()  # skydirs: the random study
    link = pyfermijobs.CollectSED_SG()
    link.update_args(dict(ttype="small", sim="random"))
    link.run()
    assert (area / "small_sim/sim_random/ursa_minor/sed_nfw_point_summary_000000_000003.fits").exists()
    assert pyfermijobs.SimulateROI_SG().defaults["nsims_job"] == 0


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("nfw", "nfw_point"),
        ("nfw_point", "nfw_point"),
        ("ackermann2016_photoj_0.6_nfw", "nfw_point"),  # the long name its alias replaced
        ("point", None),  # two point profiles: ambiguous
        (None, None),
    ],
)
def test_sim_profile_resolution(requested: str | None, expected: str | None) -> None:
    profiles = ["nfw_point", "burkert_point"]
    aliases = {"ackermann2016_photoj_0.6_nfw": "nfw"}
    if expected is None:
        with pytest.raises(InputError, match="draco"):
            resolve_profile(requested, profiles, "draco", aliases, "master.yaml", "sims.pl.profile")
    else:
        assert resolve_profile(requested, profiles, "draco", aliases, "master.yaml", "sims.pl.profile") == expected
    assert resolve_profile(None, ["x_point"], "draco", {}, "m", "k") == "x_point"
    assert resolve_profile("point", ["x_point"], "draco", {}, "m", "k") == "x_point"


def test_random_profile_restricts_the_random_study(explicit_setup: Path, tmp_path: Path, pfj) -> None:
    """random.profile: the random-direction SEDs are made for that profile only (it used to be ignored)."""
    master = explicit_setup / "master.yaml"
    config = read_yaml(master)
    config["random"] = {"profile": "nfw"}
    write_yaml(master, config)
    code, _, err = pfj("prepare-targets", "--master", str(master), "--outdir", str(tmp_path / "out"))
    assert code == 0, err
    layout = Layout(tmp_path / "out", "test")
    assert read_yaml(layout.target_list())["alpha"] == ["nfw_point", "burkert_point"]
    assert read_yaml(layout.target_list("random")) == {"alpha": ["nfw_point"], "beta": ["nfw_point"]}
    assert read_yaml(layout.run_config())["random"]["profiles"] == {"alpha": ["nfw_point"], "beta": ["nfw_point"]}
    # a profile some target lacks cannot be honoured: refused before anything is written
    config["random"] = {"profile": "burkert"}
    write_yaml(master, config)
    code, _, err = pfj("prepare-targets", "--master", str(master), "--outdir", str(tmp_path / "out2"))
    assert code == 2 and "random.profile: 'burkert' is no profile of target beta" in err
    assert not (tmp_path / "out2").exists()


def test_plot_castro_for_control_studies_is_refused(explicit_setup: Path, pfj) -> None:
    """Listing plot-castro under sim_plotting used to be accepted, make nothing and drop the defaults."""
    master = explicit_setup / "master.yaml"
    config = read_yaml(master)
    config["sim_plotting"] = {"plot-castro": {}}
    write_yaml(master, config)
    code, _, err = pfj("validate", "--master", str(master))
    assert code == 2 and "sim_plotting.plot-castro: not made here: castro plots are made for the data" in err


def test_study_seed_range_and_chunks() -> None:
    """One vocabulary from Python to the pipeline's meta: a study's and a chunk's first/nsims."""
    from pyfermijobs.config import Study

    study = Study("null", 3, 7, 3, None, False, False, False, {})
    assert study.last == 9 and study.seeds() == range(3, 10) and study.seeds(5, 2) == range(5, 7)
    assert study.chunks() == [{"first": 3, "nsims": 3}, {"first": 6, "nsims": 3}, {"first": 9, "nsims": 1}]
    assert Study("r", 0, 4, 0, None, False, False, False, {}).chunks() == [{"first": 0, "nsims": 4}]
    with pytest.raises(InputError, match="need seed >= 0 and nsims >= 1"):
        study.seeds(-1, 2)


def test_config_localpath_names_the_per_target_file(explicit_setup: Path, tmp_path: Path, pfj) -> None:
    """The master's config_localpath (fermipy.jobs' key) names each target's analysis configuration."""
    master = explicit_setup / "master.yaml"
    config = read_yaml(master)
    config["config_localpath"] = "analysis.yaml"
    write_yaml(master, config)
    out = tmp_path / "out"
    assert pfj("prepare-targets", "--master", str(master), "--outdir", str(out))[0] == 0
    layout = Layout(out, "test")
    assert layout.target_config("alpha", name="analysis.yaml").exists()
    assert not layout.target_config("alpha").exists()
    assert layout.target_config("beta", "null", "analysis.yaml").exists()
    code, _, err = pfj("analyze-roi", "--ttype", "test", "--outdir", str(out), "--target", "beta", "--config", "x.yaml")
    assert code == 2 and "beta/x.yaml: --config: analysis configuration not found" in err
    code, _, err = pfj("analyze-roi", "--ttype", "test", "--outdir", str(out), "--target", "beta")  # its own name
    assert code == 0, err
    assert layout.roi_file("beta").exists()
    config["config_localpath"] = "sub/analysis.yaml"
    write_yaml(master, config)
    code, _, err = pfj("validate", "--master", str(master))
    assert code == 2 and "config_localpath" in err
