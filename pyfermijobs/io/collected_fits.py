"""The collected and summary files of CollectSED (fermipy.jobs' names), and reading their tables.

``..._collected_{first}_{last}.fits``: every realization's SED columns, one row per seed
(HDU ``SED_COLLECTED``). ``..._summary_{first}_{last}.fits``: per energy bin, statistics across
realizations (HDU ``SED_SUMMARY``) and those of the global TS (HDU ``GLOBAL_TS``). Both record
the seeds asked for, used and missing in their headers. The realizations' SEDs and truth files
are read here too (:func:`collect_realizations`), so the statistics of ``estimators`` stay pure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.atomic import atomic_path
from pyfermijobs.errors import InputError
from pyfermijobs.estimators.collect import Collection
from pyfermijobs.io.sed_fits import read_sed
from pyfermijobs.labels import is_synthetic
from pyfermijobs.yamlio import load_yaml


def write_collected(path: Path, col: Collection, first: int, last: int) -> None:
    """Every realization's SED columns stacked, one row per seed (fermipy's collected file)."""
    from astropy.io import fits

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


def write_summary(
    path: Path, columns: dict[str, np.ndarray], global_ts: dict[str, np.ndarray], col: Collection, first: int, last: int
) -> None:
    """The summary file: per-bin statistics (``columns``) and those of the global TS."""
    from astropy.io import fits

    energies = ("e_min", "e_ref", "e_max")
    cols = [fits.Column(n, "D", unit="MeV" if n in energies else None, array=v) for n, v in columns.items()]
    hdu = fits.BinTableHDU.from_columns(cols, name="SED_SUMMARY")
    _describe(hdu.header, col, first, last)
    global_cols = [fits.Column(n, "D", array=v) for n, v in global_ts.items()]
    global_hdu = fits.BinTableHDU.from_columns(global_cols, name="GLOBAL_TS")
    with atomic_path(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(), hdu, global_hdu]).writeto(tmp)


def read_table(path: Path, hdu: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """One table HDU as arrays, and its header; unreadable files raise InputError."""
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


def collect_realizations(sed_path: Any, truth_path: Any, first: int, last: int, allow_missing: bool) -> Collection:
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
        synthetic = synthetic and is_synthetic(header)
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
