"""fermipy's energy-binning keys (issue 29 item 3): ``binning.enumbins`` and a float ``binsperdec``,
derived as fermipy derives them; ``pfj validate`` says which set the bins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import require_lat_data, write_yaml

from pyfermijobs.datasets.geom import ROIGeom
from pyfermijobs.errors import InputError

DRACO = (260.05167, 57.91528)


def geom(**binning: object) -> ROIGeom:
    config = {"selection": {"emin": 10000, "emax": 2000000}, "binning": {"binsz": 0.5, "roiwidth": 4.0, **binning}}
    return ROIGeom.from_config(config, *DRACO, "template.yaml")


def test_enumbins_sets_the_number_of_bins() -> None:
    """5 bins over 10 GeV - 2 TeV: as enumbins, and as the binsperdec a user had to write before (2.17294)."""
    by_count = geom(enumbins=5)
    assert by_count.nebins == 5
    assert np.allclose(by_count.energy_edges, np.geomspace(1e4, 2e6, 6))
    assert np.allclose(geom(binsperdec=2.17294).energy_edges, by_count.energy_edges)
    assert geom(enumbins=5, binsperdec=8).nebins == 5  # fermipy: enumbins wins
    assert geom(binsperdec=2.5).nebins == round(2.5 * np.log10(200))  # a float binsperdec, rounded as fermipy


@pytest.mark.parametrize("bad", [0, -3, 2.5, "five", True])
def test_bad_enumbins_is_refused_naming_the_key(bad: object) -> None:
    with pytest.raises(InputError, match=r"template.yaml: binning.enumbins: must be a positive integer"):
        geom(enumbins=bad)


def test_validate_says_which_key_set_the_bins(tmp_path: Path, pfj) -> None:
    root = tmp_path / "analysis"
    write_yaml(root / "config" / "config_t.yaml", {"selection": {"emin": 1000, "emax": 100000},
               "binning": {"binsz": 0.5, "roiwidth": 4.0, "enumbins": 6}})  # fmt: skip
    write_yaml(root / "roster.yaml", {"r": {"draco": {"ra": DRACO[0], "dec": DRACO[1]}}})
    write_yaml(root / "master.yaml", {"ttype": "t", "rosters": ["r"]})
    code, out, err = pfj("validate", "--master", str(root / "master.yaml"))
    assert code == 0, err
    assert "6 energy bins over 1000-100000 MeV from binning.enumbins (3 per decade)" in out


def test_a_counts_cube_described_by_enumbins(monkeypatch, tmp_path: Path) -> None:
    """The 3FHL counts cube's 11 bins (10-500 GeV) as enumbins: 11, with no binsperdec to compute."""
    from pyfermijobs.preflight import check_target_data

    lat = require_lat_data("3fhl-gc")
    monkeypatch.setenv("PFJ_LAT_DATA", str(lat.parent))
    config = {
        "selection": {"emin": 10000, "emax": 500000},
        "binning": {"binsz": 0.05, "roiwidth": 3.0, "enumbins": 11, "coordsys": "GAL", "proj": "CAR"},
        "model": {"isodiff": str(lat / "iso_P8R2_SOURCE_V6_v06.txt")},
        "builtin": {
            "data": {
                "counts": str(lat / "fermi-3fhl-gc-counts-cube.fits.gz"),
                "exposure": str(lat / "fermi-3fhl-gc-exposure-cube.fits.gz"),
                "psf": str(lat / "fermi-3fhl-gc-psf-cube.fits.gz"),
            }
        },
    }
    check_target_data(config, 266.4168, -29.0078, tmp_path / "template.yaml")  # no error
    config["binning"]["enumbins"] = 10
    with pytest.raises(InputError, match=r"need binning\.enumbins: 11"):
        check_target_data(config, 266.4168, -29.0078, tmp_path / "template.yaml")


def test_geometry_keys_are_checked_by_their_fields_in_either_case() -> None:
    """ROIGeom reads the template through GEOMETRY_FIELDS (one set of checks, one list of frames)."""
    from pyfermijobs.config.template import GEOMETRY_FIELDS
    from pyfermijobs.datasets.geom import FRAMES

    assert set(FRAMES) == set(GEOMETRY_FIELDS["binning.coordsys"].choices)
    gal = ROIGeom.from_config({"binning": {"coordsys": "gal", "proj": "car", "roiwidth": 2.0}}, *DRACO, "t.yaml")
    assert (gal.coordsys, gal.proj, gal.npix) == ("GAL", "CAR", 20)
    for key, value, message in (
        ("roiwidth", float("inf"), "must be a finite number"),
        ("binsz", -0.1, "must be > 0"),
        ("proj", "HPX", "must be one of AIT"),
        ("binsperdec", "eight", "must be a finite number, got a string"),
    ):
        with pytest.raises(InputError) as err:
            ROIGeom.from_config({"binning": {key: value}}, *DRACO, "t.yaml")
        assert f"t.yaml: binning.{key}: {message}" in str(err.value), str(err.value)
