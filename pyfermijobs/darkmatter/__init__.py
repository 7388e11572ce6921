"""The dark-matter stage's science (dmpipe's): castro likelihoods read as fermipy reads them, DM
spectra tables (DMFitFunction), (mass, <sigma v>) likelihoods with J-factor priors as dmsky defines
them, stacking and limits. The steps that run it are in :mod:`pyfermijobs.steps`."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "castro": ("CastroLikelihood", "bin_upper_limits"),
        "likelihood": ("DMLikelihood", "combine", "convert_priors", "convert_table", "sigmav_grid"),
        "limits": ("DMLimits",),
        "priors": ("finite_at_zero", "log_prior", "prior_mode"),
        "spectra": ("SpecTable", "bin_integrals", "channel_name", "dm_function", "is_decay", "same_bins", "spec_table"),
    },
)
