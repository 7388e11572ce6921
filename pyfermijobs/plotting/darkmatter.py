"""Dark-matter plots: likelihood maps in (mass, sigmav), limit curves, expected bands, TS checks.

A decay channel (``*_decay``) is drawn on its lifetime: y is tau = 1/Gamma (s), the limits are lower
limits, and there is no thermal-relic line (an annihilation cross-section).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.plotting.style import mark_synthetic, pyplot, save

#: Thermal relic cross-section (Steigman et al. 2012), drawn on limit plots.
THERMAL_RELIC = 2.2e-26


def is_decay(channel: str) -> bool:
    return channel.endswith("_decay")


def limit_column(channel: str) -> str:
    """The summary column of a channel's 95% limit: ``ul95`` (sigmav), ``tau_ll95`` (decay: lifetime)."""
    return "tau_ll95" if is_decay(channel) else "ul95"


def _limit_axes(ax: Any, channel: str) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("mass (GeV)")
    if is_decay(channel):
        ax.set_ylabel(r"lifetime $\tau$ (s)" + f"  [{channel}]")
        return
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
    """delta log-likelihood over (mass, sigmav) for one channel, with the 95% upper limit (a decay
    channel: over (mass, tau = 1/Gamma), with the 95% lower limit on tau)."""
    plt = pyplot()
    i = like.channels.index(channel)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    dll = like.dloglike[i] - np.max(like.dloglike[i], axis=1, keepdims=True)
    decay = is_decay(channel)
    y, z = (1.0 / like.sigmav[::-1], dll[:, ::-1]) if decay else (like.sigmav, dll)
    mesh = ax.pcolormesh(like.masses, y, np.clip(z.T, -25, 0), cmap="viridis", shading="nearest")
    fig.colorbar(mesh, ax=ax, label=r"$\Delta \ln L$")
    values, label = lim.limit95(channel)
    ax.plot(lim.masses, values, color="w", lw=2, label=label)
    _limit_axes(ax, channel)
    finite = values[np.isfinite(values) & (values > 0)]
    if finite.size:  # around the limits: two decades on the allowed side, one on the excluded side
        lo, hi = (finite.min() / 10, finite.max() * 100) if decay else (finite.min() / 100, finite.max() * 10)
        ax.set_ylim(max(y[0], lo), min(y[-1], hi))
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
    thin: dict[str, list[tuple[np.ndarray, np.ndarray]]] | None = None,
) -> list[Path]:
    """95% limits against mass (upper on sigmav; lower on the lifetime of a decay channel): named curves
    (bold) and optional families of thin ones."""
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
    ``reference``: (label, masses, limits) of a published curve drawn beside it. A decay channel's
    bands are of the lifetime's lower limits (``tau_ll95_*``), ``data`` and ``truth`` lifetimes."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    colours = ["tab:green", "tab:orange", "tab:purple", "tab:cyan"]
    name = limit_column(channel)
    for (label, cols), colour in zip(bands.items(), colours, strict=False):
        ax.fill_between(masses, cols[f"{name}_q02"], cols[f"{name}_q97"], color=colour, alpha=0.2, lw=0)
        ax.fill_between(masses, cols[f"{name}_q16"], cols[f"{name}_q84"], color=colour, alpha=0.35, lw=0)
        ax.plot(masses, cols[f"{name}_median"], color=colour, ls="--", label=f"{label}: median expected, 68%/95%")
    if data is not None:
        ax.plot(masses, data, color="k", lw=2, label="data: 95% LL on tau" if is_decay(channel) else "data: 95% UL")
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
    quantity: str = r"$\langle\sigma v\rangle$",
) -> list[Path]:
    """Across realizations at one channel and mass: TS against (1/2)chi2(0) + (1/2)chi2(1), and best fits
    (``mle``: of sigmav, or for a decay channel the lifetimes, ``quantity`` naming it; a realization
    with no signal preferred, 0 or an infinite lifetime, is left out of the histogram)."""
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
    positive = mle[(mle > 0) & np.isfinite(mle)]
    if positive.size:
        right.hist(np.log10(positive), bins=20, color="tab:blue", alpha=0.6, label=f"{positive.size} with a signal")
    if truth:
        right.axvline(np.log10(truth), color="crimson", label="injected")
    right.set_xlabel(r"log$_{10}$ best-fit " + quantity)
    right.legend(fontsize=7)
    fig.suptitle(f"{title} ({label})", fontsize=9)
    mark_synthetic(fig, synthetic)
    return save(fig, path, pdf)
