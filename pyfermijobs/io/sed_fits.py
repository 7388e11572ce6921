"""fermipy's SED FITS format (``fermipy/sed.py``), written and read.

HDU 1 is ``SED`` (fermipy's CastroData reads the first extension), one row per energy bin;
then ``MODEL_FLUX`` (the global fit of the test source with its error band) and ``PARAMS``
(its spectral parameters with covariance and correlation). Header ``UL_CONF`` and
``SRCNAME`` as fermipy writes them, plus ours: the global ``TS``, ``SYNTHET`` for synthetic
data, and the target, profile, scenario and seed the file belongs to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.yamlio import atomic_path

FLUX_UNIT = "ph / (MeV cm2 s)"
EFLUX_UNIT = "MeV / (cm2 s)"
#: SED columns in fermipy's order, with units.
SED_COLUMNS: list[tuple[str, str | None]] = [
    ("e_min", "MeV"),
    ("e_ref", "MeV"),
    ("e_max", "MeV"),
    ("ref_dnde_e_min", FLUX_UNIT),
    ("ref_dnde_e_max", FLUX_UNIT),
    ("ref_dnde", FLUX_UNIT),
    ("ref_flux", "ph / (cm2 s)"),
    ("ref_eflux", EFLUX_UNIT),
    ("ref_npred", None),
    ("dnde", FLUX_UNIT),
    ("dnde_err", FLUX_UNIT),
    ("dnde_errp", FLUX_UNIT),
    ("dnde_errn", FLUX_UNIT),
    ("dnde_ul", FLUX_UNIT),
    ("e2dnde", EFLUX_UNIT),
    ("e2dnde_err", EFLUX_UNIT),
    ("e2dnde_errp", EFLUX_UNIT),
    ("e2dnde_errn", EFLUX_UNIT),
    ("e2dnde_ul", EFLUX_UNIT),
    ("norm", None),
    ("norm_err", None),
    ("norm_errp", None),
    ("norm_errn", None),
    ("norm_ul", None),
    ("ts", None),
    ("loglike", None),
    ("norm_scan", None),
    ("dloglike_scan", None),
]
MODEL_FLUX_COLUMNS = ["energy", "dnde", "dnde_lo", "dnde_hi", "dnde_err", "dnde_ferr"]
#: The same likelihood in gamma-astro-data-formats' words (gammapy's ``FluxPoints``), after fermipy's
#: columns: stat = -2 log L at the best fit, at zero flux, and over the scan. fermipy ignores them.
GADF_COLUMNS = ("stat", "stat_null", "stat_scan")


def gadf_columns(sed: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``stat``, ``stat_null`` and ``stat_scan`` from fermipy's ``loglike``, ``ts`` and ``dloglike_scan``."""
    loglike = np.asarray(sed["loglike"], float)
    return {
        "stat": -2.0 * loglike,
        "stat_null": -2.0 * loglike + np.asarray(sed["ts"], float),
        "stat_scan": -2.0 * (loglike[:, None] + np.asarray(sed["dloglike_scan"], float)),
    }


def write_sed(
    path: Path,
    sed: dict[str, np.ndarray],
    model_flux: dict[str, np.ndarray],
    params: dict[str, Any],
    header: dict[str, Any],
) -> None:
    """Write an SED in fermipy's format, atomically."""
    from astropy.io import fits

    cols = []
    for name, unit in SED_COLUMNS:
        data = np.asarray(sed[name], dtype=float)
        fmt = f"{data.shape[1]}D" if data.ndim == 2 else "D"
        cols.append(fits.Column(name=name, format=fmt, unit=unit, array=data))
    for name, data in gadf_columns(sed).items():
        cols.append(fits.Column(name=name, format=f"{data.shape[1]}D" if data.ndim == 2 else "D", array=data))
    sed_hdu = fits.BinTableHDU.from_columns(cols, name="SED")
    sed_hdu.header["UL_CONF"] = header.get("UL_CONF", 0.95)
    for key, value in header.items():
        sed_hdu.header[key] = value
    flux_cols = [
        fits.Column(
            name=n,
            format="E",
            unit="MeV" if n == "energy" else (None if n == "dnde_ferr" else FLUX_UNIT),
            array=np.asarray(model_flux[n], float),
        )
        for n in MODEL_FLUX_COLUMNS
    ]
    npar = len(params["name"])
    par_cols = [
        fits.Column(name="name", format="A32", array=np.asarray(params["name"])),
        fits.Column(name="value", format="E", array=np.asarray(params["value"], float)),
        fits.Column(name="error", format="E", array=np.asarray(params["error"], float)),
        fits.Column(name="covariance", format=f"{npar}E", array=np.asarray(params["covariance"], float)),
        fits.Column(name="correlation", format=f"{npar}E", array=np.asarray(params["correlation"], float)),
    ]
    primary = fits.PrimaryHDU()
    primary.header["SYNTHET"] = bool(header.get("SYNTHET", False))
    hdul = fits.HDUList(
        [
            primary,
            sed_hdu,
            fits.BinTableHDU.from_columns(flux_cols, name="MODEL_FLUX"),
            fits.BinTableHDU.from_columns(par_cols, name="PARAMS"),
        ]
    )
    with atomic_path(path) as tmp:
        hdul.writeto(tmp)


def sed_identity(
    srcname: str,
    target: str,
    profile: str,
    sim: str | None,
    seed: int | None,
    ra: float,
    dec: float,
    synthetic: bool,
    **extra: Any,
) -> dict[str, Any]:
    """The header keys that say what an SED is, for both engines (FITS keys of at most 8 letters).

    ``sim``/``seed`` are absent from the data's SEDs; ``extra`` adds engine facts (TS, NPRED, ...).
    """
    keys = {"SRCNAME": srcname, "TARGET": target, "PROFILE": profile, "SIM": sim, "SEED": seed}
    keys.update(RA=float(ra), DEC=float(dec), SYNTHET=bool(synthetic))
    keys.update({k.upper()[:8]: v for k, v in extra.items()})
    return {k: v for k, v in keys.items() if v is not None}


def read_sed(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The SED table as arrays, and its header; unreadable files raise InputError."""
    from astropy.io import fits

    try:
        with fits.open(path, memmap=False) as hdul:
            hdu = hdul["SED"]
            data = {name.lower(): np.array(hdu.data[name]) for name in hdu.columns.names}
            header = dict(hdu.header)
    except FileNotFoundError:
        raise InputError(path, None, "SED file not found") from None
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise InputError(path, None, f"not a readable SED FITS file ({exc})") from None
    return data, header


def sed_rows(path: Path) -> int:
    """Number of energy bins of an SED file, from its header alone."""
    from astropy.io import fits

    try:
        return int(fits.getheader(path, "SED")["NAXIS2"])
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise InputError(path, None, f"not a readable SED FITS file ({exc})") from None
