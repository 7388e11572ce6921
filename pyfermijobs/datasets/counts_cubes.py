"""Counts cubes (gtbin's, fermipy's, gammapy's) and the ROI cut from one: the cube's own pixels and bins."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom, frame_of
from pyfermijobs.errors import InputError

if TYPE_CHECKING:
    from pyfermijobs.formats.fermipy_files import CountsCube


def counts_kind(path: Path) -> str:
    """``events`` (an FT1 list with ENERGY, RA, DEC) or ``cube`` (a gtbin CCUBE with EBOUNDS, or
    gammapy's ``Map.write`` of a counts map with its BANDS table)."""
    from astropy.io import fits

    from pyfermijobs.formats.fermipy_files import is_counts_cube

    try:
        with fits.open(path, memmap=True) as hdul:
            names = [h.name for h in hdul]
            if "EVENTS" in names:
                columns = {n.upper() for n in hdul["EVENTS"].columns.names}
                if not {"ENERGY", "RA", "DEC"} <= columns:
                    raise InputError(path, "builtin.data.counts", "an FT1 event list needs ENERGY, RA and DEC columns")
                return "events"
            if is_counts_cube(hdul):
                return "cube"
    except OSError as exc:
        raise InputError(path, "builtin.data.counts", f"not an FT1 event list nor a counts cube: {exc}") from None
    raise InputError(
        path,
        "builtin.data.counts",
        "not an FT1 event list (HDU EVENTS) nor a counts cube (an image with EBOUNDS, or gammapy's BANDS table)",
    )


def check_counts(paths: list[Path]) -> str:
    """Every counts file is an FT1 event list, or there is one gtbin counts cube; returns which."""
    kinds = {counts_kind(path) for path in paths}
    if "cube" in kinds and len(paths) > 1:
        raise InputError(paths[0], "builtin.data.counts", "give one counts cube (or a list of FT1 event files)")
    return kinds.pop()


def cube_cutout(path: Path, geom: ROIGeom) -> tuple[ROIGeom, np.ndarray]:
    """The ROI cut from a counts cube: the cube's own pixels (and bins within selection.emin/emax).

    The ROI keeps the cube's WCS (its reference point, projection and pixel size must be the
    template's), centred on the cube pixel nearest the target: counts are never resampled.
    """
    from pyfermijobs.formats.fermipy_files import celestial_wcs, read_counts_cube

    cube = read_counts_cube(path)
    header = cube.header
    ctype = str(header.get("CTYPE1", ""))
    frame = frame_of(ctype)
    if frame != geom.coordsys or not ctype.endswith(geom.proj):
        raise InputError(path, "CTYPE1", f"the counts cube is {ctype!r}: set binning.coordsys/proj to match it")
    cdelt1, cdelt2 = float(header.get("CDELT1", 0.0)), float(header.get("CDELT2", 0.0))
    if abs(cdelt1 + geom.binsz) > 1e-6 * geom.binsz or abs(cdelt2 - geom.binsz) > 1e-6 * geom.binsz:
        raise InputError(path, "CDELT1", f"pixels of ({cdelt1}, {cdelt2}) deg: set binning.binsz to {abs(cdelt2)}")
    emin, emax = geom.energy_edges[0], geom.energy_edges[-1]
    use = (cube.emin >= emin * (1 - 1e-4)) & (cube.emax <= emax * (1 + 1e-4))
    edges = np.append(cube.emin[use], cube.emax[use][-1:]) if use.any() else np.array([])
    if not use.any() or abs(edges[0] / emin - 1) > 1e-4 or abs(edges[-1] / emax - 1) > 1e-4:
        raise InputError(
            path, "EBOUNDS", f"selection.emin/emax ({emin:g}, {emax:g} MeV) must be edges of the cube's bins"
        )
    # the template's bins must be the cube's, so every step that reads the template (CollectSED's
    # check of the SEDs' bins) agrees with the ROI
    if len(edges) != len(geom.energy_edges) or not np.allclose(edges, geom.energy_edges, rtol=1e-4):
        per_decade = (len(edges) - 1) / np.log10(edges[-1] / edges[0])
        raise InputError(
            path,
            "EBOUNDS",
            f"the cube's {len(edges) - 1} bins need binning.enumbins: {len(edges) - 1} "
            f"(or binsperdec: {per_decade:.6g})",
        )
    wcs = celestial_wcs(header)
    x, y = wcs.world_to_pixel_values(geom.lon, geom.lat)
    n = geom.npix
    i0, j0 = round(float(x) - (n - 1) / 2.0), round(float(y) - (n - 1) / 2.0)
    ny, nx = cube.data.shape[1:]
    if i0 < 0 or j0 < 0 or i0 + n > nx or j0 + n > ny:
        raise InputError(path, "builtin.data.counts", "the ROI reaches outside the counts cube's footprint")
    return cube_window(cube, path, use, (i0, j0, n, n), geom.coordsys, geom.proj, geom.binsz)


def cube_window(
    cube: CountsCube,
    path: Path,
    use: np.ndarray,
    window: tuple[int, int, int, int],
    frame: str,
    proj: str,
    binsz: float,
) -> tuple[ROIGeom, np.ndarray]:
    """The ROI of a window of a counts cube (first column, first row, columns, rows) and the
    energy bins ``use``: the cube's own pixels, its WCS reference kept, counts never resampled."""
    from pyfermijobs.formats.fermipy_files import celestial_wcs

    i0, j0, nx, ny = window
    header = cube.header
    centre = celestial_wcs(header).pixel_to_world_values(i0 + (nx - 1) / 2.0, j0 + (ny - 1) / 2.0)
    lon, lat = (float(v) for v in centre)
    ref = (
        float(header["CRVAL1"]),
        float(header["CRVAL2"]),
        float(header["CRPIX1"]) - i0 - (nx + 1) / 2.0,
        float(header["CRPIX2"]) - j0 - (ny + 1) / 2.0,
    )
    edges = tuple(float(e) for e in np.append(cube.emin[use], cube.emax[use][-1:]))
    geom = ROIGeom(lon % 360.0, lat, frame, proj, binsz, nx, edges, ref, None if nx == ny else ny)
    counts = cube.data[use][:, j0 : j0 + ny, i0 : i0 + nx]
    if np.any(counts < 0) or not np.allclose(counts, np.round(counts)):
        raise InputError(path, "PRIMARY", "counts must be non-negative integers")
    return geom, np.round(counts).astype(np.int64)
