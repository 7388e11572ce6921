"""Shared fixtures: the official dmpipe example, small explicit configurations, a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
OFFICIAL_EXAMPLE = REPO.parent / "shared" / "reference" / "dmpipe_example_config"
#: Real LAT data, read in place (``PFJ_LAT_DATA`` may point elsewhere), never copied into the repository.
LAT_DATA = Path(os.environ.get("PFJ_LAT_DATA") or REPO.parent / "shared" / "lat-data")


def require_shared(path: Path, what: str) -> Path:
    """The one rule for ``../shared``: a missing folder or file fails the test in CI (``CI`` set) and
    skips it elsewhere, with one message saying what is missing and where it was looked for."""
    if not path.exists():
        message = f"{what} not found at {path} (lay shared/ beside the repository; PFJ_LAT_DATA may point at lat-data)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def require_lat_data(sub: str = "") -> Path:
    """A folder or file of the real LAT data (read in place, never copied)."""
    return require_shared(LAT_DATA / sub, "real LAT data")


def convert(
    castro: Any,
    eflux_per_unit: np.ndarray,
    channels: tuple[str, ...],
    masses: np.ndarray,
    j_integ: float,
    j_sigma: float,
    prior: str,
    start: tuple[float, float] | None = None,
) -> Any:
    """One prior's dark-matter likelihood (the library converts several priors at once)."""
    from pyfermijobs.darkmatter.likelihood import convert_priors

    extra = () if start is None else (start,)
    return convert_priors(castro, eflux_per_unit, channels, masses, j_integ, j_sigma, [prior], *extra)[prior]


def write_yaml(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def read_yaml(path: Path) -> object:
    return yaml.safe_load(Path(path).read_text())


@pytest.fixture
def official_example(tmp_path: Path) -> Path:
    """A copy of fermipy-extras' dmpipe example configuration (shared/reference)."""
    require_shared(OFFICIAL_EXAMPLE, "the official dmpipe example configuration")
    dest = tmp_path / "example"
    shutil.copytree(OFFICIAL_EXAMPLE, dest)
    return dest


@pytest.fixture
def explicit_setup(tmp_path: Path) -> Path:
    """A small analysis in fermipy's own layout: explicit roster, config/ folder, two sims."""
    root = tmp_path / "analysis"
    write_yaml(
        root / "config" / "config_test.yaml",
        {
            "selection": {"emin": 100, "emax": 100000, "zmax": 100},
            "binning": {"binsperdec": 4, "binsz": 0.1, "roiwidth": 10.0, "coordsys": "GAL"},
        },
    )
    write_yaml(root / "config" / "sim_null.yaml", {"injected_source": None})
    write_yaml(
        root / "config" / "sim_pl2.yaml",
        {
            "injected_source": {
                "name": "testpl",
                "source_model": {
                    "SpatialModel": "PointSource",
                    "SpectrumType": "PowerLaw",
                    "Prefactor": {"value": 1e-12},
                    "Index": {"value": 2.0},
                    "Scale": {"value": 1000.0},
                },
            }
        },
    )
    write_yaml(
        root / "config" / "random_test.yaml",
        {"seed": 0, "nsims": 5, "step_x": 1.0, "step_y": 1.0, "max_x": 2.0, "max_y": 2.0},
    )
    write_yaml(
        root / "rosters.yaml",
        {
            "main": {
                "alpha": {"ra": 10.0, "dec": -20.0, "version": "nfw_long_name"},
                "beta": {"ra": 200.5, "dec": 45.25, "version": "nfw_long_name", "j_integ": 1.0e18},
            },
            "extra": {"alpha": {"ra": 10.0, "dec": -20.0, "version": "burkert"}},
        },
    )
    write_yaml(root / "config" / "aliases.yaml", {"nfw_long_name": "nfw"})
    write_yaml(
        root / "master.yaml",
        {
            "ttype": "test",
            "rosters": ["rosters.yaml"],
            "alias_dict": "config/aliases.yaml",
            "sim_defaults": {"seed": 3, "nsims": 4, "profile": "nfw", "nsims_job": 2},
            "sims": {"null": {}, "pl2": {"nsims": 6}},
            "random": {},
            "data_plotting": {"plot-castro": {}},
        },
    )
    return root


@pytest.fixture
def pfj(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the CLI in-process: returns (exit status, stdout, stderr)."""
    from pyfermijobs.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


SMALL_TEMPLATE = {
    "selection": {"emin": 1000, "emax": 100000},
    "binning": {"binsperdec": 2, "binsz": 0.2, "roiwidth": 4.2, "coordsys": "GAL"},
    "model": {"src_roiwidth": 6.0},
    "synthetic": {"data_seed": 1, "livetime_years": 12},
}


def make_small_analysis(root: Path, injected_prefactor: float = 3e-13, extra_sims: dict | None = None) -> Path:
    """A quick synthetic analysis: two dwarfs, small ROIs, null + injected sims, random directions."""
    write_yaml(root / "config" / "config_small.yaml", SMALL_TEMPLATE)
    write_yaml(root / "config" / "sim_null.yaml", {"injected_source": None})
    write_yaml(
        root / "config" / "sim_pl.yaml",
        {
            "injected_source": {
                "name": "injpl",
                "source_model": {
                    "SpatialModel": "PointSource",
                    "SpectrumType": "PowerLaw",
                    "Prefactor": {"value": injected_prefactor},
                    "Index": {"value": 2.0},
                    "Scale": {"value": 1000.0},
                },
            }
        },
    )
    write_yaml(
        root / "config" / "random_small.yaml",
        {"seed": 0, "nsims": 4, "step_x": 0.5, "step_y": 0.5, "max_x": 1.5, "max_y": 1.5, "min_sep_source": 0.3},
    )
    write_yaml(root / "dwarf_roster.yaml", {"pair": ["draco:nfw", "ursa_minor:nfw"]})
    sims = {"null": {}, "pl": {}, **(extra_sims or {})}
    write_yaml(
        root / "master.yaml",
        {
            "ttype": "small",
            "rosters": ["pair"],
            "sim_defaults": {"seed": 0, "nsims": 3, "profile": "nfw"},
            "sims": sims,
            "random": {},
            "data_plotting": {"plot-castro": {}, "plot-roi": {}},
        },
    )
    return root / "master.yaml"


def analyse_small(root: Path) -> Path:
    """The small analysis prepared, its baselines fitted, data SEDs built and control areas copied."""
    from pyfermijobs.cli import main

    master = make_small_analysis(root / "cfg")
    out = root / "out"
    where = ["--ttype", "small", "--outdir", str(out)]
    assert main(["prepare-targets", "--master", str(master), "--outdir", str(out)]) == 0
    targetlist = str(out / "small/target_list.yaml")
    assert main(["analyze-roi", *where, "--targetlist", targetlist]) == 0
    assert main(["analyze-sed", *where, "--targetlist", targetlist]) == 0
    for sim in ("null", "pl", "random"):
        assert main(["copy-base-roi", *where, "--sim", sim, "--targetlist", targetlist]) == 0
    return out


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Spread the suite over pytest-xdist's workers test by test (``--dist loadgroup``), except that
    the tests of a file sharing a fixture of its own wider than a test (a pipeline run, a chain, a
    cluster) stay on one worker, so the fixture runs once.

    First among the hooks: pytest-xdist reads the groups in its own hook of this name. It marks a
    group in the test's id, which pytest 9.2 no longer lets it do (pyproject pins pytest below;
    tests/test_suite.py checks the groups hold: without them the test profile's run was made on
    both workers, 300 s each). The expensive fixtures are session-scoped, so that another file's
    tests run between two of a group's cannot tear one down."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        module = getattr(item.module, "__name__", "")
        shared = any(
            d.scope != "function" and getattr(d.func, "__module__", "") == module
            for defs in info.name2fixturedefs.values()
            for d in defs
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(module))
