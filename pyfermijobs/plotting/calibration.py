"""Calibration plots of the control studies.

* Null simulations: the distribution of the test source's TS against the half chi-square
  mixture it should follow (survival function, log scale).
* Injected simulations: fitted against injected normalisation per energy bin, and the pull
  histogram against a unit Gaussian.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import stats

from pyfermijobs.plotting.style import mark_synthetic, pyplot, save, unit_gaussian_histogram


def plot_null_ts(ts: np.ndarray, path: Path, title: str, synthetic: bool, pdf: bool = False) -> list[Path]:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.8))
    mark_synthetic(fig, synthetic)
    values = np.sort(ts)
    survival = 1.0 - np.arange(len(values)) / len(values)
    ax.step(values, survival, where="post", color="k", label=f"null simulations (N = {len(values)})")
    grid = np.linspace(0, max(values.max(), 10.0), 200)
    ax.plot(grid, 0.5 * stats.chi2(1).sf(grid), color="crimson", label=r"$\frac{1}{2}\chi^2_1$ (expected)")
    ax.axvline(2.71, color="grey", ls=":", lw=1)
    ax.set_yscale("log")
    ax.set_ylim(max(0.5 / len(values), 1e-4), 1.05)
    ax.set_xlabel("TS of the test source")
    ax.set_ylabel("fraction of realizations with TS above")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save(fig, path, pdf)


def plot_recovery(
    e_ref: np.ndarray,
    norm: np.ndarray,
    errn: np.ndarray,
    errp: np.ndarray,
    truth: np.ndarray,
    path: Path,
    title: str,
    synthetic: bool,
    pdf: bool = False,
) -> list[Path]:
    """``norm``/``errn``/``errp`` (nreal, nbins) against ``truth`` (nreal, nbins)."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    mark_synthetic(fig, synthetic)
    ratio = norm / truth
    left.fill_between(
        e_ref,
        np.percentile(ratio, 16, axis=0),
        np.percentile(ratio, 84, axis=0),
        color="tab:blue",
        alpha=0.3,
        label="68% of realizations",
    )
    left.plot(e_ref, np.median(ratio, axis=0), "o-", color="tab:blue", label="median")
    left.axhline(1.0, color="k", lw=1)
    left.set_xscale("log")
    left.set_xlabel("Energy [MeV]")
    left.set_ylabel("fitted / injected flux")
    left.legend(fontsize=8)
    err = np.where(norm > truth, errn, errp)
    pull = ((norm - truth) / err)[np.isfinite(err) & (err > 0)]
    unit_gaussian_histogram(right, pull, "pulls", 4.0)
    right.set_xlabel("(fitted - injected) / error")
    right.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return save(fig, path, pdf)
