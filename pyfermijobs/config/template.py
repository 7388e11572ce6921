"""The analysis template's sections the builtin engine reads, with their field tables.

The template is fermipy's configuration (``config/config_{ttype}.yaml``). Besides fermipy's
``selection`` and ``binning`` (the ROI's geometry), the builtin engine reads ``builtin`` (its
fit options), fermipy's ``sed`` section and its own ``synthetic`` section. All are checked here,
by ``pfj validate`` and ``prepare-targets`` before any work, with the same exit-2 messages as
the master file, and read through the same functions when a step runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.config.fields import Field, at_least, check_section, positive
from pyfermijobs.errors import InputError
from pyfermijobs.named_inputs import note

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
    "match_radius": Field(
        "float",
        0.05,
        "a target within this (deg) of a catalog point source is that source: its SED is the source's, "
        "measured with the source's own spectrum (fermipy's sed of a source in its model)",
        at_least(0.0),
    ),
    "data": Field("dict|null", None, "real LAT data (Fermitools' binned products); absent: the synthetic sky"),
}

DATA_FIELDS = {
    "counts": Field("any", doc="FT1 event list (or a list of them) binned onto each ROI, or a gtbin counts cube"),
    "exposure": Field("str", doc="gtexpcube2 exposure cube (WCS or HEALPix, cm2 s at its ENERGIES)"),
    "psf": Field("str", doc="gtpsf table (PSF(theta) per energy)"),
}
#: Keys whose values are data files (paths relative to the template's folder, $VARIABLES expanded).
DATA_FILE_KEYS = (("builtin", "data", "counts"), ("builtin", "data", "exposure"), ("builtin", "data", "psf"))
MODEL_FILE_KEYS = (("model", "galdiff"), ("model", "isodiff"))

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

#: fermipy's ROI keys the builtin engine reads (datasets/geom.py takes its defaults from here; they are
#: fermipy's). ``binning.enumbins`` wins over ``binsperdec`` as in fermipy.
GEOMETRY_FIELDS = {
    "selection.emin": Field("float", 100.0, "lowest energy (MeV)", positive),
    "selection.emax": Field("float", 100000.0, "highest energy (MeV)", positive),
    "selection.ra": Field("float|null", None, "ROI centre; PrepareTargets fills it in per target"),
    "selection.dec": Field("float|null", None, "ROI centre; PrepareTargets fills it in per target"),
    "binning.roiwidth": Field("float", 10.0, "width of the square ROI (deg)", positive),
    "binning.binsz": Field("float", 0.1, "pixel size (deg)", positive),
    "binning.binsperdec": Field("float", 8, "energy bins per decade", positive),
    "binning.enumbins": Field("int|null", None, "number of energy bins over emin-emax (instead of binsperdec)"),
    "binning.coordsys": Field("str", "CEL", "frame of the ROI's maps", choices=("CEL", "GAL")),
    "binning.proj": Field("str", "AIT", "map projection", choices=("AIT", "CAR", "TAN", "ZEA", "STG", "SIN", "MER")),
}

#: fermipy's ``model`` keys the builtin engine reads.
MODEL_FIELDS = {
    "catalogs": Field(
        "list[str]|null", None, "catalogs of the ROI's sources (fermipy names or files); the first is read"
    ),
    "src_roiwidth": Field(
        "float|null",
        None,
        "width of the square of catalog sources modelled (deg); default: the ROI width + 4 deg (synthetic sky) "
        "or + 1 deg (real data)",
    ),
    "galdiff": Field("str|null", None, "Galactic diffuse model (gll_iem_v07.fits); real data only"),
    "isodiff": Field("str|null", None, "isotropic spectrum (iso_P8R3_*.txt); real data only"),
}

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


def data_settings(config: dict[str, Any], file: str | Path) -> dict[str, Any] | None:
    """``builtin.data``: the real data's files (None: the synthetic sky)."""
    data = builtin_settings(config, file)["data"]
    if data is None:
        return None
    data = check_section(data, DATA_FIELDS, file, "builtin.data.")
    counts = data["counts"]
    if not (
        isinstance(counts, str) or (isinstance(counts, list) and counts and all(isinstance(c, str) for c in counts))
    ):
        raise InputError(file, "builtin.data.counts", f"must be a file path or a list of them, got {counts!r}")
    return data


def with_absolute_data_paths(config: dict[str, Any], base: Path, file: str | Path) -> dict[str, Any]:
    """The template with its data files resolved (``$VARIABLES``, relative to ``base``) and checked to exist.

    PrepareTargets writes each target's copy this way: the copies live in other folders, and a
    pipeline task must find the same files.
    """
    import copy

    out = copy.deepcopy(config)
    for keys in (*DATA_FILE_KEYS, *MODEL_FILE_KEYS):
        node = out
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict) or node.get(keys[-1]) is None:
            continue
        value = node[keys[-1]]
        dotted = ".".join(keys)
        if isinstance(value, list):
            node[keys[-1]] = [str(resolve_data_path(v, base, file, dotted)) for v in value]
        else:
            node[keys[-1]] = str(resolve_data_path(value, base, file, dotted))
    catalogs = (out.get("model") or {}).get("catalogs")
    if isinstance(catalogs, list):  # files among fermipy's catalog names
        out["model"]["catalogs"] = [
            str(resolve_data_path(c, base, file, "model.catalogs")) if _is_path(c) else c for c in catalogs
        ]
    return out


def _is_path(value: Any) -> bool:
    """A catalog given as a path (a bare file name is looked up among fermipy's catalogs)."""
    return isinstance(value, str) and ("/" in value or "$" in value)


def catalog_name(config: dict[str, Any], settings: dict[str, Any]) -> str:
    """The catalog the builtin engine reads: ``synthetic.catalog``, else ``model.catalogs[0]``, else 4FGL-DR4."""
    from pyfermijobs.models.catalog import DEFAULT_CATALOG

    if settings["catalog"]:
        return settings["catalog"]
    catalogs = (config.get("model") or {}).get("catalogs") or [DEFAULT_CATALOG]
    return str(catalogs[0])


def check_catalog(config: dict[str, Any], file: str | Path) -> None:
    """The catalog the builtin engine reads (``synthetic.catalog`` or ``model.catalogs[0]``) is readable."""
    from pyfermijobs.models.catalog import catalog_path, read_catalog

    name = catalog_name(config, synthetic_settings(config, file))
    if _is_path(name) and not Path(name).is_absolute():
        name = str(resolve_data_path(name, Path(file).parent, file, "model.catalogs"))
    read_catalog(catalog_path(name, str(file)), str(file))


def catalog_matches(
    config: dict[str, Any], file: str | Path, positions: dict[str, tuple[float, float]]
) -> dict[str, tuple[str, float]]:
    """Targets that are catalog point sources (within ``builtin.match_radius``): target -> (source,
    separation in deg), as AnalyzeSED will treat them (the source's own SED). ``pfj validate`` says so."""
    from pyfermijobs.models.catalog import catalog_path, read_catalog

    radius = builtin_settings(config, file)["match_radius"]
    if radius <= 0 or not positions:
        return {}
    name = catalog_name(config, synthetic_settings(config, file))
    if _is_path(name) and not Path(name).is_absolute():
        name = str(resolve_data_path(name, Path(file).parent, file, "model.catalogs"))
    sources = [s for s in read_catalog(catalog_path(name, str(file)), str(file)) if not s.extended]
    ra, dec = np.radians([s.ra for s in sources]), np.radians([s.dec for s in sources])
    out = {}
    for target, (tra, tdec) in positions.items():
        t_ra, t_dec = np.radians(tra), np.radians(tdec)
        cos = np.sin(dec) * np.sin(t_dec) + np.cos(dec) * np.cos(t_dec) * np.cos(ra - t_ra)
        sep = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
        k = int(np.argmin(sep))
        if sep[k] <= radius:
            out[target] = (sources[k].name, float(sep[k]))
    return out


def resolve_data_path(value: Any, base: Path, file: str | Path, key: str) -> Path:
    """A data file from the template: ``$VARIABLES`` expanded, relative to the template's folder."""
    if not isinstance(value, str) or not value:
        raise InputError(file, key, f"must be a file path, got {value!r}")
    path = Path(os.path.expandvars(value)).expanduser()
    if "$" in str(path):
        raise InputError(file, key, f"{value!r}: an environment variable in it is not set")
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise InputError(file, key, f"file not found: {path}")
    return note(path.resolve())
