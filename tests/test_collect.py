"""CollectSED: statistics per energy bin across realizations, missing realizations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pyfermijobs.estimators import SUMMARY_COLUMNS, global_ts_summary, summary_columns
from pyfermijobs.io import SED_COLUMNS, read_table, write_collected, write_sed
from pyfermijobs.io.collected_fits import collect_realizations
from pyfermijobs.io.collected_fits import write_summary as write_summary_file
from pyfermijobs.yamlio import write_yaml

NBINS, NPTS = 5, 20


def write_summary(path, col, first, last):
    """The summary file of a collection, as CollectSED writes it."""
    write_summary_file(path, summary_columns(col), global_ts_summary(col), col, first, last)


def fake_sed(path: Path, rng: np.random.Generator, truth: float | None = None) -> dict[str, np.ndarray]:
    """An SED file with random numbers in every column (what matters here is the bookkeeping)."""
    sed = {name: rng.normal(size=NBINS) for name, _ in SED_COLUMNS}
    sed["norm_scan"] = rng.normal(size=(NBINS, NPTS))
    sed["dloglike_scan"] = rng.normal(size=(NBINS, NPTS))
    model_flux = {n: np.ones(4) for n in ("energy", "dnde", "dnde_lo", "dnde_hi", "dnde_err", "dnde_ferr")}
    params = {"name": ["Prefactor"], "value": [1.0], "error": [0.1], "covariance": [[0.01]], "correlation": [[1.0]]}
    ts = float(rng.uniform(0, 10))
    write_sed(path, sed, model_flux, params, {"SRCNAME": "t", "TS": ts, "SYNTHET": True})
    if truth is not None:
        write_yaml(
            path.with_name(path.name.replace("sed_", "truth_").replace(".fits", ".yaml")),
            {"injected": {"norm": [truth] * NBINS}},
        )
    return {**sed, "ts_global": ts}


def paths(folder: Path):
    return (lambda s: folder / f"sed_p_{s:06d}.fits"), (lambda s: folder / f"truth_p_{s:06d}.yaml")


def test_statistics_are_per_energy_bin_across_realizations(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    seds = [fake_sed(tmp_path / f"sed_p_{s:06d}.fits", rng, truth=2.0) for s in range(3, 14)]
    sed_path, truth_path = paths(tmp_path)
    col = collect_realizations(sed_path, truth_path, 3, 13, allow_missing=False)
    assert col.seeds == list(range(3, 14)) and col.missing == []
    write_summary(tmp_path / "summary.fits", col, 3, 13)
    write_collected(tmp_path / "collected.fits", col, 3, 13)
    summary, header = read_table(tmp_path / "summary.fits", "SED_SUMMARY")
    assert header["NREAL"] == 11 and header["NMISSING"] == 0
    for name in SUMMARY_COLUMNS:
        stack = np.array([s[name] for s in seds])  # (nreal, nbins)
        assert np.allclose(summary[f"{name}_mean"], stack.mean(axis=0))
        assert np.allclose(summary[f"{name}_std"], stack.std(axis=0))
        assert np.allclose(summary[f"{name}_median"], np.median(stack, axis=0))
        assert np.allclose(summary[f"{name}_q02"], np.percentile(stack, 2.5, axis=0))
        assert np.allclose(summary[f"{name}_q16"], np.percentile(stack, 16, axis=0))
        assert np.allclose(summary[f"{name}_q84"], np.percentile(stack, 84, axis=0))
        assert np.allclose(summary[f"{name}_q97"], np.percentile(stack, 97.5, axis=0))
        # not fermipy 1.4.3's axis: statistics over energy would have one value per realization
        assert len(summary[f"{name}_mean"]) == NBINS
    glob, _ = read_table(tmp_path / "summary.fits", "GLOBAL_TS")
    assert np.isclose(glob["ts_median"][0], np.median([s["ts_global"] for s in seds]))
    collected, _ = read_table(tmp_path / "collected.fits", "SED_COLLECTED")
    assert list(collected["seed"]) == list(range(3, 14))
    assert collected["norm_scan"].shape == (11, NBINS, NPTS)
    assert np.allclose(collected["norm_scan"][4], seds[4]["norm_scan"])
    assert np.allclose(collected["norm_true"], 2.0)


def test_missing_realizations_are_named_or_recorded(tmp_path: Path) -> None:
    from pyfermijobs.errors import InputError

    rng = np.random.default_rng(1)
    for s in (0, 1, 3, 5):
        fake_sed(tmp_path / f"sed_p_{s:06d}.fits", rng)
    (tmp_path / "sed_p_000004.fits").write_text("not fits")
    sed_path, truth_path = paths(tmp_path)
    with pytest.raises(InputError, match=r"3 of 7 realizations missing or unreadable: 2, 4, 6 \(rerun them"):
        collect_realizations(sed_path, truth_path, 0, 6, allow_missing=False)
    col = collect_realizations(sed_path, truth_path, 0, 6, allow_missing=True)
    assert col.seeds == [0, 1, 3, 5] and col.missing == [2, 4, 6]
    write_summary(tmp_path / "s.fits", col, 0, 6)
    _, header = read_table(tmp_path / "s.fits", "SED_SUMMARY")
    assert header["NREAL"] == 4 and header["NMISSING"] == 3 and header["MISSING"] == "2,4,6"


def test_collect_cli_lists_every_missing_seed_before_writing(tmp_path: Path, pfj) -> None:
    from conftest import make_small_analysis

    master = make_small_analysis(tmp_path / "cfg")
    out = tmp_path / "out"
    assert pfj("prepare-targets", "--master", str(master), "--outdir", str(out))[0] == 0
    code, _, err = pfj(
        "collect-sed",
        "--ttype",
        "small",
        "--outdir",
        str(out),
        "--sim",
        "null",
        "--targetlist",
        str(out / "small_sim/sim_null/target_list.yaml"),
    )
    assert code == 2
    assert "6 realizations missing (target:profile:seed): draco:nfw_point:0, draco:nfw_point:1" in err
    assert "ursa_minor:nfw_point:2" in err
    assert not list(out.rglob("*collected*")) and not list(out.rglob("*summary*"))


def test_bands_keep_every_null_scenario_apart(tmp_path: Path) -> None:
    from pyfermijobs.config import RunConfig
    from pyfermijobs.layout import Layout
    from pyfermijobs.steps.plots import control_summaries

    rng = np.random.default_rng(3)
    layout = Layout(tmp_path, "t")
    study = {"seed": 0, "nsims": 2, "nsims_job": 0, "injected": False, "non_null_src": False, "do_find_src": False}
    study["profiles"] = {"x": ["p"]}
    doc = {
        "ttype": "t",
        "targets": {"x": {"ra": 0.0, "dec": 0.0, "profiles": ["p"]}},
        "sims": {"nullA": study, "nullB": study, "inj": {**study, "injected": True, "non_null_src": True}},
        "random": study,
    }
    config = RunConfig.from_doc(doc, layout.run_config())
    for name in ("nullA", "nullB", "random"):
        folder = layout.target_dir("x", name)
        folder.mkdir(parents=True)
        for s in (0, 1):
            fake_sed(folder / f"sed_p_{s:06d}.fits", rng)
        col = collect_realizations(
            lambda s, f=folder: f / f"sed_p_{s:06d}.fits", lambda s, f=folder: f / "none.yaml", 0, 1, False
        )
        write_summary(layout.summary_file(name, "x", "p", 0, 1), col, 0, 1)
    assert sorted(control_summaries(layout, config, "x", "p")) == ["nullA", "nullB", "random"]
    del doc["sims"]["nullB"]
    config = RunConfig.from_doc(doc, layout.run_config())
    assert sorted(control_summaries(layout, config, "x", "p")) == ["null", "random"]
