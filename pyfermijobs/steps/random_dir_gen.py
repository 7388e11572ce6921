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

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps.common import (
    for_each,
    layout_of,
    output_area,
    read_run_config,
    target_config_path,
    target_profiles,
)
from pyfermijobs.steps.typed_options import RandomDirGenOptions
from pyfermijobs.yamlio import write_yaml

SIGNIFICANT_TS = 25.0


def grid_directions(
    layout: Layout, target: str, cfg: dict[str, Any], prefix: str, config_path: Path, rand_file: Path
) -> list[tuple[float, float]]:
    """Usable grid directions (ra, dec) of one target, in their reproducible random order.

    The grid is centred on the analysis configuration's ``selection.ra/dec`` (as fermipy builds
    it from the configuration's geometry) and must lie inside the ROI.
    """
    from pyfermijobs.config.analysis import load_template, target_direction
    from pyfermijobs.datasets.geom import separation_deg, to_frame, to_icrs, unit_vectors
    from pyfermijobs.datasets.roi import POSITIONED, ROIDataset
    from pyfermijobs.rng import generator

    roi, _ = ROIDataset.read(layout.roi_file(target, prefix, RANDOM_SIM), layout.roi_yaml(target, prefix, RANDOM_SIM))
    geom = roi.geom
    ra0, dec0 = target_direction(load_template(config_path), config_path)
    clon, clat = to_frame(ra0, dec0, geom.coordsys)
    if not geom.contains(clon, clat):
        raise InputError(config_path, "selection.ra/dec", f"({ra0}, {dec0}) is outside the ROI of target {target}")
    cx, cy = geom.sky_to_pix(np.atleast_1d(clon), np.atleast_1d(clat))
    nx = int(np.floor(cfg["max_x"] / cfg["step_x"] + 1e-9))
    ny = int(np.floor(cfg["max_y"] / cfg["step_y"] + 1e-9))
    dx, dy = np.meshgrid(np.arange(-nx, nx + 1) * cfg["step_x"], np.arange(-ny, ny + 1) * cfg["step_y"])
    lon, lat = geom.pix_to_sky(cx[0] - dx.ravel() / geom.binsz, cy[0] + dy.ravel() / geom.binsz)
    outside = [i for i in range(lon.size) if not geom.contains(lon[i], lat[i])]
    if outside:
        half = geom.npix * geom.binsz / 2
        raise InputError(
            rand_file,
            "max_x/max_y",
            f"the grid (offsets up to {cfg['max_x']} x {cfg['max_y']} deg) reaches outside the ROI of target "
            f"{target} ({half:.2f} deg from its centre to the edge): lower max_x/max_y or widen binning.roiwidth",
        )
    vectors = unit_vectors(lon, lat)
    keep = separation_deg(vectors, unit_vectors(clon, clat)) >= cfg["min_sep_target"]
    for comp in roi.components:
        if comp.kind in POSITIONED and float(comp.info.get("ts", 0.0)) > SIGNIFICANT_TS:
            clon, clat = to_frame(comp.ra, comp.dec, geom.coordsys)
            keep &= separation_deg(vectors, unit_vectors(clon, clat)) >= cfg["min_sep_source"]
    ra, dec = to_icrs(lon[keep], lat[keep], geom.coordsys)
    order = generator("random-directions", target, cfg["order_seed"]).permutation(int(keep.sum()))
    return [(float(ra[i]), float(dec[i])) for i in order]


def random_dir_gen_checked(
    layout: Layout, target: str, cfg: dict[str, Any], prefix: str, config_path: Path, rand_file: Path
) -> dict[int, dict[str, float]]:
    directions = grid_directions(layout, target, cfg, prefix, config_path, rand_file)
    last = cfg["seed"] + cfg["nsims"]
    if last > len(directions):
        raise InputError(
            rand_file,
            "nsims",
            f"target {target}: only {len(directions)} grid directions are clear of the target and of "
            f"significant sources, but seed + nsims = {last}",
        )
    return {
        key: {"ra": round(directions[key][0], 6), "dec": round(directions[key][1], 6)}
        for key in range(cfg["seed"], last)
    }


def run(args: RandomDirGenOptions) -> None:
    """Draw each target's random directions on the configured grid (away from the target and
    catalog sources) and write their profile files, as fermipy.jobs' RandomDirGen."""
    from pyfermijobs.config.scenarios import load_rand_config

    layout = layout_of(args)
    run_config = read_run_config(layout)
    if args.sim not in (None, RANDOM_SIM):
        raise InputError(
            "command line", "--sim", f"random-dir-gen works in the random-direction area: --sim {RANDOM_SIM}"
        )
    run_config.study(RANDOM_SIM)
    targets = target_profiles(args, layout, RANDOM_SIM)
    rand_file = Path(args.rand_config) if args.rand_config else layout.rand_config_copy()
    cfg = load_rand_config(rand_file)
    for key in ("seed", "nsims"):
        if args.get(key) is not None:
            cfg[key] = args[key]
    prefix = run_config.baseline_prefix(args.roi_baseline)
    paths = {t: target_config_path(layout, t, RANDOM_SIM, args, run_config) for t in targets}
    for target in targets:
        if not layout.roi_file(target, prefix, RANDOM_SIM).exists():  # the configuration: target_config_path
            raise InputError(
                layout.roi_file(target, prefix, RANDOM_SIM), None, "not found: run copy-base-roi --sim random first"
            )
    # every target's grid is checked before any file is written
    found = {t: random_dir_gen_checked(layout, t, cfg, prefix, paths[t], rand_file) for t in targets}
    for_each(targets, len(targets), "random-dir-gen", lambda t: write_yaml(layout.skydirs_file(t), found[t]))


def outputs(args: RandomDirGenOptions) -> list[Path]:
    """What :func:`run` writes for these options: each target's directions file."""
    layout, _, sim = output_area(args)
    return [layout.skydirs_file(t) for t in target_profiles(args, layout, sim)]
