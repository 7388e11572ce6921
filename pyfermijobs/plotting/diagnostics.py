"""AnalyzeROI's standard diagnostics of a baseline fit: maps as FITS and plots.

The same for both engines: the fermipy engine's baseline is drawn as exported to the builtin
engine's ROI. The kinds of plot are :data:`pyfermijobs.layout.ROI_PLOTS`.
"""

from __future__ import annotations

import numpy as np

from pyfermijobs.datasets.roi import ROIDataset
from pyfermijobs.layout import Layout


def roi_diagnostics(layout: Layout, target: str, roi: ROIDataset, prefix: str, pdf: bool = False) -> None:
    """Counts, model, residual significance, TS map and counts spectrum; residual and TS maps as FITS."""
    from pyfermijobs.estimators.residmap import residual_significance
    from pyfermijobs.estimators.tsmap import ts_map
    from pyfermijobs.io.maps import write_map
    from pyfermijobs.plotting.roi import plot_map, plot_residuals, plot_spectrum

    model = roi.model()
    significance = residual_significance(roi.counts, model)
    tsm = ts_map(roi, model)
    write_map(layout.roi_map(target, "residmap", prefix), significance, roi.geom, "SIGMA", "sigma", roi.synthetic)
    extra = {"SQRT_TS": np.sqrt(tsm.ts), "NORM": tsm.amplitude}
    write_map(layout.roi_map(target, "tsmap", prefix), tsm.ts, roi.geom, "TS", "", roi.synthetic, extra)
    label = f"{target} ({prefix})"
    plot = layout.roi_plot
    plot_map(
        roi, roi.counts.sum(axis=0), plot(target, "counts", prefix), f"{label}: counts", "counts per pixel", pdf=pdf
    )
    model_title = f"{label}: model"
    plot_map(roi, model.sum(axis=0), plot(target, "model", prefix), model_title, "model counts per pixel", pdf=pdf)
    plot_residuals(roi, significance, plot(target, "residmap", prefix), f"{label}: residuals", pdf)
    ts_title = f"{label}: TS map, point source, index 2"
    plot_map(roi, np.sqrt(tsm.ts), plot(target, "tsmap", prefix), ts_title, r"$\sqrt{\rm TS}$", cmap="viridis", pdf=pdf)
    plot_spectrum(roi, plot(target, "spectrum", prefix), f"{label}: counts spectrum", pdf)
