"""AnalyzeROI's standard diagnostic plots of a baseline fit (the maps are computed by the step).

The same for both engines: the fermipy engine's baseline is drawn as exported to the builtin
engine's ROI. The kinds of plot are :data:`pyfermijobs.layout.ROI_PLOTS`.
"""

from __future__ import annotations

import numpy as np

from pyfermijobs.datasets.roi import ROIDataset
from pyfermijobs.layout import Layout


def roi_diagnostics(
    layout: Layout,
    target: str,
    roi: ROIDataset,
    model: np.ndarray,
    significance: np.ndarray,
    ts: np.ndarray,
    prefix: str,
    pdf: bool = False,
) -> None:
    """Counts, model, residual significance, TS map and counts spectrum, from the maps AnalyzeROI
    computed (plots draw; they do not estimate)."""
    from pyfermijobs.plotting.roi import plot_map, plot_residuals, plot_spectrum

    label = f"{target} ({prefix})"
    plot = layout.roi_plot
    plot_map(
        roi, roi.counts.sum(axis=0), plot(target, "counts", prefix), f"{label}: counts", "counts per pixel", pdf=pdf
    )
    model_title = f"{label}: model"
    plot_map(roi, model.sum(axis=0), plot(target, "model", prefix), model_title, "model counts per pixel", pdf=pdf)
    plot_residuals(roi, significance, plot(target, "residmap", prefix), f"{label}: residuals", pdf)
    ts_title = f"{label}: TS map, point source, index 2"
    plot_map(roi, np.sqrt(ts), plot(target, "tsmap", prefix), ts_title, r"$\sqrt{\rm TS}$", cmap="viridis", pdf=pdf)
    plot_spectrum(roi, plot(target, "spectrum", prefix), f"{label}: counts spectrum", pdf)
