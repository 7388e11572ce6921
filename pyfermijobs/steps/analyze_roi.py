"""AnalyzeROI: the baseline fit of each target's ROI, written as ``fit_baseline.{fits,yaml}``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.config.analysis import load_template, target_direction
from pyfermijobs.datasets.roi import ROIDataset
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import (
    fermitools_for,
    for_each,
    layout_of,
    run_config,
    target_config_path,
    target_profiles,
)


def roi_diagnostics(layout: Layout, target: str, roi: ROIDataset, prefix: str, pdf: bool = False) -> None:
    """AnalyzeROI's standard plots, and the residual and TS maps as FITS beside them."""
    from pyfermijobs.estimators.residmap import residual_significance
    from pyfermijobs.estimators.tsmap import ts_map
    from pyfermijobs.io.maps import write_map
    from pyfermijobs.plotting.roi import plot_map, plot_residuals, plot_spectrum

    model = roi.model()
    significance = residual_significance(roi.counts, model)
    tsm = ts_map(roi, model)
    write_map(layout.roi_map(target, "residmap", prefix), significance, roi.geom, "SIGMA", "sigma", roi.synthetic)
    write_map(
        layout.roi_map(target, "tsmap", prefix),
        tsm.ts,
        roi.geom,
        "TS",
        "",
        roi.synthetic,
        {"SQRT_TS": np.sqrt(tsm.ts), "NORM": tsm.amplitude},
    )
    label = f"{target} ({prefix})"
    plot_map(
        roi,
        roi.counts.sum(axis=0),
        layout.roi_plot(target, "counts", prefix),
        f"{label}: counts",
        "counts per pixel",
        pdf=pdf,
    )
    plot_map(
        roi,
        model.sum(axis=0),
        layout.roi_plot(target, "model", prefix),
        f"{label}: model",
        "model counts per pixel",
        pdf=pdf,
    )
    plot_residuals(roi, significance, layout.roi_plot(target, "residmap", prefix), f"{label}: residuals", pdf)
    plot_map(
        roi,
        np.sqrt(tsm.ts),
        layout.roi_plot(target, "tsmap", prefix),
        f"{label}: TS map, point source, index 2",
        r"$\sqrt{\rm TS}$",
        cmap="viridis",
        pdf=pdf,
    )
    plot_spectrum(roi, layout.roi_plot(target, "spectrum", prefix), f"{label}: counts spectrum", pdf)


def analyze_roi(
    layout: Layout,
    target: str,
    config_path: Path,
    prefix: str = "fit_baseline",
    do_find_src: bool = False,
    make_plots: bool = False,
    pdf: bool = False,
) -> ROIDataset:
    """Build the target's (synthetic) data, fit the baseline model, write the ROI."""
    from pyfermijobs.datasets.synthetic import build_synthetic_roi
    from pyfermijobs.estimators.tsmap import find_sources
    from pyfermijobs.fitting.roi_fit import builtin_settings, choose_free, fit_components, free_names, source_ts

    config = load_template(config_path)
    settings = builtin_settings(config, str(config_path))
    ra, dec = target_direction(config, config_path)
    start = time.monotonic()
    roi = build_synthetic_roi(config, target, ra, dec, str(config_path))
    choose_free(roi, settings)
    fit = fit_components(roi, free_names(roi))
    fit.apply()
    found: list[str] = []
    if do_find_src:
        found = find_sources(roi, settings["find_src_sqrt_ts"])
        if found:
            fit = fit_components(roi, free_names(roi))
            fit.apply()
    for name, ts in source_ts(roi).items():
        roi.component(name).info["ts"] = round(ts, 3)
    summary = {
        "fit": {
            "loglike": fit.result.loglike,
            "converged": fit.result.converged,
            "niter": fit.result.niter,
            "free_parameters": {
                n: [float(v), float(e)]
                for n, v, e in zip(fit.result.names, fit.result.values, fit.result.errors, strict=True)
            },
            "counts": int(roi.counts.sum()),
            "npred": float(roi.model().sum()),
            "found_sources": found,
            "seconds": round(time.monotonic() - start, 3),
        }
    }
    roi.write(layout.roi_file(target, prefix), layout.roi_yaml(target, prefix), summary)
    if make_plots:
        roi_diagnostics(layout, target, roi, prefix, pdf)
    return roi


def run(args: dict[str, Any]) -> None:
    layout = layout_of(args)
    config = run_config(layout)
    tools = fermitools_for(config, None)
    targets = target_profiles(args, layout)
    paths = {t: target_config_path(layout, t, None, args) for t in targets}
    for _target, path in paths.items():  # check every input before any work
        template = load_template(path)
        target_direction(template, path)
        if tools is not None:
            from pyfermijobs.backends.fermipy.inputs import check_template

            check_template(template, path, check_files=True)
    prefix = args.get("roi_baseline") or "fit_baseline"
    do_find_src, make_plots, pdf = bool(args.get("do_find_src")), bool(args.get("make_plots")), bool(args.get("pdf"))
    if tools is None:
        for_each(
            targets,
            len(targets),
            "analyze-roi",
            lambda t: analyze_roi(layout, t, paths[t], prefix, do_find_src, make_plots, pdf),
        )
        return
    from pyfermijobs.backends.fermipy.analysis import analyze_roi as fermipy_analyze_roi

    def with_fermipy(target: str) -> None:
        # the diagnostics come from the baseline as exported to the engine
        roi = fermipy_analyze_roi(tools, layout, target, paths[target], prefix, do_find_src, make_plots)
        if make_plots:
            roi_diagnostics(layout, target, roi, prefix, pdf)

    for_each(targets, len(targets), "analyze-roi (fermipy)", with_fermipy)
