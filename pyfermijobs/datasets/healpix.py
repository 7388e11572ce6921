"""HEALPix maps sampled at an ROI's pixels: gtexpcube2's HEALPix exposure cubes and Galactic
model cubes in HEALPix (fermipy's ``fgst-template``, gammapy's ``HpxNDMap.write``).

Bilinear on the sphere (healpy's four-neighbour weights), as the WCS cubes are bilinear in
their own pixels. A partial map (a ``PIX`` column) covers only its listed pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom, to_frame, to_icrs
from pyfermijobs.errors import InputError
from pyfermijobs.formats.fermipy_files import HealpixExposure


def sample_healpix(
    hpx: HealpixExposure,
    geom: ROIGeom,
    path: Path,
    what: str,
    lonlat: tuple | None = None,
    strict: bool = True,
) -> np.ndarray:
    """The map's planes at the ROI's pixel centres (nplanes, ...), or at ``lonlat`` (ROI frame).

    Directions whose four neighbours are not all in the map are an error naming the file; with
    ``strict=False`` (the margin a PSF convolution needs) they use the neighbours present, or
    the nearest sampled value of the grid when none is.
    """
    import healpy

    lon, lat = lonlat if lonlat is not None else geom.pixel_lonlat
    shape = np.shape(lon)
    if hpx.frame != geom.coordsys:
        lon, lat = to_frame(*to_icrs(lon, lat, geom.coordsys), hpx.frame)
    theta, phi = np.radians(90.0 - np.ravel(lat)), np.radians(np.ravel(lon))
    neighbours, weights = healpy.get_interp_weights(hpx.nside, theta, phi, nest=hpx.nest)  # (4, n)
    if hpx.pixels is None:
        rows, present = neighbours, np.ones(neighbours.shape, bool)
    else:
        order = np.argsort(hpx.pixels)
        listed = hpx.pixels[order]
        at = np.clip(np.searchsorted(listed, neighbours), 0, len(listed) - 1)
        rows, present = order[at], listed[at] == neighbours
    weights = np.where(present, weights, 0.0)
    total = weights.sum(axis=0)
    short = total < 1.0 - 1e-9
    if strict and np.any(short):
        raise InputError(
            path,
            what,
            f"the ROI reaches outside this HEALPix map's pixels ({int(short.sum())} of {short.size} directions); "
            "centre the ROI inside the data or make it smaller",
        )
    empty = total <= 0.0
    values = np.einsum("kn,pkn->pn", weights / np.where(empty, 1.0, total), hpx.data[:, rows])
    if np.any(empty):
        values = _nearest_fill(values, empty, shape, path, what)
    return values.reshape((len(hpx.data), *shape))


def _nearest_fill(values: np.ndarray, empty: np.ndarray, shape: tuple, path: Path, what: str) -> np.ndarray:
    """Directions of a grid outside the map take the value of the nearest direction inside it."""
    from scipy.ndimage import distance_transform_edt

    if len(shape) != 2 or np.all(empty):
        raise InputError(path, what, "the ROI lies outside this HEALPix map's pixels")
    _, (iy, ix) = distance_transform_edt(empty.reshape(shape), return_indices=True)
    nearest = np.ravel_multi_index((iy.ravel(), ix.ravel()), shape)
    return values[:, nearest]
