"""The standard plots of an ROI fit (fermipy's make_plots of AnalyzeROI).

Counts and model maps (summed over energy, catalog sources marked and labelled), the residual
significance map with its histogram against a unit Gaussian, the TS map of an index-2 point
source, and the counts spectrum with the model components stacked and the data/model ratio.
Maps are drawn in the ROI's own frame and projection (WCS axes, degrees).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.datasets.geom import to_frame
from pyfermijobs.datasets.roi import POSITIONED, ROIDataset
from pyfermijobs.plotting.style import mark_synthetic, pyplot, save, unit_gaussian_histogram

LABEL_TS = 25.0  # sources above this TS get their name written next to the marker


def _map_axes(fig, roi: ROIDataset, rect: tuple[float, float, float, float] = (0.1, 0.1, 0.72, 0.8)):
    """WCS axes whose labels belong to the coordinates, not to the frame's sides: near a pole the
    longitude's ticks can sit on either side, and set_xlabel would name the wrong one."""
    ax = fig.add_axes(rect, projection=roi.geom.wcs)
    names = ("Galactic longitude", "Galactic latitude") if roi.geom.coordsys == "GAL" else ("RA", "Dec")
    for coord, name in zip(ax.coords, names, strict=True):
        coord.set_format_unit("deg", decimal=True)  # RA in degrees too, as the label says
        coord.set_major_formatter("d.d")
        coord.set_axislabel(f"{name} [deg]")
        coord.set_axislabel_position(coord.get_ticklabel_position())
    return ax


def _title(ax: Any, title: str) -> None:
    """Above the frame, clear of tick labels a coordinate may put on the top side."""
    ax.set_title(title, pad=26)  # where the ticks go is decided at drawing time


def _mark_sources(ax, roi: ROIDataset) -> None:
    for comp in roi.components:
        if comp.kind not in POSITIONED:
            continue
        lon, lat = to_frame(comp.ra, comp.dec, roi.geom.coordsys)
        x, y = roi.geom.sky_to_pix(np.atleast_1d(lon), np.atleast_1d(lat))
        if not roi.geom.contains(lon, lat):
            continue
        found = comp.info.get("found_by") == "find_sources"
        ax.plot(x, y, marker="+" if not found else "x", color="white" if not found else "orange", ms=8, mew=1.5)
        if float(comp.info.get("ts", 0.0)) >= LABEL_TS or found:
            ax.annotate(
                comp.name.replace("4FGL ", ""),
                (x[0], y[0]),
                xytext=(4, 4),
                textcoords="offset points",
                color="white",
                fontsize=6,
            )
    tx, ty = roi.geom.sky_to_pix(np.atleast_1d(roi.geom.lon), np.atleast_1d(roi.geom.lat))
    ax.plot(tx, ty, marker="o", mfc="none", color="cyan", ms=10, label="target")


def plot_map(
    roi: ROIDataset,
    image: np.ndarray,
    path: Path,
    title: str,
    label: str,
    cmap: str = "magma",
    sources: bool = True,
    symmetric: bool = False,
    pdf: bool = False,
) -> list[Path]:
    return save(map_figure(roi, image, title, label, cmap, sources, symmetric), path, pdf)


def map_figure(
    roi: ROIDataset,
    image: np.ndarray,
    title: str,
    label: str,
    cmap: str = "magma",
    sources: bool = True,
    symmetric: bool = False,
) -> Any:
    """A sky map of the ROI in its own frame and projection, with its colour bar."""
    plt = pyplot()
    fig = plt.figure(figsize=(7, 6))
    ax = _map_axes(fig, roi, (0.12, 0.1, 0.68, 0.8))
    limit = np.nanmax(np.abs(image)) if symmetric else None
    im = ax.imshow(image, origin="lower", cmap=cmap, vmin=-limit if symmetric else None, vmax=limit)
    cbar = fig.colorbar(im, cax=fig.add_axes((0.84, 0.1, 0.03, 0.8)))
    cbar.set_label(label)
    if sources:
        _mark_sources(ax, roi)
    _title(ax, title)
    mark_synthetic(fig, roi.synthetic)
    return fig


def plot_residuals(roi: ROIDataset, significance: np.ndarray, path: Path, title: str, pdf: bool = False) -> list[Path]:
    return save(residuals_figure(roi, significance, title), path, pdf)


def residuals_figure(roi: ROIDataset, significance: np.ndarray, title: str) -> Any:
    """The residual-significance map beside its histogram against a unit Gaussian."""
    plt = pyplot()
    fig = plt.figure(figsize=(12, 5.5))
    # the map keeps a square panel of its own (a shared grid squeezed it beside the histogram)
    ax = _map_axes(fig, roi, (0.07, 0.1, 0.38, 0.8))
    im = ax.imshow(significance, origin="lower", cmap="RdBu_r", vmin=-5, vmax=5)
    fig.colorbar(im, cax=fig.add_axes((0.47, 0.1, 0.015, 0.8))).set_label(r"residual significance [$\sigma$]")
    _mark_sources(ax, roi)
    _title(ax, title)
    hist = fig.add_axes((0.6, 0.12, 0.37, 0.76))
    unit_gaussian_histogram(hist, significance, "pixels", 5.0)
    hist.set_yscale("log")
    hist.set_ylim(1e-4, 1)
    hist.set_xlabel(r"significance [$\sigma$]")
    hist.set_ylabel("fraction of pixels per unit")
    hist.legend(fontsize=8)
    mark_synthetic(fig, roi.synthetic)
    return fig


def plot_spectrum(roi: ROIDataset, path: Path, title: str, pdf: bool = False) -> list[Path]:
    """Counts per energy bin, the model's components stacked, and data/model."""
    plt = pyplot()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    geom = roi.geom
    edges = np.asarray(geom.energy_edges)
    counts = roi.counts.sum(axis=(1, 2))
    model = roi.model().sum(axis=(1, 2))
    groups: dict[str, np.ndarray] = {}
    for comp in roi.components:
        if comp.template is None:
            continue
        key = comp.name if comp.kind != "point" else "point sources"
        groups[key] = groups.get(key, 0.0) + comp.template.sum(axis=(1, 2))
    if roi.fixed is not None and roi.fixed.any():
        groups["fixed sources"] = roi.fixed.sum(axis=(1, 2))
    base = np.zeros(geom.nebins)
    for name, values in groups.items():
        top.fill_between(
            edges,
            np.append(base, base[-1]),
            np.append(base + values, (base + values)[-1]),
            step="post",
            alpha=0.5,
            label=name,
        )
        base = base + values
    top.stairs(model, edges, color="k", lw=1.5, label="model")
    top.errorbar(geom.ectr, counts, yerr=np.sqrt(counts), fmt="o", color="crimson", ms=4, label="counts")
    top.set_xscale("log")
    top.set_yscale("log")
    top.set_ylabel("counts per bin")
    top.legend(fontsize=7)
    top.set_title(title)
    ratio = counts / model
    bottom.errorbar(geom.ectr, ratio, yerr=np.sqrt(np.maximum(counts, 1)) / model, fmt="o", color="crimson", ms=4)
    bottom.axhline(1.0, color="k", lw=1)
    bottom.set_xlabel("Energy [MeV]")
    bottom.set_ylabel("data / model")
    fig.tight_layout()
    mark_synthetic(fig, roi.synthetic)
    return save(fig, path, pdf)
