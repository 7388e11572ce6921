"""RandomDirGen: the directions of the random-direction control study, per target.

fermipy takes the first ``nsims`` points of a regular grid of offsets, which makes the sample
depend on where the seed range starts and can include the ROI centre itself. Here the grid is
the same (``step_x/step_y`` up to ``max_x/max_y``, offsets in the ROI's projection plane), but
directions closer than ``min_sep_target`` to the target or ``min_sep_source`` to a significant
source (TS > 25 in the baseline) are dropped, and the rest are put in one reproducible random
order per target (seeded by the target name and ``order_seed``). Keys ``[seed, seed + nsims)``
take consecutive entries of that order, so any key range is an unbiased sample and the keys of
two ranges never share a direction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps.common import builtin_prefix, for_each, layout_of, run_config, target_profiles
from pyfermijobs.yamlio import write_yaml

SIGNIFICANT_TS = 25.0


def grid_directions(layout: Layout, target: str, cfg: dict[str, Any], prefix: str) -> list[tuple[float, float]]:
    """Usable grid directions (ra, dec) of one target, in their reproducible random order."""
    from pyfermijobs.datasets.geom import separation_deg, to_frame, to_icrs, unit_vectors
    from pyfermijobs.datasets.roi import ROIDataset
    from pyfermijobs.rng import generator

    roi, _ = ROIDataset.read(layout.roi_file(target, prefix, RANDOM_SIM), layout.roi_yaml(target, prefix, RANDOM_SIM))
    geom = roi.geom
    nx = int(np.floor(cfg["max_x"] / cfg["step_x"] + 1e-9))
    ny = int(np.floor(cfg["max_y"] / cfg["step_y"] + 1e-9))
    dx, dy = np.meshgrid(np.arange(-nx, nx + 1) * cfg["step_x"], np.arange(-ny, ny + 1) * cfg["step_y"])
    centre = (geom.npix - 1) / 2.0
    lon, lat = geom.pix_to_sky(centre - dx.ravel() / geom.binsz, centre + dy.ravel() / geom.binsz)
    vectors = unit_vectors(lon, lat)
    keep = separation_deg(vectors, unit_vectors(geom.lon, geom.lat)) >= cfg["min_sep_target"]
    for comp in roi.components:
        if comp.kind == "point" and float(comp.info.get("ts", 0.0)) > SIGNIFICANT_TS:
            clon, clat = to_frame(comp.ra, comp.dec, geom.coordsys)
            keep &= separation_deg(vectors, unit_vectors(clon, clat)) >= cfg["min_sep_source"]
    ra, dec = to_icrs(lon[keep], lat[keep], geom.coordsys)
    order = generator("random-directions", target, cfg["order_seed"]).permutation(int(keep.sum()))
    return [(float(ra[i]), float(dec[i])) for i in order]


def random_dir_gen(layout: Layout, target: str, cfg: dict[str, Any], prefix: str) -> dict[int, dict[str, float]]:
    directions = grid_directions(layout, target, cfg, prefix)
    last = cfg["seed"] + cfg["nsims"]
    if last > len(directions):
        raise InputError(
            layout.rand_config_copy(),
            "nsims",
            f"target {target}: only {len(directions)} grid directions are clear of the target and of "
            f"significant sources, but seed + nsims = {last}",
        )
    skydirs = {
        key: {"ra": round(directions[key][0], 6), "dec": round(directions[key][1], 6)}
        for key in range(cfg["seed"], last)
    }
    write_yaml(layout.skydirs_file(target), skydirs)
    return skydirs


def run(args: dict[str, Any]) -> None:
    from pyfermijobs.config.scenarios import load_rand_config

    layout = layout_of(args)
    config = run_config(layout)
    if not config.get("random"):
        raise InputError(layout.run_config(), "random", "the random-direction study was not prepared")
    targets = target_profiles(args, layout, RANDOM_SIM)
    cfg = load_rand_config(layout.rand_config_copy() if not args.get("rand_config") else args["rand_config"])
    for key in ("seed", "nsims"):
        if args.get(key) is not None:
            cfg[key] = args[key]
    prefix = builtin_prefix(config, args.get("roi_baseline") or "fit_baseline")
    for target in targets:
        if not layout.roi_file(target, prefix, RANDOM_SIM).exists():
            raise InputError(
                layout.roi_file(target, prefix, RANDOM_SIM),
                None,
                "baseline ROI not found: run copy-base-roi --sim random first",
            )
    for_each(targets, len(targets), "random-dir-gen", lambda t: random_dir_gen(layout, t, cfg, prefix))
