"""FT1 event lists: read and checked once per file, inside their good time intervals, and binned
onto an ROI as gtbin does."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom, fermitools_galactic, to_frame
from pyfermijobs.errors import InputError


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
