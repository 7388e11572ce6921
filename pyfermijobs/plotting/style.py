"""Shared matplotlib set-up: the Agg backend, figure saving, the SYNTHETIC mark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SYNTHETIC_TEXT = "SYNTHETIC DATA (pyfermijobs LAT-like sky)"


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (no display needed, in tasks and CI)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def mark_synthetic(fig: Any, synthetic: bool) -> None:
    if synthetic:
        fig.text(
            0.5,
            0.5,
            "SYNTHETIC",
            fontsize=60,
            color="grey",
            alpha=0.15,
            ha="center",
            va="center",
            rotation=25,
            zorder=0,
        )
        fig.text(0.99, 0.005, SYNTHETIC_TEXT, fontsize=8, color="firebrick", ha="right", va="bottom")


def unit_gaussian_histogram(ax: Any, values: Any, what: str, limit: float) -> None:
    """Histogram of ``values`` (finite ones) over [-limit, limit] against a unit Gaussian.

    Residual significances and pulls are both checked this way.
    """
    import numpy as np
    from scipy import stats

    values = np.asarray(values)[np.isfinite(values)].ravel()
    ax.hist(
        values,
        bins=np.linspace(-limit, limit, int(8 * limit) + 1),
        density=True,
        color="tab:blue",
        alpha=0.6,
        label=f"{what} (mean {values.mean():.2f}, sd {values.std():.2f})",
    )
    grid = np.linspace(-limit, limit, 200)
    ax.plot(grid, stats.norm.pdf(grid), color="crimson", label="unit Gaussian")


def save(fig: Any, path: Path, pdf: bool = False) -> list[Path]:
    """Write PNG (and PDF) atomically; returns the files written."""
    from pyfermijobs.atomic import atomic_path

    written = []
    for ext in ("png", "pdf") if pdf else ("png",):
        target = Path(path).with_suffix(f".{ext}")
        with atomic_path(target) as tmp:
            fig.savefig(tmp, dpi=110, format=ext)
        written.append(target)
    pyplot().close(fig)
    return written
