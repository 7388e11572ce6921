"""Castro plot: the likelihood of the energy flux in each energy bin (fermipy's plotCastro).

fermipy's own plotCastro fails on current matplotlib; this one draws the same picture: the
delta log-likelihood as a colour map over energy x E^2 dN/dE, the 95% upper limits as
arrows where the bin's TS is below 4, and the best fits with errors elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pyfermijobs.labels import is_synthetic
from pyfermijobs.layout import Layout
from pyfermijobs.plotting.style import mark_synthetic, pyplot, save

DETECTION_TS = 4.0
DLOGL_FLOOR = -10.0


def castro_grid(sed: dict[str, np.ndarray], nflux: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """E^2 dN/dE grid edges (MeV cm-2 s-1) and delta log L on it, shape (nflux, nbins)."""
    conv = sed["ref_dnde"] * sed["e_ref"] ** 2  # norm -> E^2 dN/dE
    top = np.nanmax(sed["norm_scan"] * conv[:, None])
    positive = (sed["norm_scan"] * conv[:, None])[sed["norm_scan"] > 0]
    bottom = max(np.nanmin(positive) if positive.size else top * 1e-3, top * 1e-4)
    edges = np.geomspace(bottom, top, nflux + 1)
    centres = np.sqrt(edges[1:] * edges[:-1])
    grid = np.empty((nflux, len(conv)))
    for k in range(len(conv)):
        x = sed["norm_scan"][k] * conv[k]
        grid[:, k] = np.interp(centres, x, sed["dloglike_scan"][k], right=DLOGL_FLOOR)
    return edges, np.clip(grid, DLOGL_FLOOR, 0.0)


def pair(lower: np.ndarray, upper: np.ndarray) -> list[list[float]]:
    """Asymmetric error bars as lists: matplotlib's errorbar tests the first row of an array with
    math.isfinite, which NumPy deprecates for a one-element row (one bin)."""
    return [np.asarray(lower, float).tolist(), np.asarray(upper, float).tolist()]


def plot_castro(sed: dict[str, np.ndarray], path: Path, title: str, synthetic: bool, pdf: bool = False) -> list[Path]:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    mark_synthetic(fig, synthetic)
    ebins = np.append(sed["e_min"], sed["e_max"][-1])
    fedges, grid = castro_grid(sed)
    mesh = ax.pcolormesh(ebins, fedges, grid, cmap="BuGn", vmin=DLOGL_FLOOR, vmax=0.0, shading="flat")
    cbar = fig.colorbar(mesh, ax=ax)
    cbar.set_label(r"$\Delta \ln L$")
    detected = sed["ts"] >= DETECTION_TS
    x = sed["e_ref"]
    xerr = [x - sed["e_min"], sed["e_max"] - x]
    ul = sed["e2dnde_ul"]
    ax.errorbar(
        x[~detected],
        ul[~detected],
        xerr=pair(xerr[0][~detected], xerr[1][~detected]),
        yerr=0.35 * ul[~detected],
        uplims=True,
        fmt="none",
        color="k",
        label="95% upper limit",
    )
    if detected.any():
        lo = np.nan_to_num(sed["e2dnde_errn"][detected], nan=0.0)
        ax.errorbar(
            x[detected],
            sed["e2dnde"][detected],
            xerr=pair(xerr[0][detected], xerr[1][detected]),
            yerr=pair(lo, sed["e2dnde_errp"][detected]),
            fmt="o",
            color="crimson",
            label="best fit (TS >= 4)",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(ebins[0], ebins[-1])
    ax.set_ylim(fedges[0], fedges[-1])
    ax.set_xlabel("Energy [MeV]")
    ax.set_ylabel(r"$E^2\,dN/dE$ [MeV cm$^{-2}$ s$^{-1}$]")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return save(fig, path, pdf)


def plot_target_castro(layout: Layout, target: str, profile: str, pdf: bool = False) -> list[Path]:
    """The castro plot of a target x profile's data SED, beside it (``sed_{profile}.png``)."""
    from pyfermijobs.io.sed_fits import read_sed

    sed, header = read_sed(layout.sed_file(target, profile))
    title = f"{target} - {profile}  (TS = {float(header.get('TS', 0.0)):.1f})"
    return plot_castro(sed, layout.castro_plot(target, profile), title, is_synthetic(header), pdf)
