"""Real LAT data without Fermitools: an ROI from Fermitools' binned products and the diffuse models.

The analysis template says where the products are (``builtin.data``) and which models to use
(fermipy's ``model`` keys)::

    builtin:
      data:
        counts: events.fits      # FT1 event list(s), binned here onto the ROI; or a counts cube the ROI is cut from
        exposure: expcube.fits   # gtexpcube2 exposure cube (WCS or HEALPix, cm2 s at its ENERGIES)
        psf: psf.fits            # gtpsf table (PSF(theta) per energy)
    model:
      galdiff: gll_iem_v06.fits  # Galactic interstellar model cube (WCS or HEALPix, ph cm-2 s-1 MeV-1 sr-1)
      isodiff: iso_P8R2_SOURCE_V6_v06.txt
      catalogs: [3FHL.fits]      # a name fermipy knows or a catalog file (4FGL, 3FGL, 3FHL/2FHL formats)

Each input is read in every layout in use (``pyfermijobs.formats.fermipy_files`` lists them): the
Fermitools/fermipy files and gammapy's rewrites of them (``Map.write`` with its ``*_BANDS``
energy tables, WCS or HEALPix; ``PSFMap.write`` as gtpsf or in its own layout), units from
TUNIT/BUNIT.

Each model component becomes a template of predicted counts per bin and pixel: the model's
intensity integrated over each energy bin (Gauss-Legendre nodes in ln E) times the exposure
at that pixel and energy, times the pixel's solid angle; diffuse components are convolved with
the bin's PSF, catalog point sources get the PSF at their position. The exposure (WCS or
HEALPix) and the Galactic model are interpolated bilinearly in their own pixels (log-log in
energy). Energy dispersion is not modelled. Nothing here is synthetic: the ROI says so (``synthetic: false``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyfermijobs.config.template import resolve_data_path
from pyfermijobs.datasets.geom import ROIGeom, fermitools_galactic, frame_of, to_frame, to_icrs
from pyfermijobs.datasets.psf import PSFTable, psf_kernel
from pyfermijobs.datasets.roi import NODES_PER_BIN, Component, ROIDataset
from pyfermijobs.errors import InputError
from pyfermijobs.models.spectra import TEMPLATE_SCALE, Spectrum, log_nodes

if TYPE_CHECKING:
    from pyfermijobs.formats.fermipy_files import CountsCube, ExposureCube, HealpixExposure

GAL_NAME = "galdiff"
ISO_NAME = "isodiff"
#: PSF kernels reach this many 68% radii (and no further than MAX_KERNEL_DEG).
KERNEL_R68 = 4.0
MAX_KERNEL_DEG = 6.0


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


@dataclass(frozen=True)
class EventList:
    """The photons of an FT1 file inside its good time intervals: MeV, deg (ICRS), MET s."""

    energy: np.ndarray
    ra: np.ndarray
    dec: np.ndarray
    time: np.ndarray | None


def read_events(path: Path) -> EventList:
    """An FT1 event list, checked: ENERGY > 0, RA in [0, 360], DEC in [-90, 90], all finite.

    Events outside the file's own ``GTI`` are dropped (Fermitools' convention). A truncated or
    corrupt file, a missing column or a value out of range is an InputError naming the file.
    """
    stat = Path(path).stat() if Path(path).exists() else None
    return _read_events(Path(path), (stat.st_mtime_ns, stat.st_size) if stat else None)


@lru_cache(maxsize=2)  # prepare-targets checks every target's ROI against the same files
def _read_events(path: Path, stamp: tuple[int, int] | None) -> EventList:
    """:func:`read_events` of one version of the file (``stamp``: its mtime and size)."""
    from astropy.io import fits

    from pyfermijobs.formats.fermipy_files import table_column

    try:
        with fits.open(path, memmap=False) as hdul:
            events = hdul["EVENTS"]
            energy = table_column(events, path, "ENERGY", "MeV", assumed="MeV")
            ra = table_column(events, path, "RA", "deg", assumed="deg")
            dec = table_column(events, path, "DEC", "deg", assumed="deg")
            has_time = "TIME" in {n.upper() for n in events.columns.names}
            time = table_column(events, path, "TIME", "s", assumed="s") if has_time else None
            good = in_gti(time, gti_table(hdul["GTI"], path)) if "GTI" in hdul and time is not None else None
    except (OSError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise InputError(path, "EVENTS", f"not a readable FT1 event list ({exc})") from None
    for column, values, lo, hi in (("ENERGY", energy, 0.0, np.inf), ("RA", ra, 0.0, 360.0), ("DEC", dec, -90.0, 90.0)):
        bad = ~np.isfinite(values) | (values < lo) | (values > hi) | ((values == 0.0) if column == "ENERGY" else False)
        if np.any(bad):
            row = int(np.flatnonzero(bad)[0])
            raise InputError(path, f"EVENTS.{column}", f"row {row}: {values[row]!r} is outside ({lo:g}, {hi:g})")
    if good is not None:
        energy, ra, dec, time = energy[good], ra[good], dec[good], time[good]
    return EventList(energy, ra, dec, time)


def check_events(paths: list[Path], geom: ROIGeom) -> None:
    """The event lists are readable and some of their photons lie in the analysis energy range
    (a list in other units, or of another selection, would otherwise bin to an empty ROI)."""
    lo, hi = geom.energy_edges[0], geom.energy_edges[-1]
    spans = []
    for path in paths:
        energy = read_events(path).energy
        if np.any((energy >= lo) & (energy < hi)):
            return
        spans.append(f"{energy.min():g}-{energy.max():g} MeV" if energy.size else "no events")
    raise InputError(
        paths[0],
        "EVENTS.ENERGY",
        f"no photon in selection.emin/emax ({lo:g}-{hi:g} MeV): the events span {', '.join(spans)}",
    )


def bin_events(paths: list[Path], geom: ROIGeom, exposure_gti: Any = None) -> tuple[np.ndarray, int]:
    """Counts (nebins, ny, npix) of FT1 event lists on the ROI's grid and energy bins, and how
    many of the ROI's events the exposure's good time intervals left out.

    An event counts inside its file's good time intervals (``GTI``) and, given the exposure
    cube's ``GTI`` table, inside those too: the exposure was accumulated over them only, so a
    photon outside them has no exposure in the model. Galactic ROIs take (l, b) from the events'
    RA/DEC with Fermitools' own rotation, as gtbin does (not the float32 ``L``/``B`` columns).
    """
    counts = np.zeros(geom.shape, dtype=np.int64)
    edges = np.asarray(geom.energy_edges)
    outside_exposure = 0
    for path in paths:
        events = read_events(path)
        energy, ra, dec, time = events.energy, events.ra, events.dec, events.time
        lon, lat = fermitools_galactic(ra, dec) if geom.coordsys == "GAL" else to_frame(ra, dec, geom.coordsys)
        x, y = geom.sky_to_pix(lon, lat)
        ix, iy = np.floor(x + 0.5).astype(np.int64), np.floor(y + 0.5).astype(np.int64)
        ie = np.searchsorted(edges, energy, side="right") - 1
        keep = (ix >= 0) & (ix < geom.npix) & (iy >= 0) & (iy < geom.ny) & (ie >= 0) & (ie < geom.nebins)
        keep &= np.isfinite(x) & np.isfinite(y)
        if exposure_gti is not None and time is not None:
            covered = in_gti(time, exposure_gti)
            outside_exposure += int(np.sum(keep & ~covered))
            keep &= covered
        np.add.at(counts, (ie[keep], iy[keep], ix[keep]), 1)
    return counts, outside_exposure


def read_gti(path: Path) -> Any:
    """A file's ``GTI`` table (START/STOP, MET s), or None when it has none."""
    from astropy.io import fits

    try:
        with fits.open(path, memmap=False) as hdul:
            return gti_table(hdul["GTI"], path) if "GTI" in hdul else None
    except OSError as exc:
        raise InputError(path, None, f"not a readable FITS file ({exc})") from None


def gti_table(hdu: Any, path: Path) -> dict[str, np.ndarray]:
    """START/STOP (MET s) of a ``GTI`` table."""
    from pyfermijobs.formats.fermipy_files import table_column

    start, stop = (table_column(hdu, path, name, "s", assumed="s") for name in ("START", "STOP"))
    if start.shape != stop.shape or start.ndim != 1:
        raise InputError(path, "GTI.STOP", f"{stop.size} STOP values for {start.size} START values")
    return {"START": start, "STOP": stop}


def in_gti(time: np.ndarray, gti: Any) -> np.ndarray:
    """Which event times fall inside the good time intervals (START <= t < STOP)."""
    starts, stops = np.asarray(gti["START"], float), np.asarray(gti["STOP"], float)
    order = np.argsort(starts)
    starts, stops = starts[order], stops[order]
    i = np.searchsorted(starts, time, side="right") - 1
    return (i >= 0) & (time < stops[np.clip(i, 0, None)])


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


def build_lat_roi(
    config: dict[str, Any], data: dict[str, Any], target: str, ra: float, dec: float, file: str | Path
) -> ROIDataset:
    """The ROI of one target from real LAT data (``data``: the checked ``builtin.data`` section)."""
    base = Path(file).parent
    model = config.get("model") or {}
    geom = ROIGeom.from_config(config, ra, dec, str(file))
    counts_paths = data["counts"] if isinstance(data["counts"], list) else [data["counts"]]
    counts_files = [resolve_data_path(p, base, file, "builtin.data.counts") for p in counts_paths]
    exposure_file = resolve_data_path(data["exposure"], base, file, "builtin.data.exposure")
    selection: dict[str, Any] = {}
    if check_counts(counts_files) == "cube":  # the ROI is the cube's own pixels and bins
        geom, counts = cube_cutout(counts_files[0], geom)
    else:
        counts, outside = bin_events(counts_files, geom, read_gti(exposure_file))
        selection["events_outside_exposure_gti"] = outside
    node_e, node_w = log_nodes(geom.emin, geom.emax, NODES_PER_BIN)
    psf_file = resolve_data_path(data["psf"], base, file, "builtin.data.psf")
    exposure = exposure_at_nodes(exposure_file, geom, node_e)
    psf = bin_psf(psf_file, node_e, node_w)
    centre = exposure[:, :, *geom.centre_pixel].astype(float)
    components = []
    if model.get("galdiff"):
        galdiff = resolve_data_path(model["galdiff"], base, file, "model.galdiff")
        template = galactic_template(galdiff, geom, exposure_file, psf, node_e, node_w)
        spec = Spectrum(TEMPLATE_SCALE, {"Normalization": 1.0})
        components.append(Component(GAL_NAME, "galactic", spec, centre, template, info={"file": str(galdiff)}))
    if model.get("isodiff"):
        isodiff = resolve_data_path(model["isodiff"], base, file, "model.isodiff")
        template = isotropic_template(isodiff, geom, exposure, node_e, node_w)
        spec = Spectrum(TEMPLATE_SCALE, {"Normalization": 1.0})
        components.append(Component(ISO_NAME, "isotropic", spec, centre, template, info={"file": str(isodiff)}))
    roi = ROIDataset(
        geom,
        counts,
        exposure.astype(np.float32),
        psf,
        components,
        meta={
            "target": target,
            "synthetic": False,
            "ra": ra,
            "dec": dec,
            "files": {"counts": [str(p) for p in counts_files], "exposure": str(exposure_file), "psf": str(psf_file)},
            **selection,
        },
    )
    catalogs = model.get("catalogs") or []
    if catalogs:
        src_width = float(model.get("src_roiwidth") or geom.npix * geom.binsz + 1.0)
        add_catalog_sources(roi, str(catalogs[0]), src_width, file)
    return roi


def add_catalog_sources(roi: ROIDataset, catalog: str, src_width: float, file: str | Path) -> None:
    """The catalog's sources inside a square of ``src_width`` deg about the ROI centre, with their
    catalog spectra (``catalog``: a name fermipy ships or a file): point sources, and extended
    ones as radial disks or Gaussians where the catalog gives those shapes."""
    from pyfermijobs.models.catalog import catalog_path, read_catalog

    sources = read_catalog(catalog_path(catalog, str(file)), str(file))
    roi.meta["catalog"] = catalog
    inside, sep = roi.geom.in_box([s.ra for s in sources], [s.dec for s in sources], src_width)
    for i in inside:
        src = sources[i]
        info = {"catalog_signif": round(src.signif, 3), "offset": round(float(sep[i]), 4)}
        if src.morphology is not None:  # a radial disk or Gaussian, from the catalog's own numbers
            roi.components.append(roi.extended_source(src.name, src.ra, src.dec, src.spectrum, src.morphology, **info))
            continue
        if src.extended:  # a template map this package does not read: said in the fit output
            info["extended_in_catalog"] = True
            info["modelled_as"] = "point source (extended template map not available)"
        roi.components.append(roi.point_source(src.name, src.ra, src.dec, src.spectrum, **info))


def cube_roi(
    counts: Path, exposure: Path, psf: Path, *, background: Path | None = None, catalog: str | None = None
) -> ROIDataset:
    """A whole gtbin counts cube as one ROI (a rectangle, its pixels and bins), for Python use.

    The diffuse emission may come as predicted counts on the same grid (``background``: e.g.
    gammapy's Galactic + isotropic prediction ``fermi-3fhl-gc-background-cube``) with a free
    normalisation, as gammapy analyses it; catalog sources as in :func:`build_lat_roi`.
    """
    from astropy.io import fits

    from pyfermijobs.formats.fermipy_files import read_counts_cube

    cube = read_counts_cube(counts)
    header = cube.header
    ctype = str(header.get("CTYPE1", ""))
    frame = frame_of(ctype)
    binsz = abs(float(header.get("CDELT2", 0.0)))
    if frame is None or binsz <= 0 or abs(abs(float(header.get("CDELT1", 0.0))) - binsz) > 1e-6 * binsz:
        raise InputError(counts, "CTYPE1", f"a counts cube in GLON/RA with square pixels is needed ({ctype!r})")
    ny, nx = cube.data.shape[1:]
    every_bin = np.ones(len(cube.emin), bool)
    geom, data = cube_window(cube, Path(counts), every_bin, (0, 0, nx, ny), frame, ctype[-3:], binsz)
    node_e, node_w = log_nodes(geom.emin, geom.emax, NODES_PER_BIN)
    expo = exposure_at_nodes(Path(exposure), geom, node_e)
    table = bin_psf(Path(psf), node_e, node_w)
    centre = expo[:, :, *geom.centre_pixel].astype(float)
    components = []
    if background is not None:
        template = np.asarray(fits.getdata(background), float)
        if template.shape != geom.shape:
            raise InputError(background, "PRIMARY", f"shape {template.shape}, the counts cube's is {geom.shape}")
        spec = Spectrum(TEMPLATE_SCALE, {"Normalization": 1.0})
        components.append(Component("background", "galactic", spec, centre, template, info={"file": str(background)}))
    ra, dec = (float(v) for v in to_icrs(geom.lon, geom.lat, frame))
    meta = {"target": Path(counts).name, "synthetic": False, "ra": ra, "dec": dec}
    roi = ROIDataset(geom, data, expo.astype(np.float32), table, components, meta=meta)
    if catalog:
        add_catalog_sources(roi, catalog, max(nx, ny) * binsz + 1.0, counts)
    return roi
