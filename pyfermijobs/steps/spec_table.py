"""SpecTable: DM spectra per energy bin of the analysis, for every channel x mass (dmpipe's SpecTable)."""

from __future__ import annotations

from typing import Any

from pyfermijobs.steps.common import layout_of, read_run_config, target_config_path
from pyfermijobs.steps.dm_common import stage


def run(args: dict[str, Any]) -> None:
    from pyfermijobs.config.analysis import load_template, target_direction
    from pyfermijobs.darkmatter.spectra import spec_table
    from pyfermijobs.datasets.geom import ROIGeom
    from pyfermijobs.io.dm_fits import write_spec_table

    layout = layout_of(args)
    config = read_run_config(layout)
    dm = stage(config)
    target = args.get("target") or next(iter(config.targets))
    path = target_config_path(layout, target, None, args, config)
    template = load_template(path)
    geom = ROIGeom.from_config(template, *target_direction(template, path), str(path))
    table = spec_table(list(dm.spec.channels), list(dm.spec.masses), geom.emin, geom.emax)
    write_spec_table(layout.spec_table_file(), table, {"TTYPE": config.ttype})
