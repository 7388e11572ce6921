"""PrepareTargets writes fermipy.jobs' layout: checked file by file, whole contents."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from conftest import read_yaml, write_yaml

from pyfermijobs.config.fields import ConfigWarning
from pyfermijobs.layout import Layout


def files_below(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_official_example_prepares_fermipy_layout(official_example: Path, tmp_path: Path, pfj) -> None:
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigWarning)  # every key of the example takes effect: none is ignored
        code, _stdout, stderr = pfj(
            "prepare-targets", "--master", str(official_example / "master_dSphs.yaml"), "--outdir", str(out)
        )
    assert code == 0, stderr
    # The dark-matter stage's keys are in effect: priors, spectra, plotted channels, J-factors.
    dm = read_yaml(out / "dSphs/pipeline_config.yaml")["darkmatter"]
    assert dm["priors"] == ["none", "lgauss"] and dm["plot_channels"] == ["bb", "tautau"]
    assert len(dm["channels"]) == 12 and len(dm["masses"]) == 13
    # dmsky's version name means dmsky's numbers (photometric J, 0.6 dex), read through dmsky
    segue = read_yaml(out / "dSphs/segue_1/astro_val_ack2016.yaml")
    assert segue["j_integ"] == pytest.approx(2.399e19) and segue["j_sigma"] == pytest.approx(0.6)
    draco = read_yaml(out / "dSphs/draco/astro_val_ack2016.yaml")
    assert draco["j_integ"] == pytest.approx(2.188e18) and draco["j_ref"] == "dmsky draco:ackermann2016_photoj_0.6_nfw"

    assert read_yaml(out / "dSphs/target_list.yaml") == {"segue_1": ["ack2016_point"], "draco": ["ack2016_point"]}
    assert read_yaml(out / "dSphs/roster_list.yaml") == {"test_point": ["segue_1:ack2016_point", "draco:ack2016_point"]}
    # Per-target analysis configuration: the template with the target's direction.
    template = read_yaml(official_example / "config_dSphs.yaml")
    draco = read_yaml(out / "dSphs/draco/config.yaml")
    template["selection"].update(ra=260.05167, dec=57.91528)
    assert draco == template
    assert read_yaml(out / "dSphs/draco/profile_ack2016_point.yaml") == {
        "name": "ack2016_point",
        "source_model": {"SpectrumType": "PowerLaw", "RA": 260.05167, "DEC": 57.91528, "SpatialModel": "PointSource"},
    }
    expected_sims = {"null", "100GeV_bb_1e25", "100GeV_bb_3e26", "random"}
    assert {p.name for p in (out / "dSphs_sim").iterdir()} == {f"sim_{s}" for s in expected_sims}
    for sim in expected_sims:
        area = out / "dSphs_sim" / f"sim_{sim}"
        assert read_yaml(area / "target_list.yaml") == read_yaml(out / "dSphs/target_list.yaml")
        assert read_yaml(area / "roster_list.yaml") == read_yaml(out / "dSphs/roster_list.yaml")
        assert read_yaml(area / "draco/config.yaml") == draco
    # Scenario files are copied as read; the random area gets the random-direction file.
    injected = read_yaml(out / "dSphs_sim/sim_100GeV_bb_3e26/sim_100GeV_bb_3e26.yaml")["injected_source"]
    assert injected["source_model"]["SpectrumType"] == "DMFitFunction"
    assert injected["source_model"]["sigmav"]["value"] == pytest.approx(3e-26)
    assert read_yaml(out / "dSphs_sim/sim_null/sim_null.yaml") == {"injected_source": None}
    rand = read_yaml(out / "dSphs_sim/sim_random/random_dSphs.yaml")
    assert {k: rand[k] for k in ("seed", "nsims", "step_x", "max_x")} == {
        "seed": 0,
        "nsims": 20,
        "step_x": 1.0,
        "max_x": 3.0,
    }
    run = read_yaml(out / "dSphs/pipeline_config.yaml")
    assert run["sims"]["null"] == {
        "seed": 0,
        "nsims": 20,
        "last": 19,
        "nsims_job": 20,  # pyfermijobs default (fermipy.jobs: 0)
        "profile": "ack2016",
        "injected": False,
        "non_null_src": False,
        "do_find_src": False,
        "profiles": {"segue_1": ["ack2016_point"], "draco": ["ack2016_point"]},
    }
    assert run["sims"]["100GeV_bb_1e25"]["non_null_src"] is True  # an injected source: SEDs see it
    assert run["sims"]["100GeV_bb_1e25"]["injected"] is True


def test_explicit_roster_layout(explicit_setup: Path, tmp_path: Path, pfj) -> None:
    out = tmp_path / "out"
    code, _, stderr = pfj("prepare-targets", "--master", str(explicit_setup / "master.yaml"), "--outdir", str(out))
    assert code == 0, stderr
    layout = Layout(out, "test")
    # alpha is in two rosters with two versions: one target, two profiles; aliases applied.
    assert read_yaml(layout.target_list()) == {"alpha": ["nfw_point", "burkert_point"], "beta": ["nfw_point"]}
    assert read_yaml(layout.roster_list()) == {
        "main_point": ["alpha:nfw_point", "beta:nfw_point"],
        "extra_point": ["alpha:burkert_point"],
    }
    assert read_yaml(layout.astro_value_file("beta", "nfw")) == {"ra": 200.5, "dec": 45.25, "j_integ": 1.0e18}
    expected = {
        "test/pipeline_config.yaml",
        "test/target_list.yaml",
        "test/roster_list.yaml",
        "test/alpha/config.yaml",
        "test/alpha/profile_nfw_point.yaml",
        "test/alpha/profile_burkert_point.yaml",
        "test/alpha/astro_val_nfw.yaml",
        "test/alpha/astro_val_burkert.yaml",
        "test/beta/config.yaml",
        "test/beta/profile_nfw_point.yaml",
        "test/beta/astro_val_nfw.yaml",
    }
    for sim in ("null", "pl2", "random"):
        expected |= {
            f"test_sim/sim_{sim}/{name.removeprefix('test/')}"
            for name in expected
            if name.startswith("test/") and "pipeline_config" not in name
        }
        expected.add(f"test_sim/sim_{sim}/sim_{sim}.yaml")
    expected.add("test_sim/sim_random/random_test.yaml")
    assert files_below(out) == expected
    run = read_yaml(layout.run_config())
    # sim_defaults apply, per-scenario overrides win.
    assert run["sims"]["null"]["nsims"] == 4 and run["sims"]["pl2"]["nsims"] == 6
    assert run["sims"]["pl2"]["seed"] == 3 and run["sims"]["pl2"]["last"] == 8
    assert run["random"]["nsims"] == 5
    assert run["targets"]["beta"] == {"ra": 200.5, "dec": 45.25, "profiles": ["nfw_point"]}


def test_rerun_same_configuration_is_allowed(explicit_setup: Path, tmp_path: Path, pfj) -> None:
    out = tmp_path / "out"
    args = ("prepare-targets", "--master", str(explicit_setup / "master.yaml"), "--outdir", str(out))
    assert pfj(*args)[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert pfj(*args)[0] == 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_flags_override_master(explicit_setup: Path, tmp_path: Path, pfj, monkeypatch) -> None:
    out = tmp_path / "out"
    monkeypatch.chdir(explicit_setup)
    code, _, stderr = pfj(
        "prepare-targets", "--master", "master.yaml", "--outdir", str(out), "--sims", "null", "--backend", "fermipy"
    )
    assert code == 0, stderr
    run = read_yaml(out / "test/pipeline_config.yaml")
    assert run["backend"] == "fermipy"
    assert list(run["sims"]) == ["null"] and run["random"] is None
    assert run["sims"]["null"]["nsims"] == 4  # still from the master's sim_defaults


def test_flag_only_usage_like_the_seed(explicit_setup: Path, tmp_path: Path, pfj, monkeypatch) -> None:
    """`fermipy-prepare-targets --ttype dSphs --rosters r.yaml --sims random --sims null` works as is."""
    monkeypatch.chdir(explicit_setup)
    write_yaml(explicit_setup / "config/config_flags.yaml", {"selection": {"emin": 100}})
    write_yaml(explicit_setup / "config/random_flags.yaml", {"nsims": 3})
    write_yaml(explicit_setup / "r.yaml", {"only": {"gamma": {"ra": 1.0, "dec": 2.0}}})
    code, _, stderr = pfj(
        "prepare-targets",
        "--ttype",
        "flags",
        "--rosters",
        "r.yaml",
        "--spatial_models",
        "point",
        "--sims",
        "random",
        "--sims",
        "null",
        "--outdir",
        str(tmp_path / "o"),
    )
    assert code == 0, stderr
    run = read_yaml(tmp_path / "o/flags/pipeline_config.yaml")
    assert list(run["sims"]) == ["null"] and run["random"]["nsims"] == 3
    assert read_yaml(tmp_path / "o/flags/target_list.yaml") == {"gamma": ["default_point"]}


def test_python_api_mirrors_the_seed(explicit_setup: Path, tmp_path: Path) -> None:
    from pyfermijobs import PrepareTargets
    from pyfermijobs.errors import InputError

    link = PrepareTargets()
    link.update_args(dict(master=str(explicit_setup / "master.yaml"), outdir=str(tmp_path / "api")))
    link.run()
    assert (tmp_path / "api/test/target_list.yaml").exists()
    with pytest.raises(InputError, match="did you mean 'rosters'"):
        link.update_args(dict(roster=["x.yaml"]))
