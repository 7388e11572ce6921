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


def summary_columns(col: Collection) -> dict[str, np.ndarray]:
    """The summary table's columns: energies, then per energy bin ``{column}_{stat}`` across realizations."""
    out = {c: col.sed[c][0] for c in ("e_min", "e_ref", "e_max")}
    for name in SUMMARY_COLUMNS:
        for stat, values in summary_stats(col.sed[name]).items():
            out[f"{name}_{stat}"] = values
    return out


def global_ts_summary(col: Collection) -> dict[str, np.ndarray]:
    """The statistics of the global TS across realizations (``ts_{stat}``)."""
    return {f"ts_{stat}": np.atleast_1d(v) for stat, v in summary_stats(col.global_ts).items()}
