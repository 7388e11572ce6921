"""CollectSED: statistics across realizations, per energy bin.

fermipy 1.4.3's ``collect_summary_stats`` takes its statistics over the energy axis of each
realization; they belong across realizations, per energy bin, which is what this does:
``_mean _std _median _q02 _q16 _q84 _q97`` (2.5/16/84/97.5 percentiles; std with ddof=0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

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
