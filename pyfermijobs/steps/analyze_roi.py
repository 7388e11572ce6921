"""AnalyzeROI: the baseline fit of each target's ROI (``fit_baseline.{fits,yaml}``), by the data's engine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pyfermijobs.config.analysis import load_template, target_direction
from pyfermijobs.engines import FERMIPY, engine_for
from pyfermijobs.steps.common import (
    analysed_profiles,
    baseline_of,
    for_each,
    layout_of,
    output_area,
    read_run_config,
    target_config_path,
    target_profiles,
)
from pyfermijobs.steps.typed_options import AnalyzeROIOptions

if TYPE_CHECKING:
    from pyfermijobs.datasets.roi import ROIDataset
    from pyfermijobs.layout import Layout


def run(args: AnalyzeROIOptions) -> None:
    """Fit every analysed target's baseline ROI with the data's engine; its diagnostic maps and plots
    with ``make_plots``. Every target's template is checked before the first fit."""
    layout = layout_of(args)
    run_config = read_run_config(layout)
    engine = engine_for(run_config, None)
    targets = analysed_profiles(args, layout, run_config)
    paths = {t: target_config_path(layout, t, None, args, run_config) for t in targets}
    for path in paths.values():  # every input checked before any work
        template = load_template(path)
        target_direction(template, path)
        if engine.name == FERMIPY:
            from pyfermijobs.engines.fermipy.inputs import check_fermipy_template

            check_fermipy_template(template, path, check_files=True)
    prefix = args.roi_baseline

    def one_target(target: str) -> None:
        roi = engine.analyze_roi(layout, target, paths[target], prefix, args.do_find_src, args.make_plots)
        if args.make_plots:  # the fermipy engine's baseline as exported to the builtin engine
            from pyfermijobs.plotting.diagnostics import roi_diagnostics

            model, significance, ts = diagnostic_maps(layout, target, roi, prefix)
            roi_diagnostics(layout, target, roi, model, significance, ts, prefix, args.pdf)

    for_each(targets, len(targets), f"analyze-roi ({engine.name})", one_target)


def diagnostic_maps(layout: Layout, target: str, roi: ROIDataset, prefix: str) -> tuple[np.ndarray, ...]:
    """The baseline's model counts, residual significance and TS map (point source, index 2); the
    last two written as FITS maps beside the plots (fermipy's residmap and tsmap products)."""
    from pyfermijobs.estimators.residmap import residual_significance
    from pyfermijobs.estimators.tsmap import ts_map
    from pyfermijobs.io.maps import write_map

    model = roi.model()
    significance = residual_significance(roi.counts, model)
    tsm = ts_map(roi, model)
    write_map(layout.roi_map(target, "residmap", prefix), significance, roi.geom, "SIGMA", "sigma", roi.synthetic)
    extra = {"SQRT_TS": np.sqrt(tsm.ts), "NORM": tsm.amplitude}
    write_map(layout.roi_map(target, "tsmap", prefix), tsm.ts, roi.geom, "TS", "", roi.synthetic, extra)
    return model, significance, tsm.ts


def outputs(args: AnalyzeROIOptions) -> list[Path]:
    """What :func:`run` writes for these options: each target's baseline ROI (and its plots and maps)."""
    from pyfermijobs.layout import ROI_PLOTS

    layout, run_config, _ = output_area(args)
    prefix = baseline_of(run_config, args)
    out: list[Path] = []
    for t in target_profiles(args, layout):
        out += [layout.roi_file(t, prefix), layout.roi_yaml(t, prefix)]
        if args.make_plots:
            out += [layout.roi_plot(t, kind, prefix) for kind in ROI_PLOTS]
            out += [layout.roi_map(t, kind, prefix) for kind in ("residmap", "tsmap")]
    return out
