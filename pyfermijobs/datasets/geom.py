"""ROI geometry: a WCS pixel grid centred on the target, with log-spaced energy bins.

Read from the fermipy analysis template (``binning.roiwidth/binsz/binsperdec/enumbins/coordsys/proj``,
``selection.emin/emax``), so both engines analyse the same ROI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.config.fields import check_value
from pyfermijobs.config.template import GEOMETRY_FIELDS
from pyfermijobs.errors import InputError

#: each of binning.coordsys's choices: astropy frame, CTYPE prefixes (tests/test_template_binning.py keeps them one set)
FRAMES = {"GAL": ("galactic", "GLON", "GLAT"), "CEL": ("icrs", "RA--", "DEC-")}


def _default(key: str) -> Any:
    """fermipy's default of a geometry key (``selection.emin`` ...), from the configuration's table."""
    return GEOMETRY_FIELDS[key].default


def frame_of(ctype: str) -> str | None:
    """GAL or CEL from a map's CTYPE1 (``GLON-CAR``, ``RA---TAN`` ...); None for other frames."""
    return next((name for name, (_, x, _) in FRAMES.items() if ctype.startswith(x)), None)


def unit_vectors(lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
    """Cartesian unit vectors, shape (..., 3)."""
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    cl = np.cos(lat)
    return np.stack([cl * np.cos(lon), cl * np.sin(lon), np.sin(lat)], axis=-1)


def separation_deg(vectors: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Angle (deg) between each of ``vectors`` (..., 3) and one unit vector (3,)."""
    cross = np.linalg.norm(np.cross(vectors, vector), axis=-1)
    return np.degrees(np.arctan2(cross, vectors @ vector))


@dataclass(frozen=True)
class ROIGeom:
    """Pixel grid (``npix`` columns x ``ny`` rows, square unless ``nrows`` is set) and energy bins of one ROI.

    fermipy's ROIs are square (``binning.roiwidth``); a rectangle is a counts cube taken whole.
    """

    lon: float  # ROI centre in the ROI frame (deg)
    lat: float
    coordsys: str  # GAL or CEL
    proj: str
    binsz: float
    npix: int
    energy_edges: tuple[float, ...]  # MeV
    #: the WCS reference of a grid cut from a larger map (CRVAL1, CRVAL2, and CRPIX's offset from
    #: the grid centre); None: reference at the centre, as fermipy makes an ROI's maps
    ref: tuple[float, float, float, float] | None = None
    #: rows of a rectangular grid (None: square, ``npix`` rows)
    nrows: int | None = None

    @classmethod
    def from_config(
        cls, config: dict[str, Any], ra: float, dec: float, file: str = "analysis configuration"
    ) -> ROIGeom:
        """Geometry from a fermipy analysis configuration centred on (ra, dec)."""
        selection = config.get("selection") or {}
        binning = config.get("binning") or {}

        def value(key: str) -> Any:
            """A geometry key checked against its field (GEOMETRY_FIELDS: kind, choices, range)."""
            section, name = key.split(".")
            given = (selection if section == "selection" else binning).get(name, _default(key))
            if GEOMETRY_FIELDS[key].choices and isinstance(given, str):
                given = given.upper()  # fermipy reads frames and projections in either case
            return check_value(given, GEOMETRY_FIELDS[key], file, key)

        emin, emax = value("selection.emin"), value("selection.emax")
        if emax <= emin:
            raise InputError(file, "selection.emax", f"must exceed selection.emin ({emin}), got {emax}")
        binsz, roiwidth, binsperdec = value("binning.binsz"), value("binning.roiwidth"), value("binning.binsperdec")
        coordsys, proj = value("binning.coordsys"), value("binning.proj")
        nbins = energy_bins(binning, emin, emax, binsperdec, file)
        edges = tuple(float(e) for e in np.geomspace(emin, emax, nbins + 1))
        npix = max(1, round(roiwidth / binsz))
        lon, lat = _to_frame(ra, dec, coordsys)
        return cls(lon, lat, coordsys, proj, binsz, npix, edges)

    # --- energies ---------------------------------------------------------------------
    @staticmethod
    def binning_note(config: dict, file: str | Path = "analysis template") -> str:
        """How the template's energy bins were derived, as fermipy derives them (for ``pfj validate``)."""
        selection, binning = config.get("selection") or {}, config.get("binning") or {}
        emin = float(selection.get("emin", _default("selection.emin")))
        emax = float(selection.get("emax", _default("selection.emax")))
        per_decade = float(binning.get("binsperdec", _default("binning.binsperdec")))
        n = energy_bins(binning, emin, emax, per_decade, file)
        how = "binning.enumbins" if binning.get("enumbins") is not None else f"binning.binsperdec {per_decade:g}"
        return f"{n} energy bins over {emin:g}-{emax:g} MeV from {how} ({n / np.log10(emax / emin):.4g} per decade)"

    @property
    def nebins(self) -> int:
        return len(self.energy_edges) - 1

    @property
    def emin(self) -> np.ndarray:
        return np.asarray(self.energy_edges[:-1])

    @property
    def emax(self) -> np.ndarray:
        return np.asarray(self.energy_edges[1:])

    @property
    def ectr(self) -> np.ndarray:
        """Log-centre of each bin (fermipy's e_ref)."""
        return np.sqrt(self.emin * self.emax)

    @property
    def ny(self) -> int:
        return self.npix if self.nrows is None else self.nrows

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.nebins, self.ny, self.npix)

    @property
    def centre_pixel(self) -> tuple[int, int]:
        """(row, column) of the pixel at the grid's centre (or just past it, for even sizes)."""
        return self.ny // 2, self.npix // 2

    def padded(self, pad: int) -> ROIGeom:
        """The same grid with ``pad`` more pixels on every side (same centre): room for a convolution."""
        nrows = None if self.nrows is None else self.nrows + 2 * pad
        return replace(self, npix=self.npix + 2 * pad, nrows=nrows)

    # --- sky --------------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        frame, xname, yname = FRAMES[self.coordsys]
        return {
            "NAXIS": 2,
            "NAXIS1": self.npix,
            "NAXIS2": self.ny,
            "CTYPE1": f"{xname}-{self.proj}",
            "CTYPE2": f"{yname}-{self.proj}",
            "CRVAL1": self.lon if self.ref is None else self.ref[0],
            "CRVAL2": self.lat if self.ref is None else self.ref[1],
            "CRPIX1": (self.npix + 1) / 2.0 + (0.0 if self.ref is None else self.ref[2]),
            "CRPIX2": (self.ny + 1) / 2.0 + (0.0 if self.ref is None else self.ref[3]),
            "CDELT1": -self.binsz,
            "CDELT2": self.binsz,
            "CUNIT1": "deg",
            "CUNIT2": "deg",
            "RADESYS": "ICRS" if frame == "icrs" else None,
        }

    @cached_property
    def wcs(self) -> Any:
        from astropy.wcs import WCS

        return WCS({k: v for k, v in self.header().items() if v is not None})

    def pix_to_sky(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel (0-based) -> (lon, lat) in the ROI frame."""
        lon, lat = self.wcs.wcs_pix2world(x, y, 0)
        return np.mod(lon, 360.0), lat

    def sky_to_pix(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.wcs.wcs_world2pix(lon, lat, 0)

    @cached_property
    def pixel_lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        y, x = np.mgrid[0 : self.ny, 0 : self.npix]
        return self.pix_to_sky(x.astype(float), y.astype(float))

    @cached_property
    def pixel_vectors(self) -> np.ndarray:
        """Unit vectors of pixel centres in the ROI frame, shape (ny, npix, 3)."""
        return unit_vectors(*self.pixel_lonlat)

    @cached_property
    def solid_angle(self) -> np.ndarray:
        """Solid angle of each pixel (sr), from the local Jacobian of the projection."""
        y, x = np.mgrid[0 : self.ny, 0 : self.npix].astype(float)
        vx = unit_vectors(*self.pix_to_sky(x + 0.5, y)) - unit_vectors(*self.pix_to_sky(x - 0.5, y))
        vy = unit_vectors(*self.pix_to_sky(x, y + 0.5)) - unit_vectors(*self.pix_to_sky(x, y - 0.5))
        return np.linalg.norm(np.cross(vx, vy), axis=-1)

    @cached_property
    def pixel_radec(self) -> tuple[np.ndarray, np.ndarray]:
        return to_icrs(*self.pixel_lonlat, self.coordsys)

    def in_box(self, ra: np.ndarray, dec: np.ndarray, width_deg: float) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the directions inside a square of ``width_deg`` about the ROI centre (in its
        projection plane), and every direction's separation from the centre (deg)."""
        lon, lat = to_frame(np.asarray(ra, float), np.asarray(dec, float), self.coordsys)
        sep = separation_deg(unit_vectors(lon, lat), unit_vectors(self.lon, self.lat))
        near = np.nonzero(sep < width_deg / np.sqrt(2.0) + 0.5)[0]
        x, y = self.sky_to_pix(lon[near], lat[near])
        half = width_deg / 2.0 / self.binsz
        inside = (np.abs(x - (self.npix - 1) / 2.0) <= half) & (np.abs(y - (self.ny - 1) / 2.0) <= half)
        return near[inside], sep

    def contains(self, lon: float, lat: float, margin_deg: float = 0.0) -> bool:
        """Whether a direction (ROI frame) falls inside the map, ``margin_deg`` from its edge."""
        x, y = self.sky_to_pix(np.atleast_1d(lon), np.atleast_1d(lat))
        m = margin_deg / self.binsz
        inside_x = -0.5 + m <= x[0] <= self.npix - 0.5 - m
        return bool(np.isfinite(x[0]) and inside_x and -0.5 + m <= y[0] <= self.ny - 0.5 - m)


def energy_bins(binning: dict, emin: float, emax: float, binsperdec: float, file: str | Path) -> int:
    """fermipy's number of energy bins: ``binning.enumbins`` when given, else ``binsperdec`` (a float
    too) over the decades of the selection, rounded."""
    enumbins = binning.get("enumbins")
    if enumbins is None:
        return max(1, round(np.log10(emax / emin) * binsperdec))
    if isinstance(enumbins, bool) or not isinstance(enumbins, int) or enumbins < 1:
        raise InputError(file, "binning.enumbins", f"must be a positive integer (a number of bins), got {enumbins!r}")
    return int(enumbins)


def _to_frame(ra: float | np.ndarray, dec: float | np.ndarray, coordsys: str) -> tuple[Any, Any]:
    if coordsys == "CEL":
        return ra, dec
    from astropy import units as u
    from astropy.coordinates import SkyCoord

    c = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs").galactic
    if np.ndim(ra) == 0:
        return float(c.l.deg), float(c.b.deg)
    return c.l.deg, c.b.deg


def to_frame(ra: Any, dec: Any, coordsys: str) -> tuple[Any, Any]:
    """ICRS (ra, dec) -> ROI frame (lon, lat)."""
    return _to_frame(ra, dec, coordsys)


def to_icrs(lon: Any, lat: Any, coordsys: str) -> tuple[Any, Any]:
    """ROI frame (lon, lat) -> ICRS (ra, dec)."""
    if coordsys == "CEL":
        return lon, lat
    from astropy import units as u
    from astropy.coordinates import SkyCoord

    c = SkyCoord(l=np.asarray(lon) * u.deg, b=np.asarray(lat) * u.deg, frame="galactic").icrs
    if np.ndim(lon) == 0:
        return float(c.ra.deg), float(c.dec.deg)
    return c.ra.deg, c.dec.deg


def _rotation(axis: int, angle_deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    i, j = [(1, 2), (0, 2), (0, 1)][axis]
    matrix = np.eye(3)
    matrix[i, i], matrix[i, j], matrix[j, i], matrix[j, j] = c, -s, s, c
    return matrix


#: Fermitools' equatorial -> Galactic rotation (astro::SkyDir: Rz(-282.8592) then Rx(-62.8717) then
#: Rz(32.93224) deg). Its rounded angles put it about 1.8 arcsec from the IAU definition astropy uses.
FERMITOOLS_EQUATORIAL_TO_GALACTIC = _rotation(2, 32.93224) @ _rotation(0, -62.8717) @ _rotation(2, -282.8592)


def fermitools_galactic(ra: np.ndarray, dec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Galactic (l, b) of ICRS directions as Fermitools computes them (deg).

    gtbin bins a Galactic counts cube with these, so binning events with them reproduces its
    cube; astropy's IAU conversion moves ~1% of photons across 0.05 deg pixel edges.
    """
    vectors = unit_vectors(np.asarray(ra, float), np.asarray(dec, float)) @ FERMITOOLS_EQUATORIAL_TO_GALACTIC.T
    lon = np.mod(np.degrees(np.arctan2(vectors[..., 1], vectors[..., 0])), 360.0)
    return lon, np.degrees(np.arcsin(np.clip(vectors[..., 2], -1.0, 1.0)))
