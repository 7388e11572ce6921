"""Plots the field draws: castro, bands, calibration, ROI maps and spectra (matplotlib)."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "bands": ("plot_bands",),
        "calibration": ("plot_null_ts", "plot_recovery"),
        "castro": ("castro_grid", "plot_castro", "plot_target_castro"),
        "diagnostics": ("roi_diagnostics",),
        "roi": ("plot_map", "plot_residuals", "plot_spectrum"),
    },
)
