"""The dark-matter stage on the LAT collaboration's released dwarf likelihoods (Albert et al. 2017).

The release (``../shared/lat-data/dsph-likelihoods-2017``) gives each target's bin-by-bin likelihood
and the collaboration's own 95% limits on <sigma v> (b bbar), per target and combined over the 41
targets of ``albert2017_dsphs``. The profile ``assets/lat_dsph2017/master.yaml`` reads those
likelihoods as SEDs made elsewhere, takes J from dmsky, spectra from fermipy's DMFitFunction, and
must give the collaboration's numbers. Tolerances are the issue's: per target, median |ratio - 1|
<= 2%, 95% of (target, mass) within 5%, all within 15%; combined within 3% at every mass.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, read_yaml, require_lat_data, write_yaml

from pyfermijobs.io.release_limits import read_release_limits
from pyfermijobs.layout import Layout

MASTER = REPO / "assets" / "lat_dsph2017" / "master.yaml"
ROSTER = "albert2017_dsphs_point"
OTHERS = "released_others_point"


@pytest.fixture(scope="session")
def release() -> Path:
    return require_lat_data("dsph-likelihoods-2017")


@pytest.fixture(scope="session")
def profile_run(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """The whole profile through ``pfj chain`` (45 targets x 12 channels x 21 masses x 2 priors), once."""
    from pyfermijobs.cli import main

    out = tmp_path_factory.mktemp("dsph2017") / "out"
    old = os.environ.get("PFJ_LAT_DATA")
    os.environ["PFJ_LAT_DATA"] = str(release.parent)
    try:
        assert main(["chain", "--master", str(MASTER), "--outdir", str(out)]) == 0
    finally:
        if old is None:
            os.environ.pop("PFJ_LAT_DATA", None)
        else:
            os.environ["PFJ_LAT_DATA"] = old
    return Layout(out, "dsph2017")


def ratios(ours: dict[str, np.ndarray], theirs: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
    return np.array([ours[n] / theirs[n] for n in names])


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
def test_per_target_limits_reproduce_the_release(profile_run: Layout, release: Path) -> None:
    """b bbar, lgauss_like (the LAT's prior), each target profiled over its own J, 45 targets x 21 masses."""
    masses, theirs = read_release_limits(release / "limits_bb.txt")
    ours_m, ours = read_release_limits(profile_run.release_limits_file(ROSTER, "lgauss_like", "bb"))
    _, others = read_release_limits(profile_run.release_limits_file(OTHERS, "lgauss_like", "bb"))
    ours.update(others)
    assert np.allclose(ours_m, masses, rtol=1e-4)
    targets = [n for n in theirs if not n.startswith("composite")]
    assert len(targets) == 45 and set(targets) <= set(ours)
    r = ratios(ours, theirs, targets)
    dev = np.abs(r - 1.0)
    worst = targets[int(np.argmax(dev.max(axis=1)))]
    summary = f"median {np.median(dev):.4f}, 95th pct {np.quantile(dev, 0.95):.4f}, worst {dev.max():.4f} ({worst})"
    assert np.median(dev) <= 0.02, summary
    assert np.quantile(dev, 0.95) <= 0.05, summary
    assert dev.max() <= 0.15, summary


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
def test_combined_limit_reproduces_the_release(profile_run: Layout, release: Path) -> None:
    masses, theirs = read_release_limits(release / "limits_bb.txt")
    _, ours = read_release_limits(profile_run.release_limits_file(ROSTER, "lgauss_like", "bb"))
    r = ours[f"composite_{ROSTER}"] / theirs["composite_desy2_standard"]
    assert np.all(np.abs(r - 1.0) <= 0.03), dict(zip(masses.tolist(), r.round(4).tolist(), strict=True))


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
def test_release_layout_and_report(profile_run: Layout, release: Path) -> None:
    """limits_<channel>.txt per roster x prior in the release's own layout, every channel; the report
    says these are real data and shows the comparison; the plot overlays the published curve."""
    for prior in ("lgauss_like", "lgauss"):
        for channel in ("bb", "tautau", "ww", "ee"):
            path = profile_run.release_limits_file(ROSTER, prior, channel)
            text = path.read_text().splitlines()
            assert text[0] == f"# limits_{channel}.txt" and text[2] == "# Column 00 mass"
            assert text[44] == f"# Column 42 composite_{ROSTER}"
            masses, columns = read_release_limits(path)
            assert len(masses) == 21 and len(columns) == 42
    # dmsky's lgauss (a density in J, with its 1/J) gives higher limits than the likelihood in log10 J
    _, like = read_release_limits(profile_run.release_limits_file(ROSTER, "lgauss_like", "bb"))
    _, dens = read_release_limits(profile_run.release_limits_file(ROSTER, "lgauss", "bb"))
    assert np.all(dens["draco"] > like["draco"])
    report = profile_run.report().read_text()
    assert "SYNTHETIC" not in report
    assert "composite_desy2_standard" in report and "per target" in report
    assert profile_run.stacked_plot(ROSTER, "lgauss_like", "finallimits", "bb").exists()
    # no ROI was analysed
    assert not profile_run.roi_yaml("draco").exists() and not profile_run.target_config("draco").exists()
    assert read_yaml(profile_run.astro_value_file("draco", "geringer-sameth2015_nfw"))["j_integ"] == 6.92e18


def release_text(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda lines: lines[:30] + lines[31:], "line"),  # a scan point of bin 2 missing
        (lambda lines: lines[:27] + lines[52:], "bin"),  # bin 2 missing
        (lambda lines: [*lines[:10], lines[11], lines[10], *lines[12:]], "line 12"),  # fluxes not increasing
        (lambda lines: [*lines[:5], lines[5].rsplit(None, 1)[0] + " nan\n", *lines[6:]], "line 6"),  # NaN
    ],
)
def test_bad_scan_files_exit_2_naming_file_and_row(release: Path, tmp_path: Path, pfj, edit, expected: str) -> None:
    bad = tmp_path / "like_draco.txt"
    bad.write_text("".join(edit(release_text(release / "like_draco.txt"))))
    master = tmp_path / "master.yaml"
    write_yaml(
        master,
        {
            "ttype": "dsph2017",
            "rosters": ["one"],
            "roster_files": ["roster.yaml"],
            "sed_files": str(tmp_path / "like_{target}.txt"),
            "astro_priors": ["lgauss_like"],
            "specconfig": str(MASTER.parent / "config" / "dm_spectra_dsph2017.yaml"),
        },
    )
    write_yaml(tmp_path / "roster.yaml", {"one": ["draco:geringer-sameth2015_nfw"]})
    code, _, err = pfj("chain", "--master", str(master), "--outdir", str(tmp_path / "out"))
    assert code == 2, err
    assert str(bad) in err and expected in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written


def test_sed_bins_unlike_every_spectra_table_exit_2(release: Path, tmp_path: Path, pfj) -> None:
    """An SED replaced after SpecTable ran (other bins) is refused by ConvertCastro, naming the SED and row."""
    import shutil

    master = tmp_path / "master.yaml"
    write_yaml(tmp_path / "roster.yaml", {"one": ["draco:geringer-sameth2015_nfw"]})
    write_yaml(
        master,
        {
            "ttype": "dsph2017",
            "rosters": ["one"],
            "roster_files": ["roster.yaml"],
            "sed_files": str(release / "like_{target}.txt"),
            "astro_priors": ["lgauss_like"],
            "specconfig": str(MASTER.parent / "config" / "dm_spectra_dsph2017.yaml"),
        },
    )
    out = tmp_path / "out"
    assert pfj("prepare-targets", "--master", str(master), "--outdir", str(out))[0] == 0
    assert pfj("spec-table", "--ttype", "dsph2017", "--outdir", str(out))[0] == 0
    layout = Layout(out, "dsph2017")
    sed = layout.sed_file("draco", "geringer-sameth2015_nfw_point")
    shutil.copy(require_lat_data("fermipy-extra") / "castro.fits", tmp_path / "castro.fits")
    from pyfermijobs.io.castro_files import read_castro
    from pyfermijobs.io.sed_fits import write_sed

    other, header = read_castro(tmp_path / "castro.fits", "draco")
    write_sed(sed, other, None, None, header)
    code, _, err = pfj("convert-castro", "--ttype", "dsph2017", "--outdir", str(out), "--targetlist",
                       str(layout.target_list()))  # fmt: skip
    assert code == 2 and str(sed) in err and "row 0" in err, err
    assert not layout.dmlike_file("draco", "geringer-sameth2015_nfw_point", "lgauss_like").exists()


def test_a_roster_mixing_analysed_and_released_targets_stacks_them_all(release: Path, tmp_path: Path, pfj) -> None:
    """Adding a dwarf the pipeline analyses (Draco, SYNTHETIC sky) to released likelihoods (Segue 1 and
    Ursa Minor from the LAT's files): the data's stack holds all three, each target's own energy bins
    with its own spectra table; the null study stacks the realizations it has (Draco's)."""
    from pyfermijobs.io.dm_fits import read_limits, read_limits_summary

    root = tmp_path / "mixed"
    write_yaml(
        root / "config" / "config_mixed.yaml",
        {
            "selection": {"emin": 1000, "emax": 100000},
            "binning": {"binsperdec": 2, "binsz": 0.25, "roiwidth": 4.0, "coordsys": "GAL"},
            "model": {"src_roiwidth": 6.0},
        },
    )
    write_yaml(root / "config" / "sim_null.yaml", {"injected_source": None})
    write_yaml(root / "config" / "dm_spectra_mixed.yaml", {"channels": ["bb"], "masses": [10.0, 100.0, 1000.0]})
    write_yaml(
        root / "rosters.yaml",
        {
            "stack": {
                "draco": {"ra": 260.05167, "dec": 57.91528, "j_integ": 6.92e18, "j_sigma": 0.13},
                "segue_1": {"ra": 151.7667, "dec": 16.0819, "j_integ": 1.55e19, "j_sigma": 0.3,
                            "sed_file": str(release / "like_segue_1.txt")},
                "ursa_minor": {"ra": 227.2854, "dec": 67.2225, "j_integ": 7.59e18, "j_sigma": 0.2,
                               "sed_file": str(release / "like_all_targets.fits")},
            }
        },
    )  # fmt: skip
    write_yaml(
        root / "master.yaml",
        {
            "ttype": "mixed",
            "rosters": ["stack"],
            "astro_priors": ["lgauss_like"],
            "sim_defaults": {"seed": 0, "nsims": 2, "nsims_job": 0},
            "sims": {"null": {}},
            "data_plotting": {"plot-stacked-limits": {}},
            "sim_plotting": {"plot-control-limits": {}},
        },
    )
    out = tmp_path / "out"
    code, _, err = pfj("chain", "--master", str(root / "master.yaml"), "--outdir", str(out))
    assert code == 0, err
    layout = Layout(out, "mixed")
    assert layout.roi_yaml("draco").exists() and not layout.roi_yaml("segue_1").exists()
    _, header = read_limits(layout.stacked_limits_file("stack_point", "lgauss_like"))
    assert header["NTARGETS"] == 3
    _, columns = read_release_limits(layout.release_limits_file("stack_point", "lgauss_like", "bb"))
    assert list(columns) == ["draco", "segue_1", "ursa_minor", "composite_stack_point"]
    # the stack is at least as constraining as its strongest member
    assert np.all(columns["composite_stack_point"] <= 1.05 * np.min([columns[t] for t in list(columns)[:3]], axis=0))
    assert len(list(out.glob("dm_spectra_mixed*.fits"))) == 2  # the template's bins and the release's
    assert read_yaml(layout.roster_list("null")) == {"stack_point": ["draco:default_point"]}
    _, _, head = read_limits_summary(layout.stacked_summary_file("null", "stack_point", "lgauss_like", 0, 1))
    assert head["ROSTER"] == "stack_point"
    assert "SYNTHETIC" in layout.report().read_text()  # Draco's sky is synthetic: the mixed run says so


def one_released_target(tmp_path: Path, release: Path, **extra: object) -> Path:
    """A master of one released likelihood (Draco, dmsky's J) and the profile's spectra."""
    write_yaml(tmp_path / "roster.yaml", {"one": ["draco:geringer-sameth2015_nfw"]})
    return write_yaml(
        tmp_path / "master.yaml",
        {
            "ttype": "dsph2017",
            "rosters": ["one"],
            "roster_files": ["roster.yaml"],
            "sed_files": str(release / "like_{target}.txt"),
            "astro_priors": ["lgauss_like", "lgauss"],
            "specconfig": str(MASTER.parent / "config" / "dm_spectra_dsph2017.yaml"),
            **extra,
        },
    )


def test_dmpipe_prior_keys_and_flags(release: Path, tmp_path: Path, pfj) -> None:
    """dmpipe's names beside ours: a plot's astro_priors (= jpriors), --astro_prior/--astro_priors (= --jpriors)."""
    master = one_released_target(tmp_path, release, data_plotting={"plot-stacked-limits": {"astro_priors": ["lgauss"]}})
    out = tmp_path / "out"
    assert pfj("chain", "--master", str(master), "--outdir", str(out))[0] == 0
    layout = Layout(out, "dsph2017")
    assert layout.stacked_plot("one_point", "lgauss", "stackedlimits", "bb").exists()
    assert not layout.stacked_plot("one_point", "lgauss_like", "stackedlimits", "bb").exists()
    where = ("--ttype", "dsph2017", "--outdir", str(out))
    limits_file = layout.stacked_limits_file("one_point", "lgauss_like")
    limits_file.unlink()
    assert pfj("stack-likelihood", *where, "--astro_prior", "lgauss_like")[0] == 0
    assert limits_file.exists()
    code, _, err = pfj("stack-likelihood", *where, "--astro_priors", "norm")
    assert code == 2 and "prior 'norm' was not prepared" in err


def test_a_misspelt_dmsky_roster_exits_2_with_the_closest_name(release: Path, tmp_path: Path, pfj) -> None:
    master = one_released_target(tmp_path, release)
    text = master.read_text().replace("- one\n", "- albert2017_dsph\n")
    master.write_text(text)
    code, _, err = pfj("validate", "--master", str(master), "--outdir", str(tmp_path / "out"))
    assert code == 2 and "not found" in err and "did you mean 'albert2017_dsphs'" in err, err
