"""Configurations for the fermipy backend's tests (Fermitools is replaced by tests/doubles).

A helper module, so that the container tests and the fermipy-backend tests share it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, read_yaml, write_yaml


def with_lat_data(template: Path) -> Path:
    """Point an analysis template at (empty stand-in) LAT photon and spacecraft files."""
    config = read_yaml(template)
    data = template.parent / "lat-data"
    data.mkdir(exist_ok=True)
    for name in ("ft1.fits", "ft2.fits"):
        (data / name).touch()
    config["data"] = {"evfile": str(data / "ft1.fits"), "scfile": str(data / "ft2.fits")}
    write_yaml(template, config)
    return template


def fermipy_master(tmp_path: Path, profile: str = "test", **keys: str) -> Path:
    """The pipeline profile's configuration (``assets/<profile>``) copied, with extra master keys and
    the template pointed at stand-in LAT files."""
    config = tmp_path / "config"
    shutil.copytree(REPO / "assets" / profile, config)
    master = config / "master.yaml"
    master.write_text(master.read_text() + "".join(f"{k}: {v}\n" for k, v in keys.items()))
    template = next((config / "config").glob("config_*.yaml"))
    with_lat_data(template)
    return master
