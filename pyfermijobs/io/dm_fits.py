"""The dark-matter stage's FITS files: spectra table, likelihoods, limits, and their summaries.

Likelihood files hold one row per channel: the masses, the sigmav grid and ``dloglike`` (mass x
sigmav, relative to sigmav = 0; HDU ``DM_LIKE``). Limits files hold one row per channel: the
masses and, per mass, the best-fit sigmav with its errors, TS and the 68%/95% upper limits (HDU
``DM_LIMITS``). Headers say what the file is (target or roster, profile, prior, scenario, seed,
J-factor, and ``SYNTHET`` for synthetic data). Written with fitsio: there is a file per
realization, target and prior, and astropy's writer would cost more than the conversion itself.
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
QUANTILES = {"q02": 0.025, "q16": 0.16, "median": 0.5, "q84": 0.84, "q97": 0.975}


def _write(path: Path, tables: list[tuple[str, np.ndarray, dict[str, str]]], header: dict[str, Any]) -> None:
    """An empty primary HDU (``SYNTHET``), then each (extname, records, units) with ``header``."""
    import fitsio

    keys = {k: v for k, v in header.items() if v is not None}
    with atomic_path(path) as tmp, fitsio.FITS(str(tmp), "rw", clobber=True) as fits:
        fits.write(None, header={"SYNTHET": bool(keys.get("SYNTHET", False))})
        for extname, records, units in tables:
            fits.write(records, extname=extname, header=keys, units=[units.get(n, "") for n in records.dtype.names])


def _read(path: Path, hdu: str) -> tuple[np.ndarray, dict[str, Any]]:
    import fitsio

    if not Path(path).exists():
        raise InputError(path, None, "file not found (run the step that writes it first)")
    try:
        data, header = fitsio.read(str(path), ext=hdu, header=True)
    except (OSError, ValueError) as exc:
        raise InputError(path, hdu, f"not a readable dark-matter file ({exc})") from None
    names = header.keys()  # a fitsio header iterates over its records, not its keys
    return data, {k: header[k] for k in names}


def _records(columns: dict[str, np.ndarray], text: dict[str, list[str]] | None = None) -> np.ndarray:
    """Rows of equal-length arrays (first axis) as a record array; ``text`` columns are strings."""
    text = text or {}
    nrows = len(next(iter(text.values()))) if text else len(next(iter(columns.values())))
    dtype = [(n, "S16") for n in text] + [(n, v.dtype, v.shape[1:]) for n, v in columns.items()]
    out = np.zeros(nrows, dtype=dtype)
    for name, values in text.items():
        out[name] = values
    for name, values in columns.items():
        out[name] = values
    return out


def _text(values: np.ndarray) -> tuple[str, ...]:
    return tuple(v.decode().strip() if isinstance(v, bytes) else str(v).strip() for v in values)


def write_spec_table(path: Path, table: SpecTable, header: dict[str, Any]) -> None:
    nc = len(table.channels)
    spectra = _records(
        {
            "mass": np.tile(table.masses, (nc, 1)),
            "ref_flux": table.ref_flux,
            "ref_eflux": table.ref_eflux,
        },
        {"channel": list(table.channels)},
    )
    bounds = _records({"e_min": np.asarray(table.emin, float), "e_max": np.asarray(table.emax, float)})
    units = {"mass": "GeV", "ref_flux": "ph / (cm2 s)", "ref_eflux": "MeV / (cm2 s)", "e_min": "MeV", "e_max": "MeV"}
    keys = {"SIGV_REF": SIGMAV_REF, "J_REF": J_REF, **header}
    _write(path, [("SPECTRA", spectra, units), ("EBOUNDS", bounds, units)], keys)


def read_spec_table(path: Path) -> SpecTable:
    data, header = _read(path, "SPECTRA")
    bounds, _ = _read(path, "EBOUNDS")
    if float(header.get("SIGV_REF", 0)) != SIGMAV_REF or float(header.get("J_REF", 0)) != J_REF:
        raise InputError(path, "SIGV_REF", "spectra table made for another reference normalisation: make it again")
    return SpecTable(
        _text(data["channel"]),
        np.asarray(data["mass"][0], float),
        np.asarray(bounds["e_min"], float),
        np.asarray(bounds["e_max"], float),
        np.asarray(data["ref_flux"], float),
        np.asarray(data["ref_eflux"], float),
    )


def write_dmlike(path: Path, like: DMLikelihood, header: dict[str, Any]) -> None:
    nc = len(like.channels)
    rows = _records(
        {
            "mass": np.tile(like.masses, (nc, 1)),
            "sigmav": np.tile(like.sigmav, (nc, 1)),
            "dloglike": like.dloglike.astype(np.float32),
        },
        {"channel": list(like.channels)},
    )
    _write(path, [("DM_LIKE", rows, {"mass": "GeV", "sigmav": SIGMAV_UNIT})], header)


def read_dmlike(path: Path) -> tuple[DMLikelihood, dict[str, Any]]:
    data, header = _read(path, "DM_LIKE")
    like = DMLikelihood(
        _text(data["channel"]),
        np.asarray(data["mass"][0], float),
        np.asarray(data["sigmav"][0], float),
        np.asarray(data["dloglike"], float),
    )
    return like, header


def write_limits(path: Path, lim: DMLimits, header: dict[str, Any]) -> None:
    nc = len(lim.channels)
    columns = {"mass": np.tile(lim.masses, (nc, 1)), **{n: np.asarray(getattr(lim, n), float) for n in LIMIT_COLUMNS}}
    units = {"mass": "GeV", **{n: SIGMAV_UNIT for n in LIMIT_COLUMNS if n != "ts"}}
    _write(path, [("DM_LIMITS", _records(columns, {"channel": list(lim.channels)}), units)], header)


def read_limits(path: Path) -> tuple[DMLimits, dict[str, Any]]:
    data, header = _read(path, "DM_LIMITS")
    lim = DMLimits(
        _text(data["channel"]),
        np.asarray(data["mass"][0], float),
        *(np.asarray(data[name], float) for name in LIMIT_COLUMNS),
    )
    return lim, header


def band_columns(name: str, values: np.ndarray) -> dict[str, np.ndarray]:
    """Quantiles, mean and sd over realizations (axis 0) of one quantity, never NaN.

    An unconstrained realization (an infinite limit: a channel without photons at that mass, empty
    bins, a prior too wide for any limit) stays in the band as inf: where a cell has one, its
    quantiles are order statistics (``inverted_cdf``: a realization's own value, inf once the
    quantile reaches the unconstrained ones) instead of interpolations, which would make inf - inf.
    ``{name}_ninf`` counts them; the mean and sd are over the finite ones (NaN-free: inf if none).
    """
    infinite = ~np.isfinite(values)
    out: dict[str, np.ndarray] = {f"{name}_ninf": infinite.sum(axis=0).astype(np.int64)}
    any_inf = infinite.any(axis=0)
    for suffix, q in QUANTILES.items():
        smooth = np.quantile(np.where(infinite, 0.0, values), q, axis=0)
        ordered = np.quantile(values, q, axis=0, method="inverted_cdf")
        out[f"{name}_{suffix}"] = np.where(any_inf, ordered, smooth)
    finite = np.where(infinite, 0.0, values)
    count = (~infinite).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = finite.sum(axis=0) / count
        var = (np.where(infinite, 0.0, (values - mean) ** 2)).sum(axis=0) / count
    out[f"{name}_mean"] = np.where(count > 0, mean, np.inf)
    out[f"{name}_std"] = np.where(count > 0, np.sqrt(var), np.inf)
    return out


def write_limits_summary(
    path: Path,
    channels: tuple[str, ...],
    masses: np.ndarray,
    seeds: list[int],
    stacked: dict[str, np.ndarray],
    header: dict[str, Any],
) -> None:
    """Per channel, the expected limits: median and 68%/95% bands, mean and sd of each quantity
    over the realizations (HDU ``LIMITS_SUMMARY``); then every realization's (``LIMITS_COLLECTED``,
    one row per seed, arrays channel x mass)."""
    columns: dict[str, np.ndarray] = {"mass": np.tile(masses, (len(channels), 1))}
    columns["nreal"] = np.full((len(channels), len(masses)), len(seeds), dtype=np.int64)
    for name in LIMIT_COLUMNS:
        values = np.asarray(stacked[name], float)
        columns.update(band_columns(name, values))
    summary = _records(columns, {"channel": list(channels)})
    collected = _records({"seed": np.asarray(seeds, np.int64), **{n: stacked[n] for n in LIMIT_COLUMNS}})
    units = {"mass": "GeV"}
    _write(path, [("LIMITS_SUMMARY", summary, units), ("LIMITS_COLLECTED", collected, units)], header)


def read_limits_summary(path: Path) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, Any]]:
    """(summary columns, collected columns, header)."""
    summary, header = _read(path, "LIMITS_SUMMARY")
    collected, _ = _read(path, "LIMITS_COLLECTED")
    out = {name: np.asarray(summary[name]) for name in summary.dtype.names}
    out["channel"] = np.array(_text(summary["channel"]))
    return out, {name: np.asarray(collected[name]) for name in collected.dtype.names}, header
