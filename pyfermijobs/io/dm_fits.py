"""The dark-matter stage's FITS files: spectra table, likelihoods, limits, and their summaries.

Likelihood files hold one row per channel: the masses, the sigmav grid and ``dloglike`` (mass x
sigmav, relative to sigmav = 0; HDU ``DM_LIKE``). Limits files hold one row per channel: the
masses and, per mass, the best-fit sigmav, TS and the 68%/95% upper limits (HDU ``DM_LIMITS``).
Headers say what the file is (target or roster, profile, prior, scenario, seed, J-factor, and
``SYNTHET`` for synthetic data).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.darkmatter.likelihood import DMLikelihood
from pyfermijobs.darkmatter.limits import DMLimits
from pyfermijobs.darkmatter.spectra import J_REF, SIGMAV_REF, SpecTable
from pyfermijobs.errors import InputError
from pyfermijobs.yamlio import atomic_path

SIGMAV_UNIT = "cm3 / s"
LIMIT_COLUMNS = ("mle", "ts", "ul68", "ul95", "errn", "errp")


def _write(path: Path, hdu: Any, header: dict[str, Any]) -> None:
    from astropy.io import fits

    for key, value in header.items():
        if value is not None:
            hdu.header[key] = value
    primary = fits.PrimaryHDU()
    primary.header["SYNTHET"] = bool(header.get("SYNTHET", False))
    with atomic_path(path) as tmp:
        fits.HDUList([primary, hdu]).writeto(tmp)


def _read(path: Path, hdu: str) -> tuple[Any, dict[str, Any]]:
    from astropy.io import fits

    try:
        with fits.open(path, memmap=False) as hdul:
            table = hdul[hdu]
            data = {name: np.array(table.data[name]) for name in table.columns.names}
            return data, dict(table.header)
    except FileNotFoundError:
        raise InputError(path, None, "file not found (run the step that writes it first)") from None
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise InputError(path, hdu, f"not a readable dark-matter file ({exc})") from None


def write_spec_table(path: Path, table: SpecTable, header: dict[str, Any]) -> None:
    from astropy.io import fits

    nm, ne = len(table.masses), len(table.emin)
    cols = [
        fits.Column("channel", "8A", array=np.asarray(table.channels)),
        fits.Column("mass", f"{nm}D", unit="GeV", array=np.tile(table.masses, (len(table.channels), 1))),
        fits.Column("ref_flux", f"{nm * ne}D", dim=f"({ne},{nm})", unit="ph / (cm2 s)", array=table.ref_flux),
        fits.Column("ref_eflux", f"{nm * ne}D", dim=f"({ne},{nm})", unit="MeV / (cm2 s)", array=table.ref_eflux),
    ]
    hdu = fits.BinTableHDU.from_columns(cols, name="SPECTRA")
    bounds = fits.BinTableHDU.from_columns(
        [
            fits.Column("e_min", "D", unit="MeV", array=table.emin),
            fits.Column("e_max", "D", unit="MeV", array=table.emax),
        ],
        name="EBOUNDS",
    )
    for key, value in {"SIGV_REF": SIGMAV_REF, "J_REF": J_REF, **header}.items():
        hdu.header[key] = value
    with atomic_path(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(), hdu, bounds]).writeto(tmp)


def read_spec_table(path: Path) -> SpecTable:
    data, header = _read(path, "SPECTRA")
    bounds, _ = _read(path, "EBOUNDS")
    if float(header.get("SIGV_REF", 0)) != SIGMAV_REF or float(header.get("J_REF", 0)) != J_REF:
        raise InputError(path, "SIGV_REF", "spectra table made for another reference normalisation: make it again")
    return SpecTable(
        tuple(str(c).strip() for c in data["channel"]),
        np.asarray(data["mass"][0], float),
        bounds["e_min"],
        bounds["e_max"],
        np.asarray(data["ref_flux"], float),
        np.asarray(data["ref_eflux"], float),
    )


def write_dmlike(path: Path, like: DMLikelihood, header: dict[str, Any]) -> None:
    from astropy.io import fits

    nc, nm, ns = like.dloglike.shape
    cols = [
        fits.Column("channel", "8A", array=np.asarray(like.channels)),
        fits.Column("mass", f"{nm}D", unit="GeV", array=np.tile(like.masses, (nc, 1))),
        fits.Column("sigmav", f"{ns}D", unit=SIGMAV_UNIT, array=np.tile(like.sigmav, (nc, 1))),
        fits.Column("dloglike", f"{nm * ns}E", dim=f"({ns},{nm})", array=like.dloglike.astype(np.float32)),
    ]
    _write(path, fits.BinTableHDU.from_columns(cols, name="DM_LIKE"), header)


def read_dmlike(path: Path) -> tuple[DMLikelihood, dict[str, Any]]:
    data, header = _read(path, "DM_LIKE")
    like = DMLikelihood(
        tuple(str(c).strip() for c in data["channel"]),
        np.asarray(data["mass"][0], float),
        np.asarray(data["sigmav"][0], float),
        np.asarray(data["dloglike"], float),
    )
    return like, header


def write_limits(path: Path, lim: DMLimits, header: dict[str, Any]) -> None:
    from astropy.io import fits

    nc, nm = lim.mle.shape
    cols = [
        fits.Column("channel", "8A", array=np.asarray(lim.channels)),
        fits.Column("mass", f"{nm}D", unit="GeV", array=np.tile(lim.masses, (nc, 1))),
    ]
    for name in LIMIT_COLUMNS:
        unit = None if name == "ts" else SIGMAV_UNIT
        cols.append(fits.Column(name, f"{nm}D", unit=unit, array=getattr(lim, name)))
    _write(path, fits.BinTableHDU.from_columns(cols, name="DM_LIMITS"), header)


def read_limits(path: Path) -> tuple[DMLimits, dict[str, Any]]:
    data, header = _read(path, "DM_LIMITS")
    lim = DMLimits(
        tuple(str(c).strip() for c in data["channel"]),
        np.asarray(data["mass"][0], float),
        *(np.asarray(data[name], float) for name in LIMIT_COLUMNS),
    )
    return lim, header


def write_limits_summary(
    path: Path,
    channels: tuple[str, ...],
    masses: np.ndarray,
    seeds: list[int],
    stacked: dict[str, np.ndarray],
    header: dict[str, Any],
) -> None:
    """Every realization's limits (HDU ``LIMITS_COLLECTED``, one row per seed) and, per channel,
    the expected limits: median and 68%/95% bands of each quantity (HDU ``LIMITS_SUMMARY``)."""
    from astropy.io import fits

    nc, nm = len(channels), len(masses)
    rows = [fits.Column("seed", "K", array=np.asarray(seeds))]
    for name in LIMIT_COLUMNS:
        rows.append(fits.Column(name, f"{nc * nm}D", dim=f"({nm},{nc})", array=stacked[name]))
    collected = fits.BinTableHDU.from_columns(rows, name="LIMITS_COLLECTED")
    cols = [
        fits.Column("channel", "8A", array=np.asarray(channels)),
        fits.Column("mass", f"{nm}D", unit="GeV", array=np.tile(masses, (nc, 1))),
    ]
    for name in LIMIT_COLUMNS:
        values = stacked[name]
        # unconstrained limits are inf (tt below its threshold has no photons): they stay inf
        with np.errstate(invalid="ignore"):
            quantiles = np.quantile(values, [0.025, 0.16, 0.5, 0.84, 0.975], axis=0)
            mean, std = np.mean(values, axis=0), np.std(values, axis=0)
        for q, suffix in zip(quantiles, ("q02", "q16", "median", "q84", "q97"), strict=True):
            cols.append(fits.Column(f"{name}_{suffix}", f"{nm}D", array=q))
        cols.append(fits.Column(f"{name}_mean", f"{nm}D", array=mean))
        cols.append(fits.Column(f"{name}_std", f"{nm}D", array=std))
    summary = fits.BinTableHDU.from_columns(cols, name="LIMITS_SUMMARY")
    for hdu in (collected, summary):
        for key, value in header.items():
            if value is not None:
                hdu.header[key] = value
    with atomic_path(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(), summary, collected]).writeto(tmp)


def read_limits_summary(path: Path) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, Any]]:
    """(summary columns, collected columns, header)."""
    summary, header = _read(path, "LIMITS_SUMMARY")
    collected, _ = _read(path, "LIMITS_COLLECTED")
    summary["channel"] = np.array([str(c).strip() for c in summary["channel"]])
    return summary, collected, header
