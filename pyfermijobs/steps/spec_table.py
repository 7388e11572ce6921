"""SpecTable: DM spectra per energy bin, for every channel x mass (dmpipe's SpecTable).

One table per set of energy bins the stage meets: the analysis template's (the SEDs the pipeline
makes) and each binning of the SEDs read from files (the LAT's released likelihoods have 24 bins
over 0.5-500 GeV); ConvertCastro picks the table whose bins are the SED's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pyfermijobs.steps.common import layout_of, read_run_config, target_config_path
from pyfermijobs.steps.dm_common import stage
from pyfermijobs.steps.typed_options import SpecTableOptions


def run(args: SpecTableOptions) -> None:
    """Tabulate the DM spectra of every channel x mass over the SEDs' energy bins (one table per
    binning met: analysed targets' template, each external SED file's bins)."""
    from pyfermijobs.darkmatter.spectra import binning_key, same_bins, spec_table
    from pyfermijobs.io.dm_fits import write_spec_table
    from pyfermijobs.io.sed_fits import read_sed

    layout = layout_of(args)
    run_config = read_run_config(layout)
    dm = stage(run_config)
    binnings: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}
    analysed = list(run_config.analysed_targets)
    if analysed:
        from pyfermijobs.config.analysis import load_template, target_direction
        from pyfermijobs.datasets.geom import ROIGeom

        target = args.target or analysed[0]
        path = target_config_path(layout, target, None, args, run_config)
        template = load_template(path)
        geom = ROIGeom.from_config(template, *target_direction(template, path), str(path))
        binnings[None] = (np.asarray(geom.emin), np.asarray(geom.emax))
    for target, info in run_config.targets.items():
        if target in analysed:
            continue
        sed, _ = read_sed(layout.sed_file(target, info["profiles"][0]))
        if not any(same_bins(bins, sed) for bins in binnings.values()):
            binnings[binning_key(sed["e_min"], sed["e_max"])] = (sed["e_min"], sed["e_max"])
    if not analysed:  # the first binning read is also the table under the default name
        binnings[None] = next(iter(binnings.values()))
    for key, (emin, emax) in binnings.items():
        table = spec_table(list(dm.spec.channels), np.asarray(dm.spec.masses), emin, emax)
        write_spec_table(layout.spec_table_file(key), table, {"TTYPE": run_config.ttype})


def outputs(args: SpecTableOptions) -> list[Path]:
    """What :func:`run` writes: the spectra table."""
    return [layout_of(args).spec_table_file()]
