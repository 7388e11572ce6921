"""Atomic writes and the shipped dwarf catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyfermijobs.atomic import atomic_path, atomic_write
from pyfermijobs.config.rosters import load_catalog

REQUIRED_DWARFS = (
    "draco",
    "ursa_minor",
    "sculptor",
    "fornax",
    "carina",
    "sextans",
    "leo_i",
    "leo_ii",
    "bootes_i",
    "segue_1",
    "coma_berenices",
    "reticulum_ii",
    "ursa_major_ii",
    "willman_1",
)


def test_atomic_write_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]
    with atomic_write(target) as handle:
        handle.write("new")
    assert target.read_text() == "new"


def test_atomic_path_renames_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "sed.fits"
    with pytest.raises(ValueError), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise ValueError
    assert list(tmp_path.iterdir()) == []
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".fits"
        tmp.write_bytes(b"done")
    assert target.read_bytes() == b"done"


def test_catalog_has_the_dwarfs_with_known_positions() -> None:
    catalog = load_catalog(None)
    assert set(REQUIRED_DWARFS) <= set(catalog)
    # Two positions an analyst knows by heart (McConnachie 2012).
    assert catalog["draco"]["ra"] == pytest.approx(260.0517, abs=1e-3)
    assert catalog["draco"]["dec"] == pytest.approx(57.9153, abs=1e-3)
    assert catalog["sculptor"]["ra"] == pytest.approx(15.0392, abs=1e-3)
    assert catalog["sculptor"]["dec"] == pytest.approx(-33.7092, abs=1e-3)


def test_targets_file_overrides_catalog(tmp_path: Path) -> None:
    extra = tmp_path / "targets.yaml"
    extra.write_text("draco: {ra: 1.0, dec: 2.0}\nmy_dwarf: {ra: 3.0, dec: 4.0}\n")
    catalog = load_catalog(extra)
    assert catalog["draco"]["ra"] == 1.0 and catalog["my_dwarf"]["dec"] == 4.0
