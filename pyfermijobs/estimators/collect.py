"""CollectSED: statistics across realizations, per energy bin.

fermipy 1.4.3's ``collect_summary_stats`` takes its statistics over the energy axis of each
realization; they belong across realizations, per energy bin, which is what this does:
``_mean _std _median _q02 _q16 _q84 _q97`` (2.5/16/84/97.5 percentiles; std with ddof=0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.io.sed_fits import read_sed
from pyfermijobs.yamlio import load_yaml

SUMMARY_COLUMNS = ("dnde", "dnde_ul", "e2dnde", "e2dnde_ul", "norm", "norm_ul", "ts")
STATS: dict[str, Any] = {
    "mean": lambda a: np.mean(a, axis=0),
    "std": lambda a: np.std(a, axis=0),
    "median": lambda a: np.median(a, axis=0),
    "q02": lambda a: np.percentile(a, 2.5, axis=0),
    "q16": lambda a: np.percentile(a, 16.0, axis=0),
    "q84": lambda a: np.percentile(a, 84.0, axis=0),
    "q97": lambda a: np.percentile(a, 97.5, axis=0),
}


def summary_stats(values: np.ndarray) -> dict[str, np.ndarray]:
    """Statistics over axis 0 (realizations) of ``values`` (nreal, ...)."""
    return {name: fn(values) for name, fn in STATS.items()}


@dataclass
class Collection:
    """The SEDs of one scenario x target x profile, stacked over realizations."""

    seeds: list[int]
    missing: list[int]
    sed: dict[str, np.ndarray]  # column -> (nreal, nbins[, npts])
    global_ts: np.ndarray  # (nreal,)
    truth_norm: np.ndarray | None  # (nreal, nbins) injected normalisation, if any
    synthetic: bool


def collect(sed_path: Any, truth_path: Any, first: int, last: int, allow_missing: bool) -> Collection:
    """Read the SEDs of seeds first..last (inclusive); missing ones fail unless allowed.

    ``sed_path(seed)`` and ``truth_path(seed)`` give the files (from the layout).
    """
    seeds, missing, tables, ts, truths, synthetic = [], [], [], [], [], True
    for seed in range(first, last + 1):
        path: Path = sed_path(seed)
        if not path.exists():
            missing.append(seed)
            continue
        try:
            data, header = read_sed(path)
        except InputError:
            missing.append(seed)
            continue
        seeds.append(seed)
        tables.append(data)
        ts.append(float(header.get("TS", np.nan)))
        synthetic = synthetic and bool(header.get("SYNTHET", False))
        truth_file = truth_path(seed)
        if truth_file.exists():
            injected = (load_yaml(truth_file, "truth file") or {}).get("injected")
            # a fermipy-only spectrum (DMFitFunction) has no per-bin truth the engine can compute
            norm = injected.get("norm") if injected else None
            truths.append(np.asarray(norm, float) if norm is not None else None)
        else:
            truths.append(None)
    if missing and not allow_missing:
        listing = ", ".join(str(s) for s in missing)
        raise InputError(
            sed_path(missing[0]).parent,
            "seeds",
            f"{len(missing)} of {last - first + 1} realizations missing or unreadable: {listing} "
            "(rerun them, or pass --allow_missing to collect the rest)",
        )
    if not tables:
        raise InputError(sed_path(first).parent, "seeds", f"no readable realization between {first} and {last}")
    stacked = {col: np.stack([t[col] for t in tables]) for col in tables[0]}
    truth = np.stack(truths) if all(t is not None for t in truths) else None
    return Collection(seeds, missing, stacked, np.asarray(ts), truth, synthetic)


def write_collected(path: Path, col: Collection, first: int, last: int) -> None:
    """Every realization's SED columns stacked, one row per seed (fermipy's collected file)."""
    from astropy.io import fits

    from pyfermijobs.yamlio import atomic_path

    cols = [fits.Column("seed", "K", array=np.asarray(col.seeds)), fits.Column("ts_global", "D", array=col.global_ts)]
    for name, values in col.sed.items():
        shape = values.shape[1:]
        cols.append(fits.Column(name, f"{int(np.prod(shape))}D", dim=_dim(shape), array=values))
    if col.truth_norm is not None:
        cols.append(fits.Column("norm_true", f"{col.truth_norm.shape[1]}D", array=col.truth_norm))
    hdu = fits.BinTableHDU.from_columns(cols, name="SED_COLLECTED")
    _describe(hdu.header, col, first, last)
    with atomic_path(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp)


def write_summary(path: Path, col: Collection, first: int, last: int) -> None:
    """Per energy bin, across realizations: the statistics of SUMMARY_COLUMNS (+ global TS)."""
    from astropy.io import fits

    from pyfermijobs.yamlio import atomic_path

    cols = [fits.Column(c, "D", unit="MeV", array=col.sed[c][0]) for c in ("e_min", "e_ref", "e_max")]
    for name in SUMMARY_COLUMNS:
        for stat, values in summary_stats(col.sed[name]).items():
            cols.append(fits.Column(f"{name}_{stat}", "D", array=values))
    hdu = fits.BinTableHDU.from_columns(cols, name="SED_SUMMARY")
    _describe(hdu.header, col, first, last)
    global_cols = [
        fits.Column(f"ts_{stat}", "D", array=np.atleast_1d(v)) for stat, v in summary_stats(col.global_ts).items()
    ]
    global_hdu = fits.BinTableHDU.from_columns(global_cols, name="GLOBAL_TS")
    with atomic_path(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(), hdu, global_hdu]).writeto(tmp)


def read_table(path: Path, hdu: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    from astropy.io import fits

    try:
        with fits.open(path, memmap=False) as hdul:
            table = hdul[hdu]
            return {n: np.array(table.data[n]) for n in table.columns.names}, dict(table.header)
    except (OSError, KeyError) as exc:
        raise InputError(path, hdu, f"cannot read ({exc})") from None


def _dim(shape: tuple[int, ...]) -> str | None:
    return None if len(shape) == 1 else "(" + ",".join(str(s) for s in reversed(shape)) + ")"


def _describe(header: Any, col: Collection, first: int, last: int) -> None:
    header["FIRST"] = (first, "first seed asked for")
    header["LAST"] = (last, "last seed asked for (inclusive)")
    header["NREAL"] = (len(col.seeds), "realizations used")
    header["NMISSING"] = (len(col.missing), "realizations missing or unreadable")
    header["SYNTHET"] = col.synthetic
    if col.missing:
        header["MISSING"] = ",".join(str(s) for s in col.missing)[:68]
        for i in range(0, len(col.missing), 15):
            header.add_comment("missing seeds: " + ",".join(str(s) for s in col.missing[i : i + 15]))
