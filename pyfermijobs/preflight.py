"""Checks of an analysis template and its data before any work: PrepareTargets and ``pfj validate``
run them, so bad input stops a run before its first task.

They sit above ``config`` (the template's own keys) and ``datasets`` (the readers the data files
go through), so neither layer needs the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyfermijobs.config.template import (
    builtin_settings,
    check_catalog,
    data_settings,
    sed_settings,
    synthetic_settings,
    with_absolute_data_paths,
)


def check_template(template: dict[str, Any], file: str | Path) -> None:
    """Every section the builtin engine reads, checked before any work (InputError on the first problem).

    With real data (``builtin.data``) its files and models must exist; their formats and each
    target's footprint are checked by :func:`check_target_data`.
    """
    from pyfermijobs.datasets.geom import ROIGeom

    builtin_settings(template, file)
    sed_settings(template, file)
    synthetic_settings(template, file)
    ROIGeom.from_config(template, 0.0, 0.0, str(file))  # selection.emin/emax, binning.*
    if data_settings(template, file) is not None:
        template = with_absolute_data_paths(template, Path(file).parent, file)
    check_catalog(template, file)


def check_target_data(config: dict[str, Any], ra: float, dec: float, file: str | Path) -> None:
    """Real data: the files' formats, the ROI inside the exposure's and the Galactic model's footprints,
    the energy range inside the exposure's (InputError naming the file otherwise)."""
    from pyfermijobs.datasets.counts_cubes import check_counts, cube_cutout
    from pyfermijobs.datasets.diffuse_files import galactic_footprint, read_isotropic
    from pyfermijobs.datasets.events import check_events
    from pyfermijobs.datasets.geom import ROIGeom
    from pyfermijobs.datasets.lat_response import bin_psf, check_covers, exposure_at_nodes
    from pyfermijobs.datasets.roi import NODES_PER_BIN
    from pyfermijobs.quadrature import log_nodes

    data = data_settings(config, file)
    if data is None:
        return
    geom = ROIGeom.from_config(config, ra, dec, str(file))
    counts = [Path(p) for p in (data["counts"] if isinstance(data["counts"], list) else [data["counts"]])]
    if check_counts(counts) == "cube":
        geom = cube_cutout(counts[0], geom)[0]
    else:
        check_events(counts, geom)
    node_e, node_w = log_nodes(geom.emin, geom.emax, NODES_PER_BIN)
    exposure_at_nodes(Path(data["exposure"]), geom, node_e)
    bin_psf(Path(data["psf"]), node_e, node_w)
    model = config.get("model") or {}
    if model.get("galdiff"):
        galactic_footprint(Path(model["galdiff"]), geom, node_e)
    if model.get("isodiff"):
        path = Path(model["isodiff"])
        check_covers(path, "model.isodiff", "the isotropic spectrum", read_isotropic(path)[0], node_e)
