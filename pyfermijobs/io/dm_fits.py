"""The dark-matter stage's FITS files: spectra table, likelihoods, limits, and their summaries.

Likelihood files hold one row per channel: the masses, the sigmav grid and ``dloglike`` (mass x
sigmav, relative to sigmav = 0; HDU ``DM_LIKE``). Limits files hold one row per channel: the
masses and, per mass, the best-fit sigmav with its errors, TS and the 68%/95% upper limits (HDU
``DM_LIMITS``). Headers say what the file is (target or roster, profile, prior, scenario, seed,
J-factor and D-factor, and ``SYNTHET`` for synthetic data). Written with fitsio: there is a file per
realization, target and prior, and astropy's writer would cost more than the conversion itself.

Decay channels (``*_decay``) share these tables, each column meaning one thing in one unit: the
likelihood's grid of a decay row is the rate Gamma = 1/tau in column ``rate`` (s-1; ``sigmav`` is
NaN there, and ``rate`` NaN on annihilation rows); its limits are in ``rate_mle rate_errn rate_errp
rate_ul68 rate_ul95`` (s-1) and, as reported, ``tau_mle tau_ll68 tau_ll95`` (s: the best-fit
lifetime, inf when Gamma = 0, and the 68%/95% LOWER limits on it, 1/Gamma_ul; dmpipe's ``ll_0.95``),
while ``mle ... ul95`` (cm3 s-1) are NaN on decay rows. A file without decay channels has none of
the decay columns (and one without annihilation channels none of the sigmav ones). The summaries
band every column; a cell that does not apply to its channel is NaN there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.atomic import atomic_path
from pyfermijobs.darkmatter.likelihood import DMLikelihood
from pyfermijobs.darkmatter.limits import DMLimits
from pyfermijobs.darkmatter.spectra import D_REF, J_REF, SIGMAV_REF, TAU_REF, SpecTable
from pyfermijobs.errors import InputError
from pyfermijobs.labels import is_synthetic

SIGMAV_UNIT = "cm3 / s"
RATE_UNIT = "1 / s"
#: The fields of :class:`DMLimits` (the linear parameter: sigmav, or the rate for decay rows).
LIMIT_COLUMNS = ("mle", "ts", "ul68", "ul95", "errn", "errp")
#: Columns of a limits file: on annihilation rows (cm3 s-1), on decay rows (s-1, then s).
SIGMAV_COLUMNS = ("mle", "ul68", "ul95", "errn", "errp")
RATE_COLUMNS = tuple(f"rate_{n}" for n in SIGMAV_COLUMNS)
TAU_COLUMNS = ("tau_mle", "tau_ll68", "tau_ll95")
UNITS = {"mass": "GeV", **dict.fromkeys(SIGMAV_COLUMNS, SIGMAV_UNIT), **dict.fromkeys(RATE_COLUMNS, RATE_UNIT),
         **dict.fromkeys(TAU_COLUMNS, "s"), "sigmav": SIGMAV_UNIT, "rate": RATE_UNIT}  # fmt: skip
QUANTILES = {"q02": 0.025, "q16": 0.16, "median": 0.5, "q84": 0.84, "q97": 0.975}


def _write(path: Path, tables: list[tuple[str, np.ndarray, dict[str, str]]], header: dict[str, Any]) -> None:
    """An empty primary HDU (``SYNTHET``), then each (extname, records, units) with ``header``."""
    import fitsio

    keys = {k: v for k, v in header.items() if v is not None}
    with atomic_path(path) as tmp, fitsio.FITS(str(tmp), "rw", clobber=True) as fits:
        fits.write(None, header={"SYNTHET": is_synthetic(keys)})
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
            "decay": table.decay,
            "mass": np.tile(table.masses, (nc, 1)),
            "ref_flux": table.ref_flux,
            "ref_eflux": table.ref_eflux,
        },
        {"channel": list(table.channels)},
    )
    bounds = _records({"e_min": np.asarray(table.emin, float), "e_max": np.asarray(table.emax, float)})
    units = {"mass": "GeV", "ref_flux": "ph / (cm2 s)", "ref_eflux": "MeV / (cm2 s)", "e_min": "MeV", "e_max": "MeV"}
    # decay rows (column decay) are at (REF_TAU s, REF_D GeV cm-2), dmpipe's DMSpecTable keys
    keys = {"SIGV_REF": SIGMAV_REF, "J_REF": J_REF, "REF_TAU": TAU_REF, "REF_D": D_REF, **header}
    _write(path, [("SPECTRA", spectra, units), ("EBOUNDS", bounds, units)], keys)


def read_spec_table(path: Path) -> SpecTable:
    data, header = _read(path, "SPECTRA")
    bounds, _ = _read(path, "EBOUNDS")
    if float(header.get("SIGV_REF", 0)) != SIGMAV_REF or float(header.get("J_REF", 0)) != J_REF:
        raise InputError(path, "SIGV_REF", "spectra table made for another reference normalisation: make it again")
    decay = any(c.endswith("_decay") for c in _text(data["channel"]))
    if decay and (float(header.get("REF_TAU", 0)) != TAU_REF or float(header.get("REF_D", 0)) != D_REF):
        raise InputError(path, "REF_TAU", "spectra table made for another decay normalisation: make it again")
    return SpecTable(
        _text(data["channel"]),
        np.asarray(data["mass"][0], float),
        np.asarray(bounds["e_min"], float),
        np.asarray(bounds["e_max"], float),
        np.asarray(data["ref_flux"], float),
        np.asarray(data["ref_eflux"], float),
    )


def write_dmlike(path: Path, like: DMLikelihood, header: dict[str, Any]) -> None:
    """One row per channel; the grid is ``sigmav`` (cm3 s-1) on annihilation rows and ``rate`` (the
    decay rate Gamma = 1/tau, s-1) on decay rows, each column NaN on the other kind's rows."""
    nc = len(like.channels)
    decay = np.array([c.endswith("_decay") for c in like.channels])
    grid = np.tile(like.sigmav, (nc, 1))
    columns: dict[str, np.ndarray] = {"mass": np.tile(like.masses, (nc, 1))}
    if not decay.all():
        columns["sigmav"] = np.where(decay[:, None], np.nan, grid)
    if decay.any():
        columns["rate"] = np.where(decay[:, None], grid, np.nan)
    columns["dloglike"] = like.dloglike.astype(np.float32)
    rows = _records(columns, {"channel": list(like.channels)})
    _write(path, [("DM_LIKE", rows, UNITS)], header)


def read_dmlike(path: Path) -> tuple[DMLikelihood, dict[str, Any]]:
    data, header = _read(path, "DM_LIKE")
    channels = _text(data["channel"])
    decay = [c.endswith("_decay") for c in channels]
    k = decay.index(False) if False in decay else 0
    grid = data["rate" if decay[k] else "sigmav"][k]
    like = DMLikelihood(
        channels,
        np.asarray(data["mass"][0], float),
        np.asarray(grid, float),
        np.asarray(data["dloglike"], float),
    )
    return like, header


def limit_columns(lim: DMLimits) -> dict[str, np.ndarray]:
    """A limits file's columns (channel x mass): ``ts``; the sigmav ones on annihilation rows; the rate
    and lifetime ones on decay rows; NaN where a column does not apply, absent when no row uses it."""
    decay = lim.decay[:, None]
    out: dict[str, np.ndarray] = {}
    for name in LIMIT_COLUMNS:  # the annihilation columns in the order files always had
        if name == "ts":
            out["ts"] = np.asarray(lim.ts, float)
        elif not decay.all():
            out[name] = np.where(decay, np.nan, getattr(lim, name))
    if decay.any():
        out.update({f"rate_{n}": np.where(decay, getattr(lim, n), np.nan) for n in SIGMAV_COLUMNS})
        out.update({n: np.where(decay, v, np.nan) for n, v in lim.lifetimes().items()})
    return out


def limits_from_columns(channels: tuple[str, ...], masses: np.ndarray, columns: Any) -> DMLimits:
    """The :class:`DMLimits` (on the linear parameter) a limits file's columns hold."""
    decay = np.array([c.endswith("_decay") for c in channels])[:, None]
    names = columns.dtype.names if hasattr(columns, "dtype") else tuple(columns)

    def field(name: str) -> np.ndarray:
        if name == "ts":
            return np.asarray(columns["ts"], float)
        ann = np.asarray(columns[name], float) if name in names else np.nan
        rate = np.asarray(columns[f"rate_{name}"], float) if f"rate_{name}" in names else np.nan
        return np.broadcast_to(np.where(decay, rate, ann), (len(channels), len(masses))).copy()

    return DMLimits(channels, np.asarray(masses, float), *(field(n) for n in LIMIT_COLUMNS))


def write_limits(path: Path, lim: DMLimits, header: dict[str, Any]) -> None:
    nc = len(lim.channels)
    columns = {"mass": np.tile(lim.masses, (nc, 1)), **limit_columns(lim)}
    _write(path, [("DM_LIMITS", _records(columns, {"channel": list(lim.channels)}), UNITS)], header)


def read_limits(path: Path) -> tuple[DMLimits, dict[str, Any]]:
    data, header = _read(path, "DM_LIMITS")
    return limits_from_columns(_text(data["channel"]), np.asarray(data["mass"][0], float), data), header


def band_columns(name: str, values: np.ndarray) -> dict[str, np.ndarray]:
    """Quantiles, mean and sd over realizations (axis 0) of one quantity, never NaN.

    An unconstrained realization (an infinite limit: a channel without photons at that mass, empty
    bins, a prior too wide for any limit) stays in the band as inf: where a cell has one, its
    quantiles are order statistics (``inverted_cdf``: a realization's own value, inf once the
    quantile reaches the unconstrained ones) instead of interpolations, which would make inf - inf.
    ``{name}_ninf`` counts them; the mean and sd are over the finite ones (NaN-free: inf if none).
    A cell that does not apply to its channel (NaN in every realization: a sigmav column of a decay
    channel, a lifetime of an annihilation one) stays NaN, with ``{name}_ninf`` 0.
    """
    absent = np.isnan(values).all(axis=0)
    values = np.where(absent, 0.0, values)
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
    for key in out:
        if key != f"{name}_ninf":
            out[key] = np.where(absent, np.nan, out[key])
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
    (``stacked``: a limits file's columns, :func:`limit_columns`, over the realizations) (HDU
    ``LIMITS_SUMMARY``); then every realization's (``LIMITS_COLLECTED``, one row per seed, arrays
    channel x mass)."""
    columns: dict[str, np.ndarray] = {"mass": np.tile(masses, (len(channels), 1))}
    columns["nreal"] = np.full((len(channels), len(masses)), len(seeds), dtype=np.int64)
    for name, values in stacked.items():
        columns.update(band_columns(name, np.asarray(values, float)))
    summary = _records(columns, {"channel": list(channels)})
    collected = _records({"seed": np.asarray(seeds, np.int64), **stacked})
    units = {"mass": "GeV"}
    _write(path, [("LIMITS_SUMMARY", summary, units), ("LIMITS_COLLECTED", collected, units)], header)


def read_limits_summary(path: Path) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, Any]]:
    """(summary columns, collected columns, header)."""
    summary, header = _read(path, "LIMITS_SUMMARY")
    collected, _ = _read(path, "LIMITS_COLLECTED")
    out = {name: np.asarray(summary[name]) for name in summary.dtype.names}
    out["channel"] = np.array(_text(summary["channel"]))
    return out, {name: np.asarray(collected[name]) for name in collected.dtype.names}, header
