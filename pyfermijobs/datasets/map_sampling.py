"""Map cubes sampled at an ROI's pixels: WCS cubes bilinear in their own pixels, HEALPix ones on the
sphere (:mod:`pyfermijobs.datasets.healpix`), and log-log interpolation in energy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom, frame_of, to_frame, to_icrs
from pyfermijobs.errors import InputError

if TYPE_CHECKING:
    from pyfermijobs.formats.fermipy_files import ExposureCube, HealpixExposure


def loglog_interp(log_e: np.ndarray, log_values: np.ndarray, energies: np.ndarray) -> np.ndarray:
    """Values tabulated at energies ``exp(log_e)`` (first axis of ``log_values``, as logs), taken
    at ``energies`` by linear interpolation in log-log, held constant beyond the table."""
    le = np.clip(np.log(energies), log_e[0], log_e[-1])
    i = np.clip(np.searchsorted(log_e, le) - 1, 0, len(log_e) - 2)
    t = ((le - log_e[i]) / (log_e[i + 1] - log_e[i])).reshape(le.shape + (1,) * (log_values.ndim - 1))
    return np.exp((1 - t) * log_values[i] + t * log_values[i + 1])


def sample_planes(
    planes: np.ndarray,
    header: Any,
    geom: ROIGeom,
    path: Path,
    what: str,
    lonlat: tuple | None = None,
    strict: bool = True,
) -> np.ndarray:
    """A cube's planes (nplanes, ny, nx) at the ROI's pixel centres (bilinear in the cube's WCS).

    Pixels outside the cube's footprint are an error naming the file (the ROI must lie inside it);
    with ``strict=False`` (the margin a PSF convolution needs) they take the nearest edge value.
    """
    from scipy.ndimage import map_coordinates

    from pyfermijobs.formats.fermipy_files import celestial_wcs

    wcs = celestial_wcs(header)
    ctype = str(header.get("CTYPE1", ""))
    frame = frame_of(ctype)
    if frame is None:
        raise InputError(path, "CTYPE1", f"unsupported sky frame {ctype!r} (GLON or RA)")
    lon, lat = lonlat if lonlat is not None else geom.pixel_lonlat
    if frame != geom.coordsys:
        lon, lat = to_frame(*to_icrs(lon, lat, geom.coordsys), frame)
    x, y = wcs.world_to_pixel_values(np.ravel(lon), np.ravel(lat))
    ny, nx = planes.shape[1:]
    full_sky = abs(float(header.get("CDELT1", 0.0))) * nx >= 359.0
    if full_sky:  # an all-sky CAR map wraps in longitude
        x = np.mod(x + 0.5, nx) - 0.5
    tolerance = 0.5 + 1e-6
    outside = ~((x >= -tolerance) & (x <= nx - 1 + tolerance) & (y >= -tolerance) & (y <= ny - 1 + tolerance))
    if strict and np.any(outside):
        raise InputError(
            path,
            what,
            f"the ROI reaches outside this map's footprint ({int(outside.sum())} of {outside.size} pixels); "
            "centre the ROI inside the data or make it smaller",
        )
    coords = np.array([np.clip(y, 0, ny - 1), np.clip(x, 0, nx - 1)])
    shape = np.shape(lon)
    out = np.stack([map_coordinates(plane, coords, order=1, mode="nearest") for plane in planes])
    return out.reshape((len(planes), *shape))


def sample_cube(
    cube: ExposureCube | HealpixExposure,
    geom: ROIGeom,
    path: Path,
    what: str,
    lonlat: tuple | None = None,
    strict: bool = True,
) -> np.ndarray:
    """A map cube's planes at the ROI's pixel centres (or ``lonlat``): bilinear in a WCS cube's
    pixels, or on the sphere for a HEALPix one (see :func:`sample_planes`)."""
    from pyfermijobs.datasets.healpix import sample_healpix
    from pyfermijobs.formats.fermipy_files import HealpixExposure

    if isinstance(cube, HealpixExposure):
        return sample_healpix(cube, geom, path, what, lonlat, strict)
    return sample_planes(cube.data.astype(float), cube.header, geom, path, what, lonlat, strict)


def planes(cube: ExposureCube | HealpixExposure, lo: int, hi: int) -> ExposureCube | HealpixExposure:
    """The cube's planes ``lo:hi`` (and their energies)."""
    from dataclasses import replace

    return replace(cube, data=cube.data[lo:hi], energies=cube.energies[lo:hi])
