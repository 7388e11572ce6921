"""Every bad input of the foundation: exit 2, one message (file, key, problem), nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import read_yaml, write_yaml


def edit(path: Path, change: Callable[[dict], None]) -> None:
    data = read_yaml(path)
    change(data)
    write_yaml(path, data)


def set_key(path: str, dotted: str, value: object) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        def change(data: dict) -> None:
            *parents, last = dotted.split(".")
            node = data
            for key in parents:
                node = node.setdefault(key, {})
            node[last] = value

        edit(root / path, change)

    return apply


def write_text(path: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / path).write_text(text)

    return apply


def remove(path: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / path).unlink()

    return apply


def add_dmsky_roster(entries: list[str]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        write_yaml(root / "dwarf_roster.yaml", {"dw": entries})
        set_key("master.yaml", "rosters", ["dw"])(root)
        set_key("master.yaml", "sim_defaults.profile", "default")(root)
        set_key("master.yaml", "alias_dict", None)(root)

    return apply


# (case id, change to the explicit setup, substrings the message must hold)
CASES = [
    (
        "malformed-yaml",
        write_text("master.yaml", "ttype: test\nrosters: [a, b\nsims: {}\n"),
        ["master.yaml", "line 3, column", "YAML syntax error"],
    ),
    (
        "object-tag",
        write_text("master.yaml", "ttype: !!python/object/apply:os.system ['true']\n"),
        ["master.yaml", "YAML syntax error", "python/object"],
    ),
    (
        "duplicate-yaml-key",
        write_text("master.yaml", "ttype: a\nttype: b\nrosters: [rosters.yaml]\n"),
        ["master.yaml", "duplicate key 'ttype'"],
    ),
    (
        "missing-roster-file",
        set_key("master.yaml", "rosters", ["nowhere.yaml"]),
        ["master.yaml", "rosters", "nowhere.yaml", "not found"],
    ),
    (
        "missing-template",
        remove("config/config_test.yaml"),
        ["master.yaml", "config_template", "config/config_test.yaml", "not found"],
    ),
    (
        "unknown-key",
        set_key("master.yaml", "sim_defaults.nsim", 3),
        ["master.yaml", "sim_defaults.nsim", "unknown key", "did you mean 'nsims'"],
    ),
    (
        "unknown-top-key",
        set_key("master.yaml", "spatial_model", ["point"]),
        ["master.yaml", "spatial_model", "did you mean 'spatial_models'"],
    ),
    (
        "wrong-type",
        set_key("master.yaml", "sim_defaults.nsims", "ten"),
        ["master.yaml", "sim_defaults.nsims", "must be an integer", "'ten'"],
    ),
    ("nsims-zero", set_key("master.yaml", "sims.pl2.nsims", 0), ["master.yaml", "sims.pl2.nsims", "must be >= 1"]),
    (
        "negative-seed",
        set_key("master.yaml", "sim_defaults.seed", -1),
        ["master.yaml", "sim_defaults.seed", "must be >= 0"],
    ),
    (
        "negative-nsims-job",
        set_key("master.yaml", "sim_defaults.nsims_job", -2),
        ["master.yaml", "sim_defaults.nsims_job", "must be >= 0"],
    ),
    (
        "dec-out-of-range",
        set_key("rosters.yaml", "main.beta.dec", 95.0),
        ["rosters.yaml", "main.beta.dec", "[-90, 90]"],
    ),
    ("ra-out-of-range", set_key("rosters.yaml", "main.beta.ra", 360.0), ["rosters.yaml", "main.beta.ra", "[0, 360)"]),
    (
        "ra-not-a-number",
        set_key("rosters.yaml", "main.beta.ra", "12h30m"),
        ["rosters.yaml", "main.beta.ra", "must be a finite number"],
    ),
    (
        "unknown-dmsky-target",
        add_dmsky_roster(["draco:nfw", "drako2:nfw"]),
        ["dwarf_roster.yaml", "dw", "'drako2'", "no targets file"],
    ),
    (
        "template-builtin-typo",
        set_key("config/config_test.yaml", "builtin.free_radus", 2.0),
        ["config_test.yaml", "builtin.free_radus", "unknown key (did you mean 'free_radius'?)"],
    ),
    (
        "template-sed-npts-not-a-number",
        set_key("config/config_test.yaml", "sed.npts", "twenty"),
        ["config_test.yaml", "sed.npts", "must be an integer, got a string ('twenty')"],
    ),
    (
        "template-synthetic-livetime",
        set_key("config/config_test.yaml", "synthetic.livetime_years", -1),
        ["config_test.yaml", "synthetic.livetime_years", "must be > 0"],
    ),
    (
        "template-binning-coordsys",
        set_key("config/config_test.yaml", "binning.coordsys", "ECL"),
        ["config_test.yaml", "binning.coordsys", "must be one of CEL, GAL, got 'ECL'"],
    ),
    (
        "random-profile-unknown",
        set_key("master.yaml", "random.profile", "einasto"),
        ["master.yaml", "random.profile", "'einasto' is no profile of target", "nfw_point"],
    ),
    (
        "sim-profile-list-of-two",
        set_key("master.yaml", "sim_defaults.profile", ["nfw", "burkert"]),
        ["master.yaml", "sim_defaults.profile", "one profile is simulated", "not a list of 2"],
    ),
    (
        "missing-scenario-file",
        remove("config/sim_pl2.yaml"),
        ["master.yaml", "sims.pl2.simfile", "config/sim_pl2.yaml", "not found"],
    ),
    (
        "injected-without-source-model",
        write_text("config/sim_pl2.yaml", "injected_source:\n  name: x\n"),
        ["sim_pl2.yaml", "injected_source.source_model", "missing"],
    ),
    (
        "scenario-without-injected-key",
        write_text("config/sim_null.yaml", "inject: {}\n"),
        ["sim_null.yaml", "injected_source", "required key is missing"],
    ),
    (
        "duplicate-target-explicit",
        write_text("rosters.yaml", "main:\n  alpha: {ra: 1, dec: 2}\n  alpha: {ra: 3, dec: 4}\n"),
        ["rosters.yaml", "line 3", "duplicate key 'alpha'"],
    ),
    (
        "duplicate-target-dmsky",
        add_dmsky_roster(["draco:a", "draco:b"]),
        ["dwarf_roster.yaml", "dw", "'draco' appears twice"],
    ),
    (
        "clashing-aliases",
        write_text("config/aliases.yaml", "nfw_long_name: nfw\nnfw_other: nfw\n"),
        ["aliases.yaml", "nfw_other", "already the alias of 'nfw_long_name'"],
    ),
    (
        "alias-with-underscore",
        write_text("config/aliases.yaml", "nfw_long_name: nfw_short\n"),
        ["aliases.yaml", "nfw_long_name", "contains '_'"],
    ),
    (
        "spatial-model-radial",
        set_key("master.yaml", "spatial_models", ["point", "radial"]),
        ["master.yaml", "spatial_models", "'radial' is not supported", "only 'point'"],
    ),
    (
        "unknown-backend",
        set_key("master.yaml", "backend", "fermipi"),
        ["master.yaml", "backend", "did you mean 'fermipy'"],
    ),
    (
        "fermipy-controls-after-builtin-fit",
        set_key("master.yaml", "sim_backend", "fermipy"),
        ["master.yaml", "sim_backend", "need 'backend: fermipy'"],
    ),
    (
        "random-too-many-directions",
        set_key("config/random_test.yaml", "nsims", 30),
        ["random_test.yaml", "nsims", "exceeds the 24 grid points"],
    ),
    ("missing-random-file", remove("config/random_test.yaml"), ["master.yaml", "random.rand_config", "not found"]),
    ("moved-target", set_key("rosters.yaml", "extra.alpha.ra", 11.0), ["rosters.yaml", "extra.alpha", "differs"]),
    (
        "unknown-roster-name",
        set_key("master.yaml", "rosters", ["mian"]),
        ["master.yaml", "rosters", "roster 'mian' not found"],
    ),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_before_any_write(explicit_setup: Path, tmp_path: Path, pfj, change, expected) -> None:
    change(explicit_setup)
    out = tmp_path / "out"
    code, _, stderr = pfj("prepare-targets", "--master", str(explicit_setup / "master.yaml"), "--outdir", str(out))
    assert code == 2
    message = stderr.strip()
    assert message.count("\n") == 0, "one message, one line"
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert not out.exists(), "nothing may be written"


def test_missing_master(tmp_path: Path, pfj) -> None:
    code, _, stderr = pfj("prepare-targets", "--master", str(tmp_path / "none.yaml"), "--outdir", str(tmp_path))
    assert code == 2 and "none.yaml: master configuration not found" in stderr


def test_different_configuration_refused_unless_overwrite(explicit_setup: Path, tmp_path: Path, pfj) -> None:
    out = tmp_path / "out"
    args = ("prepare-targets", "--master", str(explicit_setup / "master.yaml"), "--outdir", str(out))
    assert pfj(*args)[0] == 0
    set_key("master.yaml", "sim_defaults.nsims", 9)(explicit_setup)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, _, stderr = pfj(*args)
    assert code == 2 and "results of a different configuration" in stderr and "--overwrite" in stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert pfj(*args, "--overwrite")[0] == 0
    assert read_yaml(out / "test/pipeline_config.yaml")["sims"]["null"]["nsims"] == 9


def test_foreign_layout_refused(explicit_setup: Path, tmp_path: Path, pfj) -> None:
    out = tmp_path / "out"
    write_yaml(out / "test/target_list.yaml", {"x": ["y"]})
    code, _, stderr = pfj("prepare-targets", "--master", str(explicit_setup / "master.yaml"), "--outdir", str(out))
    assert code == 2 and "not written by pyfermijobs" in stderr


# The simulated profile is SimulateROI's input: prepare-targets prepares the areas whatever it
# is (as fermipy.jobs does); `pfj validate` (run by the pipeline before any task) and
# simulate-roi refuse a profile a target lacks.
SIM_PROFILE_CASES = [
    (
        "sim-profile-unknown",
        set_key("master.yaml", "sim_defaults.profile", "einasto"),
        ["master.yaml", "sims.pl2.profile", "'einasto' is no profile of target alpha", "nfw_point"],
    ),
    (
        "sim-profile-per-sim-bad",
        set_key("master.yaml", "sims.pl2.profile", "burkert"),
        ["master.yaml", "sims.pl2.profile", "'burkert' is no profile of target beta"],
    ),
    (
        "sim-profile-ambiguous",
        set_key("master.yaml", "sim_defaults.profile", None),
        ["master.yaml", "sims.pl2.profile", "target alpha has several profiles", "say which one is simulated"],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in SIM_PROFILE_CASES], ids=[c[0] for c in SIM_PROFILE_CASES]
)
def test_simulated_profile_checked_by_validate_not_by_prepare(
    explicit_setup: Path, tmp_path: Path, pfj, change, expected
) -> None:
    change(explicit_setup)
    master = str(explicit_setup / "master.yaml")
    code, _, stderr = pfj("validate", "--master", master)
    assert code == 2 and stderr.count("\n") == 1, stderr
    for part in expected:
        assert part in stderr, f"{part!r} not in {stderr!r}"
    code, _, stderr = pfj("prepare-targets", "--master", master, "--outdir", str(tmp_path / "out"))
    assert code == 0, stderr
