"""The diffuse models' files (Galactic cube, isotropic spectrum) read, checked and turned into ROI templates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom
from pyfermijobs.datasets.lat_response import check_covers, exposure_at_nodes
from pyfermijobs.datasets.map_sampling import loglog_interp, planes, sample_cube
from pyfermijobs.datasets.psf import PSFTable, psf_kernel
from pyfermijobs.errors import InputError

if TYPE_CHECKING:
    from pyfermijobs.formats.fermipy_files import ExposureCube, HealpixExposure

#: PSF kernels reach this many 68% radii (and no further than MAX_KERNEL_DEG).
KERNEL_R68 = 4.0
MAX_KERNEL_DEG = 6.0


def read_isotropic(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The isotropic template: energies (MeV) and intensity (ph cm-2 s-1 MeV-1 sr-1)."""
    try:
        table = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as exc:
        raise InputError(
            path, "model.isodiff", f"not an isotropic spectrum table (E, intensity[, error]): {exc}"
        ) from None
    if table.size == 0 or table.shape[1] < 2 or np.any(~np.isfinite(table[:, :2])):
        raise InputError(path, "model.isodiff", "needs finite columns E (MeV) and intensity, one row per energy")
    if np.any(table[:, 1] <= 0) or np.any(np.diff(table[:, 0]) <= 0) or table[0, 0] <= 0:
        raise InputError(path, "model.isodiff", "needs columns E (MeV, increasing) and intensity (> 0)")
    return table[:, 0], table[:, 1]


def read_galactic(path: Path) -> ExposureCube | HealpixExposure:
    """The Galactic model cube (intensity in ph cm-2 s-1 MeV-1 sr-1 at energies in MeV): a WCS
    image or a HEALPix table, its energies in ``ENERGIES`` (Fermitools: gll_iem_v07.fits) or the
    ``*_BANDS`` table its header names (gammapy's ``Map.write``, e.g. of a cutout of gll_iem_v07)."""
    from pyfermijobs.formats.fermipy_files import INTENSITY_UNIT, read_energy_cube

    cube = read_energy_cube(path, "Galactic model cube", INTENSITY_UNIT)
    if np.any(~np.isfinite(cube.energies)) or np.any(np.diff(cube.energies) <= 0) or cube.energies[0] <= 0:
        raise InputError(path, "ENERGIES", "the model's energies must be > 0 and increasing")
    return cube


def galactic_footprint(path: Path, geom: ROIGeom, node_e: np.ndarray) -> None:
    """The ROI lies inside the Galactic model's map, its energies span the analysis' and its
    intensities there are finite and >= 0 (InputError naming the file otherwise)."""
    cube = read_galactic(path)
    check_covers(path, "ENERGIES", "the Galactic model", cube.energies, node_e)
    sampled = sample_cube(cube, geom, path, "model.galdiff")
    if np.any(~np.isfinite(sampled)) or np.any(sampled < 0):
        raise InputError(path, "model.galdiff", "intensities in the ROI must be finite and >= 0")


def galactic_template(
    path: Path, geom: ROIGeom, exposure_path: Path, psf: PSFTable, node_e: np.ndarray, node_w: np.ndarray
) -> np.ndarray:
    """Predicted counts of the Galactic model cube: intensity x exposure x solid angle, PSF-convolved."""
    from scipy.signal import fftconvolve

    cube = read_galactic(path)
    energies = cube.energies
    sample_cube(planes(cube, 0, 1), geom, path, "model.galdiff")  # the ROI itself inside the map
    r68 = psf.r68()
    template = np.empty(geom.shape)
    for k in range(geom.nebins):
        radius = float(min(KERNEL_R68 * r68[k], MAX_KERNEL_DEG))
        pad = int(np.ceil(radius / geom.binsz))
        big = geom.padded(pad)
        # only the planes around this bin's nodes are sampled in space
        lo = min(max(int(np.searchsorted(energies, node_e[k].min())) - 1, 0), len(energies) - 2)
        hi = max(min(int(np.searchsorted(energies, node_e[k].max())), len(energies) - 1), lo + 1)
        sampled = sample_cube(planes(cube, lo, hi + 1), big, path, "model.galdiff", strict=False)
        flat = np.log(np.maximum(sampled.reshape(len(sampled), -1), 1e-300))
        intensity = loglog_interp(np.log(energies[lo : hi + 1]), flat, node_e[k])  # (nodes, pixels)
        expo = exposure_at_nodes(exposure_path, big, node_e[k : k + 1], strict=False)[0].reshape(len(node_e[k]), -1)
        per_node = (node_w[k] * node_e[k])[:, None]
        sky = np.sum(per_node * intensity * expo, axis=0).reshape(big.ny, big.npix) * big.solid_angle
        smoothed = fftconvolve(sky, psf_kernel(psf, k, geom.binsz, radius), mode="same")
        template[k] = smoothed[pad : pad + geom.ny, pad : pad + geom.npix]
    return template


def isotropic_template(path: Path, geom: ROIGeom, exposure: np.ndarray, node_e: np.ndarray, node_w: np.ndarray):
    """Predicted counts of the isotropic spectrum (flat in the sky: no PSF convolution needed)."""
    energies, intensity = read_isotropic(path)
    per_node = node_w * node_e * loglog_interp(np.log(energies), np.log(intensity), node_e)
    return np.sum(per_node[:, :, None, None] * exposure, axis=1) * geom.solid_angle[None]
