"""The LAT's response from Fermitools' products: gtexpcube2 exposure at the integration nodes of
the analysis bins, gtpsf tables averaged over each bin, and the check that a table covers the bins."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom
from pyfermijobs.datasets.map_sampling import loglog_interp, sample_cube
from pyfermijobs.datasets.psf import PSFTable
from pyfermijobs.errors import InputError


def check_covers(path: Path, key: str, what: str, energies: np.ndarray, node_e: np.ndarray) -> None:
    """The file's energies span the analysis' integration nodes (no extrapolation beyond a table)."""
    lo, hi = float(np.min(energies)), float(np.max(energies))
    if node_e.min() < lo * (1 - 1e-6) or node_e.max() > hi * (1 + 1e-6):
        raise InputError(
            path,
            key,
            f"{what} covers {lo:g}-{hi:g} MeV, but the analysis needs "
            f"{node_e.min():.4g}-{node_e.max():.4g} MeV (selection.emin/emax)",
        )


def exposure_at_nodes(
    path: Path, geom: ROIGeom, node_e: np.ndarray, lonlat: tuple | None = None, strict: bool = True
) -> np.ndarray:
    """Exposure (nebins, nodes, ...pixels) from a gtexpcube2 cube (WCS or HEALPix): bilinear in
    space, log-log in energy."""
    from pyfermijobs.formats.fermipy_files import read_exposure_cube

    cube = read_exposure_cube(path)
    if np.any(~np.isfinite(cube.data)) or np.any(cube.data < 0) or np.any(np.diff(cube.energies) <= 0):
        raise InputError(path, "ENERGIES", "exposure must be finite and >= 0 at increasing energies")
    check_covers(path, "ENERGIES", "the exposure", cube.energies, node_e)
    sampled = sample_cube(cube, geom, path, "exposure", lonlat, strict)
    flat = np.log(np.maximum(sampled.reshape(len(sampled), -1), 1e-300))
    out = loglog_interp(np.log(cube.energies), flat, node_e)
    return out.reshape(*node_e.shape, *sampled.shape[1:])


def bin_psf(path: Path, node_e: np.ndarray, node_w: np.ndarray) -> PSFTable:
    """The gtpsf table averaged over each energy bin with E^-2 x exposure counts weights."""
    from pyfermijobs.formats.fermipy_files import read_psf_table

    table = read_psf_table(path)
    check_covers(path, "PSF.Energy", "the PSF table", table.energies, node_e)
    if np.any(~np.isfinite(table.psf)) or np.any(table.psf < 0) or np.any(np.diff(table.energies) <= 0):
        raise InputError(path, "PSF", "PSF densities must be finite and >= 0 at increasing energies")
    if np.any(~np.isfinite(table.exposure)) or np.any(table.exposure < 0):
        raise InputError(path, "PSF.Exposure", "exposure must be finite and >= 0")
    if np.any(np.diff(table.theta) <= 0) or table.theta[0] < 0:
        raise InputError(path, "THETA.Theta", "offsets must be >= 0 and increasing")
    log_e = np.log(table.energies)
    profiles = loglog_interp(log_e, np.log(np.maximum(table.psf, 1e-300)), node_e)  # (nebins, nodes, ntheta)
    expo = loglog_interp(log_e, np.log(np.maximum(table.exposure, 1e-300)), node_e)
    weights = node_w * node_e**-1.0 * expo
    density = np.sum((weights / weights.sum(axis=1, keepdims=True))[:, :, None] * profiles, axis=1)
    return PSFTable(table.theta.copy(), density)
