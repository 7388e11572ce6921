"""Expected bands: the data's upper limits over the spread of the control studies' limits.

fermipy's PlotSEDSummaryBands: for each control study (null simulations, random directions)
the median and the 68% and 95% containment of the per-bin 95% upper limits on E^2 dN/dE,
from CollectSED's summary file, with the data's limits on top.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pyfermijobs.plotting.style import mark_synthetic, pyplot, save

COLOURS = {"null": ("tab:blue", "null simulations"), "random": ("tab:orange", "random directions")}


def plot_bands(
    data_sed: dict[str, np.ndarray],
    summaries: dict[str, dict[str, np.ndarray]],
    path: Path,
    title: str,
    synthetic: bool,
    pdf: bool = False,
) -> list[Path]:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    mark_synthetic(fig, synthetic)
    x = data_sed["e_ref"]
    for name, summary in summaries.items():
        colour, label = COLOURS.get(name, ("tab:green", name))
        ax.fill_between(
            x, summary["e2dnde_ul_q02"], summary["e2dnde_ul_q97"], color=colour, alpha=0.15, label=f"{label}: 95%"
        )
        ax.fill_between(
            x, summary["e2dnde_ul_q16"], summary["e2dnde_ul_q84"], color=colour, alpha=0.35, label=f"{label}: 68%"
        )
        ax.plot(x, summary["e2dnde_ul_median"], color=colour, lw=1.5, ls="--", label=f"{label}: median")
    ax.plot(x, data_sed["e2dnde_ul"], "kv-", ms=6, label="data: 95% upper limits")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Energy [MeV]")
    ax.set_ylabel(r"95% UL on $E^2\,dN/dE$ [MeV cm$^{-2}$ s$^{-1}$]")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return save(fig, path, pdf)
