"""Dark-matter plots: likelihood maps in (mass, sigmav), limit curves, expected bands, TS checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.plotting.style import mark_synthetic, pyplot, save

#: Thermal relic cross-section (Steigman et al. 2012), drawn on limit plots.
THERMAL_RELIC = 2.2e-26


def _limit_axes(ax: Any, channel: str) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("mass (GeV)")
    ax.set_ylabel(r"$\langle\sigma v\rangle$ (cm$^3$ s$^{-1}$)" + f"  [{channel}]")
    ax.axhline(THERMAL_RELIC, color="grey", ls=":", label="thermal relic (Steigman+ 2012)")


def _finish(fig: Any, ax: Any, channel: str, title: str, synthetic: bool, path: Path, pdf: bool) -> list[Path]:
    """Axes of a limits plot (log-log, thermal relic), title, legend, SYNTHETIC mark; saved."""
    _limit_axes(ax, channel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    mark_synthetic(fig, synthetic)
    return save(fig, path, pdf)


def plot_dm_castro(
    like: Any, lim: Any, channel: str, path: Path, title: str, synthetic: bool, pdf: bool = False
) -> list[Path]:
    """delta log-likelihood over (mass, sigmav) for one channel, with the 95% upper limit."""
    plt = pyplot()
    i = like.channels.index(channel)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    dll = like.dloglike[i] - np.max(like.dloglike[i], axis=1, keepdims=True)
    mesh = ax.pcolormesh(like.masses, like.sigmav, np.clip(dll.T, -25, 0), cmap="viridis", shading="nearest")
    fig.colorbar(mesh, ax=ax, label=r"$\Delta \ln L$")
    ax.plot(lim.masses, lim.ul95[i], color="w", lw=2, label="95% UL")
    _limit_axes(ax, channel)
    finite = lim.ul95[i][np.isfinite(lim.ul95[i])]
    if finite.size:  # around the limits: two decades below the lowest, one above the highest
        ax.set_ylim(max(like.sigmav[0], finite.min() / 100), min(like.sigmav[-1], finite.max() * 10))
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    mark_synthetic(fig, synthetic)
    return save(fig, path, pdf)


def plot_limit_curves(
    curves: dict[str, tuple[np.ndarray, np.ndarray]],
    channel: str,
    path: Path,
    title: str,
    synthetic: bool,
    pdf: bool = False,
    thin: dict[str, list[np.ndarray]] | None = None,
) -> list[Path]:
    """95% upper limits against mass: named curves (bold) and optional families of thin ones."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    for label, family in (thin or {}).items():
        for k, (masses, values) in enumerate(family):
            ax.plot(masses, values, color="tab:grey", lw=0.5, alpha=0.4, label=label if k == 0 else None)
    for label, (masses, values) in curves.items():
        ax.plot(masses, values, lw=2, label=label)
    return _finish(fig, ax, channel, title, synthetic, path, pdf)


def plot_expected_bands(
    masses: np.ndarray,
    bands: dict[str, dict[str, np.ndarray]],
    channel: str,
    path: Path,
    title: str,
    synthetic: bool,
    data: np.ndarray | None = None,
    truth: tuple[float, float] | None = None,
    pdf: bool = False,
    reference: tuple[str, np.ndarray, np.ndarray] | None = None,
) -> list[Path]:
    """Expected 95% limits (median, 68% and 95% bands) of control studies, the data's limit over them;
    ``reference``: (label, masses, limits) of a published curve drawn beside it."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    colours = ["tab:green", "tab:orange", "tab:purple", "tab:cyan"]
    for (label, cols), colour in zip(bands.items(), colours, strict=False):
        ax.fill_between(masses, cols["ul95_q02"], cols["ul95_q97"], color=colour, alpha=0.2, lw=0)
        ax.fill_between(masses, cols["ul95_q16"], cols["ul95_q84"], color=colour, alpha=0.35, lw=0)
        ax.plot(masses, cols["ul95_median"], color=colour, ls="--", label=f"{label}: median expected, 68%/95%")
    if data is not None:
        ax.plot(masses, data, color="k", lw=2, label="data: 95% UL")
    if reference is not None:
        ax.plot(reference[1], reference[2], color="tab:red", lw=1.5, ls="-.", label=reference[0])
    if truth is not None:
        ax.plot([truth[0]], [truth[1]], marker="*", ms=14, color="crimson", ls="none", label="injected")
    return _finish(fig, ax, channel, title, synthetic, path, pdf)


def plot_ts_and_mles(
    ts: np.ndarray,
    mle: np.ndarray,
    label: str,
    path: Path,
    title: str,
    synthetic: bool,
    truth: float | None = None,
    pdf: bool = False,
) -> list[Path]:
    """Across realizations at one channel and mass: TS against (1/2)chi2(0) + (1/2)chi2(1), and best fits."""
    from scipy import stats

    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    grid = np.linspace(0, max(float(np.nanmax(ts)), 9.0), 200)
    surv = np.array([(ts >= g).mean() for g in grid])
    left.step(grid, surv, where="post", label="realizations")
    left.plot(grid, 0.5 * stats.chi2.sf(grid, 1), color="crimson", label=r"$\frac{1}{2}\chi^2_1$ (null)")
    left.set_yscale("log")
    left.set_xlabel("TS")
    left.set_ylabel("fraction with TS above")
    left.legend(fontsize=7)
    positive = mle[mle > 0]
    if positive.size:
        right.hist(np.log10(positive), bins=20, color="tab:blue", alpha=0.6, label=f"{positive.size} with sigmav > 0")
    if truth:
        right.axvline(np.log10(truth), color="crimson", label="injected")
    right.set_xlabel(r"log$_{10}$ best-fit $\langle\sigma v\rangle$")
    right.legend(fontsize=7)
    fig.suptitle(f"{title} ({label})", fontsize=9)
    mark_synthetic(fig, synthetic)
    return save(fig, path, pdf)
