"""What is measured on an ROI: castro SEDs, TS and residual maps, statistics across realizations."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "collect": ("Collection", "SUMMARY_COLUMNS", "global_ts_summary", "summary_columns"),
        "profile": ("Limits", "limits"),
        "residmap": ("residual_significance",),
        "sed": ("SEDProduct", "bin_profile", "compute_sed", "prepare", "reference_spectrum"),
        "truth": ("injected_doc", "truth_doc"),
        "tsmap": ("TSMap", "find_sources", "ts_map"),
    },
)
