"""The analysis template's sections the builtin engine reads, with their field tables.

The template is fermipy's configuration (``config/config_{ttype}.yaml``). Besides fermipy's
``selection`` and ``binning`` (the ROI's geometry), the builtin engine reads ``builtin`` (its
fit options), fermipy's ``sed`` section and its own ``synthetic`` section. All are checked here,
by ``pfj validate`` and ``prepare-targets`` before any work, with the same exit-2 messages as
the master file, and read through the same functions when a step runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyfermijobs.config.fields import Field, at_least, check_section, positive

BUILTIN_FIELDS = {
    "free_radius": Field(
        "float", 2.0, "free the normalisation of sources this close to the target (deg)", at_least(0.0)
    ),
    "free_ts": Field(
        "float", 100.0, "free the normalisation of sources in the ROI above this catalog TS", at_least(0.0)
    ),
    "free_index_ts": Field(
        "float", 400.0, "also free the index of sources in the ROI above this catalog TS", at_least(0.0)
    ),
    "find_src_sqrt_ts": Field("float", 5.0, "--do_find_src adds residual peaks above this sqrt(TS)", at_least(0.0)),
    "correl_thresh": Field(
        "float", 0.25, "SED: free sources whose correlation with the test source exceeds this", at_least(0.0)
    ),
}

SED_FIELDS = {  # keys of fermipy's `sed` configuration section that the builtin engine uses
    "bin_index": Field("float", 2.0, "index of the power law in each bin"),
    "ul_confidence": Field("float", 0.95, "confidence level of the upper limits"),
    "npts": Field("int", 20, "points of the likelihood scan per bin", at_least(3)),
}
#: fermipy's other `sed` keys: GTAnalysis.sed reads them (backend fermipy); the builtin engine's SED
#: frees sources by correlation (builtin.correl_thresh) and fits a power law per bin.
FERMIPY_SED_KEYS = (
    "use_local_index",
    "free_background",
    "free_radius",
    "free_pars",
    "cov_scale",
    "make_plots",
    "write_fits",
    "write_npy",
    "correl_thresh",
    "loge_bins",
    "optimizer",
)

SYNTHETIC_FIELDS = {
    "data_seed": Field("int", 0, "seed of the synthetic counts (combined with the target name)", at_least(0)),
    "livetime_years": Field("float", 12.0, "mission time the exposure corresponds to (years)", positive),
    "catalog": Field("str|null", None, "catalog of the synthetic sky; default model.catalogs[0] or 4FGL-DR4"),
}


def builtin_settings(config: dict[str, Any], file: str | Path) -> dict[str, Any]:
    """The ``builtin`` section (fit options of the builtin engine)."""
    return check_section(config.get("builtin"), BUILTIN_FIELDS, file, "builtin.")


def sed_settings(config: dict[str, Any], file: str | Path) -> dict[str, Any]:
    """fermipy's ``sed`` section, as far as the builtin engine reads it."""
    raw = {k: v for k, v in (config.get("sed") or {}).items() if k not in FERMIPY_SED_KEYS}
    return check_section(raw, SED_FIELDS, file, "sed.")


def synthetic_settings(config: dict[str, Any], file: str | Path) -> dict[str, Any]:
    """The ``synthetic`` section (the LAT-like sky the builtin engine makes without real data)."""
    return check_section(config.get("synthetic"), SYNTHETIC_FIELDS, file, "synthetic.")


def check_template(template: dict[str, Any], file: str | Path) -> None:
    """Every section the builtin engine reads, checked before any work (InputError on the first problem)."""
    from pyfermijobs.datasets.geom import ROIGeom

    builtin_settings(template, file)
    sed_settings(template, file)
    synthetic_settings(template, file)
    ROIGeom.from_config(template, 0.0, 0.0, str(file))  # selection.emin/emax, binning.*
