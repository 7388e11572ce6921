"""The binned Poisson likelihood, its fits of an ROI's free parameters, and refitted Poisson realizations."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "likelihood": ("FitResult", "FreeComponent", "PoissonFit"),
        "profile": ("ProfileLikelihood",),
        "realizations": ("realization",),
        "roi_fit": ("ModelFit", "choose_free", "fit_components", "free_names", "source_ts"),
    },
)
