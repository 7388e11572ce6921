"""fermipy's and Fermitools' map and table formats, as the export to the builtin engine reads them.

- Counts cube (``gtbin``, fermipy's ``ccube_00.fits``, format ``fgst-ccube``): primary image
  (nebins, ny, nx) with a celestial WCS; ``EBOUNDS`` table (CHANNEL, E_MIN, E_MAX in keV). Or
  gammapy's ``Map.write`` (format ``gadf``): the image (primary, or the HDU ``hdu=`` named) and
  the table its ``BANDSHDU`` names (``PRIMARY_BANDS``: E_MIN/E_MAX in their TUNIT).
- Map cubes at energies, the binned exposure (``gtexpcube2``, fermipy's ``bexpmap_roi_00.fits``,
  cm2 s) and the Galactic interstellar model (ph cm-2 s-1 MeV-1 sr-1): a primary image
  (nplanes, ny, nx) at the energies of the ``ENERGIES`` table (Energy, MeV), or of gammapy's
  ``*_BANDS`` table (ENERGY_TRUE or ENERGY with their TUNIT); or HEALPix (fermipy's
  ``FGST_BEXPCUBE``/``FGST_TEMPLATE``, gammapy's ``gadf``): a table (``HPXEXPOSURES``, ``SKYMAP``)
  with one column per energy (ENERGY1..n, CHANNEL1..n), an optional ``PIX`` column (a partial
  map) and PIXTYPE/ORDERING/NSIDE/COORDSYS, its energies in ``ENERGIES`` or its ``BANDSHDU``.
  The map's BUNIT, where given, is converted.
- PSF table (``gtpsf``, and gammapy's ``PSFMap.write(format="gtpsf")``): ``PSF`` table (Energy
  in MeV, Exposure in cm2 s, Psf in sr-1 per offset) and ``THETA`` table (Theta, deg). Also
  gammapy's own ``PSFMap.write`` (format ``gadf``) of a PSF at one position: ``PSF`` (DATA per
  energy, sr-1), ``PSF_BANDS`` (RAD, ENERGY_TRUE) and ``PSF_EXPOSURE``.

Every table column is read by name in any case, with axes of length 1 squeezed (gammapy writes
gtpsf's ``Exposure`` with ``TDIM = (1)``), and in the unit its TUNIT says (keV/MeV/GeV,
cm2 s or m2 s, sr-1 or deg-2...), converted; without a TUNIT, Fermitools' own tables hold
their documented units. A unit of another kind, or one astropy does not know, is refused
naming the file and the column.
- Model cubes (written by the fermipy backend from ``GTAnalysis.model_counts_map``): the
  whole model as a counts cube, one image per free source (``SRCNAME``), and a ``SOURCES``
  table (name, spatial model, direction, spectrum as JSON, TS, npred).

Readers check what they need and name the file and HDU when something is wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.atomic import atomic_path
from pyfermijobs.errors import InputError
from pyfermijobs.labels import is_synthetic

KEV_PER_MEV = 1000.0


@dataclass
class CountsCube:
    """A counts (or model counts) cube: data (nebins, ny, nx), celestial WCS header, bins in MeV."""

    data: np.ndarray
    header: Any  # astropy Header of the celestial WCS
    emin: np.ndarray
    emax: np.ndarray


@dataclass
class ExposureCube:
    data: np.ndarray  # (nplanes, ny, nx) cm2 s
    header: Any
    energies: np.ndarray  # MeV, one per plane


@dataclass
class HealpixExposure:
    """A HEALPix exposure cube: planes (nplanes, nrows) at ``pixels`` (None: all 12 NSIDE^2, in order)."""

    data: np.ndarray  # cm2 s
    pixels: np.ndarray | None
    nside: int
    nest: bool
    frame: str  # GAL or CEL
    energies: np.ndarray  # MeV, one per plane


#: HEALPix COORDSYS values (fermipy writes GAL/CEL, the HEALPix standard G/C/E)
HEALPIX_FRAMES = {"GAL": "GAL", "G": "GAL", "GALACTIC": "GAL", "CEL": "CEL", "C": "CEL", "EQU": "CEL", "Q": "CEL"}


@dataclass
class PSFTableFile:
    energies: np.ndarray  # MeV
    theta: np.ndarray  # deg
    psf: np.ndarray  # (nenergies, ntheta) sr-1
    exposure: np.ndarray  # cm2 s per energy


@dataclass
class ModelSource:
    """One free source of a fermipy baseline ROI, with its model counts cube."""

    name: str
    spatial_model: str  # fermipy's SpatialModel: PointSource, RadialGaussian, DiffuseSource, ...
    ra: float
    dec: float
    spectrum: dict[str, float | str]  # {"SpectrumType": ..., parameter: value}
    ts: float
    npred: float
    cube: np.ndarray


@dataclass
class ModelCubes:
    total: CountsCube
    sources: list[ModelSource]


def celestial_wcs(header: Any) -> Any:
    """The celestial WCS of an image header (Fermitools' date keywords "fixed" by astropy silently)."""
    import warnings

    from astropy.wcs import WCS, FITSFixedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        return WCS(header).celestial


def celestial_header(header: Any) -> Any:
    """The celestial WCS part of an image header (drops the energy axis)."""
    return celestial_wcs(header).to_header()


def _open(path: Path, what: str) -> Any:
    from astropy.io import fits

    if not Path(path).exists():
        raise InputError(path, None, f"{what} not found")
    try:
        return fits.open(path, memmap=False)
    except OSError as exc:
        raise InputError(path, None, f"not a readable FITS file ({exc})") from None


def _hdu(hdul: Any, path: Path, name: str) -> Any:
    try:
        return hdul[name]
    except KeyError:
        raise InputError(path, name, f"HDU {name} missing (found {', '.join(h.name for h in hdul)})") from None


def _image(hdu: Any, path: Path) -> tuple[np.ndarray, Any]:
    if hdu.data is None or hdu.data.ndim != 3:
        raise InputError(path, hdu.name, "expected an image cube (energy, y, x)")
    return np.asarray(hdu.data, float), celestial_header(hdu.header)


# --- table columns, units, energy tables ---------------------------------------------------

#: the units the readers return
ENERGY_UNIT = "MeV"
EXPOSURE_UNIT = "cm2 s"
PSF_UNIT = "sr-1"
ANGLE_UNIT = "deg"
INTENSITY_UNIT = "MeV-1 cm-2 s-1 sr-1"
#: what Fermitools' own tables hold when a column has no TUNIT (gtbin's EBOUNDS says keV itself)
ASSUMED_UNITS = {
    ("EBOUNDS", "E_MIN"): "keV",
    ("EBOUNDS", "E_MAX"): "keV",
    ("ENERGIES", "ENERGY"): "MeV",
    ("ENERGIES", "E_MIN"): "MeV",
    ("ENERGIES", "E_MAX"): "MeV",
    ("PSF", "ENERGY"): "MeV",
    ("PSF", "EXPOSURE"): "cm2 s",
    ("PSF", "PSF"): "sr-1",
    ("THETA", "THETA"): "deg",
}
#: energy columns of the tables in use: gtexpcube2/Galactic models (``ENERGIES``: Energy), gammapy's
#: ``*_BANDS`` tables (ENERGY or ENERGY_TRUE, with _MIN/_MAX for bins), gtbin (``EBOUNDS``: E_MIN/E_MAX)
NODE_COLUMNS = ("ENERGY", "ENERGY_TRUE")
EDGE_COLUMNS = (("E_MIN", "E_MAX"), ("ENERGY_MIN", "ENERGY_MAX"), ("ENERGY_TRUE_MIN", "ENERGY_TRUE_MAX"))


def parse_unit(text: str, path: Path, key: str) -> Any:
    """An astropy unit from a FITS unit string (TUNIT/BUNIT: ``cm2 s``, ``cm^2 s``, ``cm**2*s``,
    ``sr-1``, ``1/sr``, ``photon/cm**2/MeV/s/sr``...); an unknown one is an InputError naming the key."""
    import warnings

    import astropy.units as u

    for fmt in ("generic", "ogip"):
        try:
            with warnings.catch_warnings():  # the LAT models' own "photon/cm**2/MeV/s/sr" has many slashes
                warnings.simplefilter("ignore", u.UnitsWarning)
                return u.Unit(text.strip(), format=fmt, parse_strict="raise")
        except ValueError:
            continue
    raise InputError(path, key, f"unknown unit {text!r}")


def to_unit(values: np.ndarray, given: str, unit: str, path: Path, key: str) -> np.ndarray:
    """``values`` in the unit ``given`` (a FITS unit string) converted to ``unit``; photons (``ph``)
    are a count, not a unit, and drop out; a unit of another kind is an InputError naming the key."""
    import astropy.units as u

    source = parse_unit(given, path, key)
    if u.ph in source.bases:
        source = source / u.ph
    try:
        return np.asarray(values, float) * source.to(u.Unit(unit))
    except u.UnitConversionError:
        raise InputError(path, key, f"unit {given!r} is not {unit!r} (nor convertible to it)") from None


def _squeeze_rows(array: np.ndarray) -> np.ndarray:
    """A column's values with every axis of length 1 but the row axis dropped (a ``TDIM = (1)``
    column is a plain column; one row stays one row)."""
    if array.ndim <= 1:
        return array
    return array.reshape(array.shape[0], *[n for n in array.shape[1:] if n != 1])


def _find_column(hdu: Any, name: str) -> str | None:
    """The column called ``name`` in any case, or None."""
    names = {n.upper(): n for n in hdu.columns.names}
    return names.get(name.upper())


def table_column(hdu: Any, path: Path, name: str, unit: str | None = None, assumed: str | None = None) -> np.ndarray:
    """A table column (name in any case) as floats, axes of length 1 squeezed (rows kept).

    With ``unit`` the values are converted to it from the column's TUNIT, or from ``assumed``
    (else the unit Fermitools' own table of that name holds) when the column has none; a column
    without a unit where none can be assumed, or with a unit of another kind, is an InputError
    naming the file and the column.
    """
    found = _find_column(hdu, name) if getattr(hdu, "columns", None) is not None else None
    key = f"{hdu.name}.{name}"
    if found is None:
        raise InputError(path, key, "column missing")
    try:
        values = _squeeze_rows(np.asarray(hdu.data[found], float))
    except (TypeError, ValueError) as exc:
        raise InputError(path, f"{hdu.name}.{found}", f"not a numeric column ({exc})") from None
    if unit is None:
        return values
    column = hdu.columns[found]
    given = (column.unit or "").strip() or assumed or ASSUMED_UNITS.get((hdu.name.upper(), found.upper()))
    if not given:
        raise InputError(path, f"{hdu.name}.{found}", f"no unit (TUNIT): cannot tell it is in {unit}")
    return to_unit(values, given, unit, path, f"{hdu.name}.{found}")


def bands_hdu(hdul: Any, path: Path, image: Any, fermitools_names: tuple[str, ...]) -> Any:
    """The energy table of a map: the one its header names (``BANDSHDU``, gammapy's ``*_BANDS``),
    else Fermitools' (``ENERGIES``, ``EBOUNDS``)."""
    named = str(image.header.get("BANDSHDU", "")).strip()
    candidates = ([named] if named else []) + list(fermitools_names)
    for name in candidates:
        if name in hdul:
            return hdul[name]
    if named:
        raise InputError(path, named, f"HDU {named} (the map's BANDSHDU) missing")
    found = ", ".join(h.name for h in hdul)
    raise InputError(
        path, fermitools_names[0], f"no energy table: HDU {' or '.join(fermitools_names)} missing ({found})"
    )


def node_energies(hdu: Any, path: Path) -> np.ndarray:
    """The energies (MeV) of a cube's planes from its energy table: ``Energy`` (gtexpcube2,
    Galactic models) or gammapy's ENERGY / ENERGY_TRUE; a table of bins only gives their
    geometric centres."""
    for name in NODE_COLUMNS:
        if _find_column(hdu, name):
            return table_column(hdu, path, name, ENERGY_UNIT)
    for lo, hi in EDGE_COLUMNS:
        if _find_column(hdu, lo) and _find_column(hdu, hi):
            return np.sqrt(table_column(hdu, path, lo, ENERGY_UNIT) * table_column(hdu, path, hi, ENERGY_UNIT))
    raise InputError(
        path, hdu.name, f"no energy column (Energy, ENERGY_TRUE or E_MIN/E_MAX; found {', '.join(hdu.columns.names)})"
    )


def edge_energies(hdu: Any, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The bins (MeV) of a counts cube from its energy table: E_MIN/E_MAX (gtbin's EBOUNDS in keV,
    gammapy's BANDS with their TUNIT) or gammapy's ENERGY_MIN/ENERGY_MAX."""
    for lo, hi in EDGE_COLUMNS:
        if _find_column(hdu, lo) and _find_column(hdu, hi):
            return table_column(hdu, path, lo, ENERGY_UNIT), table_column(hdu, path, hi, ENERGY_UNIT)
    raise InputError(path, f"{hdu.name}.E_MIN", f"no energy bins (E_MIN/E_MAX; found {', '.join(hdu.columns.names)})")


def cube_hdu(hdul: Any, path: Path, what: str, prefer: tuple[str, ...] = ()) -> Any:
    """The HDU of a map cube: the primary image when it has one, else an extension named in
    ``prefer`` (gammapy's ``Map.write(hdu=...)``), else the first 3-d image, else a HEALPix table."""
    from astropy.io import fits

    def image(h: Any) -> bool:
        return isinstance(h, fits.PrimaryHDU | fits.ImageHDU) and int(h.header.get("NAXIS", 0)) >= 2

    if image(hdul[0]):
        return hdul[0]
    for name in prefer:
        if name in hdul:
            return hdul[name]
    for h in hdul[1:]:
        if image(h) or is_healpix(h):
            return h
    raise InputError(path, "PRIMARY", f"no {what} here: no image cube (energy, y, x) nor HEALPix table")


def is_healpix(hdu: Any) -> bool:
    """A HEALPix map table (gtexpcube2's HPXEXPOSURES, fermipy's and gammapy's SKYMAP, PIXTYPE = HEALPIX)."""
    return hdu.name == "HPXEXPOSURES" or str(hdu.header.get("PIXTYPE", "")).upper() == "HEALPIX"


# --- counts cube --------------------------------------------------------------------------


def _ebounds_hdu(emin: np.ndarray, emax: np.ndarray) -> Any:
    from astropy.io import fits

    return fits.BinTableHDU.from_columns(
        [
            fits.Column("CHANNEL", "J", array=np.arange(1, len(emin) + 1)),
            fits.Column("E_MIN", "D", unit="keV", array=np.asarray(emin) * KEV_PER_MEV),
            fits.Column("E_MAX", "D", unit="keV", array=np.asarray(emax) * KEV_PER_MEV),
        ],
        name="EBOUNDS",
    )


def write_counts_cube(path: Path, cube: CountsCube, extra: dict[str, Any] | None = None) -> None:
    from astropy.io import fits

    primary = fits.PrimaryHDU(cube.data.astype(np.float32), cube.header)
    primary.header.update(extra or {})
    with atomic_path(path) as tmp:
        fits.HDUList([primary, _ebounds_hdu(cube.emin, cube.emax)]).writeto(tmp)


def read_counts_cube(path: Path) -> CountsCube:
    """A counts cube: gtbin's/fermipy's (EBOUNDS) or gammapy's ``Map.write`` (its BANDS table)."""
    with _open(path, "counts cube") as hdul:
        hdu = cube_hdu(hdul, path, "counts cube", ("COUNTS",))
        if is_healpix(hdu):
            raise InputError(path, hdu.name, "a HEALPix counts cube is not read: give the FT1 event list(s) instead")
        data, header = _image(hdu, path)
        bands = bands_hdu(hdul, path, hdu, ("EBOUNDS",))
        emin, emax = edge_energies(bands, path)
        header["SYNTHET"] = is_synthetic(hdul[0].header)
    if emin.shape != data.shape[:1]:
        raise InputError(path, bands.name, f"{emin.size} energy bins for a cube of {data.shape[0]} planes")
    if np.any(~np.isfinite(emin)) or np.any(emin <= 0) or np.any(emax <= emin):
        raise InputError(path, f"{bands.name}.E_MAX", "energy bins must have 0 < E_MIN < E_MAX")
    if np.any(~np.isfinite(data)) or np.any(data < 0):
        raise InputError(path, hdu.name, "counts must be finite and >= 0")
    return CountsCube(data, header, emin, emax)


def is_counts_cube(hdul: Any) -> bool:
    """Whether an open FITS file holds a counts cube: a 3-d image with an energy table (EBOUNDS, or
    the BANDS table its header names)."""
    from astropy.io import fits

    for hdu in hdul:
        if not isinstance(hdu, fits.PrimaryHDU | fits.ImageHDU) or int(hdu.header.get("NAXIS", 0)) != 3:
            continue
        bands = str(hdu.header.get("BANDSHDU", "")).strip()
        if "EBOUNDS" in hdul or (bands and bands in hdul):
            return True
    return False


# --- exposure -----------------------------------------------------------------------------


def write_exposure_cube(path: Path, cube: ExposureCube) -> None:
    from astropy.io import fits

    energies = fits.BinTableHDU.from_columns(
        [fits.Column("Energy", "D", unit="MeV", array=cube.energies)], name="ENERGIES"
    )
    with atomic_path(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(cube.data.astype(np.float32), cube.header), energies]).writeto(tmp)


def read_exposure_cube(path: Path) -> ExposureCube | HealpixExposure:
    """A gtexpcube2 exposure cube (cm2 s), WCS or HEALPix (whichever the file holds)."""
    return read_energy_cube(path, "binned exposure cube", EXPOSURE_UNIT)


def read_energy_cube(path: Path, what: str, unit: str) -> ExposureCube | HealpixExposure:
    """A map cube at energies, in ``unit``: a WCS image or a HEALPix table, its energies in an
    ``ENERGIES`` table (Fermitools) or the ``*_BANDS`` table its header names (gammapy); its
    BUNIT (or a HEALPix column's TUNIT) converted where given, else taken to be ``unit``."""
    with _open(path, what) as hdul:
        hdu = cube_hdu(hdul, path, what)
        bands = bands_hdu(hdul, path, hdu, ("ENERGIES",))
        energies = node_energies(bands, path)
        bunit = str(hdu.header.get("BUNIT", "") or "").strip() or unit
        if is_healpix(hdu):
            return _healpix_cube(hdu, path, energies, unit, bunit)
        data, header = _image(hdu, path)
    if energies.shape != data.shape[:1]:
        raise InputError(path, bands.name, f"{energies.size} energies for a cube of {data.shape[0]} planes")
    factor = float(to_unit(np.ones(1), bunit, unit, path, f"{hdu.name}.BUNIT")[0])
    if factor != 1.0:
        data *= factor
    return ExposureCube(data, header, energies)


#: HEALPix map columns, one per energy: ENERGY1..n (gtexpcube2), CHANNEL1..n (fermipy, gammapy)
HEALPIX_COLUMN = re.compile(r"(ENERGY|CHANNEL|BIN)_?(\d+)", re.IGNORECASE)


def _healpix_cube(hdu: Any, path: Path, energies: np.ndarray, unit: str, bunit: str) -> HealpixExposure:
    header, where = hdu.header, hdu.name
    ordering = str(header.get("ORDERING", "")).upper()
    if ordering not in ("RING", "NESTED"):
        raise InputError(path, f"{where}.ORDERING", f"must be RING or NESTED, got {ordering!r}")
    if str(header.get("INDXSCHM", "")).upper() == "SPARSE":
        raise InputError(path, f"{where}.INDXSCHM", "a sparse HEALPix map is not read: write it with sparse=False")
    order = int(header.get("ORDER", -1))
    nside = int(header["NSIDE"]) if header.get("NSIDE") else (2**order if order >= 0 else 0)
    if nside < 1 or nside & (nside - 1):
        raise InputError(path, f"{where}.NSIDE", f"must be a power of 2, got {header.get('NSIDE')!r}")
    frame = HEALPIX_FRAMES.get(str(header.get("COORDSYS", "")).upper())
    if frame is None:
        raise InputError(path, f"{where}.COORDSYS", f"must be GAL or CEL, got {header.get('COORDSYS')!r}")
    columns = [n for n in hdu.columns.names if HEALPIX_COLUMN.fullmatch(n)]
    columns.sort(key=lambda n: int(HEALPIX_COLUMN.fullmatch(n).group(2)))
    if len(columns) != len(energies):
        raise InputError(path, where, f"{len(columns)} map columns (ENERGY1..) for {len(energies)} energies")
    data = np.stack([table_column(hdu, path, n, unit, assumed=bunit) for n in columns])
    if data.ndim != 2:
        raise InputError(path, f"{where}.{columns[0]}", f"one value per pixel expected, got shape {data.shape[1:]}")
    pixels = np.asarray(table_column(hdu, path, "PIX"), np.int64) if _find_column(hdu, "PIX") else None
    if pixels is None and data.shape[1] != 12 * nside**2:
        raise InputError(path, where, f"{data.shape[1]} rows: an all-sky map of NSIDE {nside} needs {12 * nside**2}")
    if pixels is not None and pixels.shape != data.shape[1:]:
        raise InputError(path, f"{where}.PIX", f"{pixels.size} pixels for {data.shape[1]} rows")
    return HealpixExposure(data, pixels, nside, ordering == "NESTED", frame, energies)


# --- PSF ----------------------------------------------------------------------------------


def write_psf_table(path: Path, table: PSFTableFile, ra: float, dec: float) -> None:
    from astropy.io import fits

    psf = fits.BinTableHDU.from_columns(
        [
            fits.Column("Energy", "D", unit="MeV", array=table.energies),
            fits.Column("Exposure", "D", unit="cm^2 s", array=table.exposure),
            fits.Column("Psf", f"{len(table.theta)}D", unit="sr^-1", array=table.psf),
        ],
        name="PSF",
    )
    psf.header["RA"], psf.header["DEC"] = ra, dec
    theta = fits.BinTableHDU.from_columns([fits.Column("Theta", "D", unit="deg", array=table.theta)], name="THETA")
    with atomic_path(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(), psf, theta]).writeto(tmp)


def read_psf_table(path: Path) -> PSFTableFile:
    """A PSF at one position: a gtpsf table (Fermitools, fermipy, gammapy's ``format="gtpsf"``) or
    gammapy's own PSFMap layout (``PSF`` + ``PSF_BANDS`` + ``PSF_EXPOSURE``)."""
    with _open(path, "PSF table (gtpsf)") as hdul:
        psf_hdu = _hdu(hdul, path, "PSF")
        columns = getattr(psf_hdu, "columns", None)
        if columns is None or (_find_column(psf_hdu, "Energy") is None and _find_column(psf_hdu, "DATA")):
            return _gammapy_psf(hdul, psf_hdu, path)
        energies = table_column(psf_hdu, path, "Energy", ENERGY_UNIT)
        exposure = table_column(psf_hdu, path, "Exposure", EXPOSURE_UNIT)
        psf = table_column(psf_hdu, path, "Psf", PSF_UNIT)
        theta = table_column(_hdu(hdul, path, "THETA"), path, "Theta", ANGLE_UNIT)
    return _psf_table(path, energies, theta, psf, exposure, ("PSF.Energy", "PSF.Exposure", "PSF.Psf"))


def _psf_table(
    path: Path, energies: np.ndarray, theta: np.ndarray, psf: np.ndarray, exposure: np.ndarray, keys: tuple
) -> PSFTableFile:
    """The PSF table, its shapes checked (one exposure per energy, one PSF profile per energy)."""
    energy_key, exposure_key, psf_key = keys
    if energies.ndim != 1 or theta.ndim != 1:
        raise InputError(path, energy_key, f"one energy per row expected, got shape {energies.shape}")
    if exposure.shape != energies.shape:
        raise InputError(path, exposure_key, f"{exposure.size} values for {energies.size} energies ({energy_key})")
    if psf.ndim == 1 and len(theta) == 1:
        psf = psf[:, None]
    if psf.shape != (len(energies), len(theta)):
        raise InputError(path, psf_key, f"shape {psf.shape}, expected ({len(energies)}, {len(theta)}): (energy, theta)")
    return PSFTableFile(energies, theta, psf, exposure)


def _gammapy_psf(hdul: Any, psf_hdu: Any, path: Path) -> PSFTableFile:
    """gammapy's ``PSFMap.write`` (format ``gadf``) of a PSF at one position: values (energy, rad)
    in ``PSF`` (a region map's DATA column, or an image of one pixel), axes RAD and ENERGY_TRUE
    in ``PSF_BANDS`` (RAD varying fastest), exposure per energy in ``PSF_EXPOSURE``."""
    bands = bands_hdu(hdul, path, psf_hdu, ("PSF_BANDS",))
    axes = [str(bands.header.get(f"AXCOLS{i}", "")).split(",")[0].strip().upper() for i in (1, 2)]
    if axes != ["RAD", "ENERGY_TRUE"]:
        raise InputError(path, f"{bands.name}.AXCOLS1", f"axes {axes}: a PSF needs RAD and ENERGY_TRUE (in that order)")
    values = _map_values(psf_hdu, path, PSF_UNIT)
    if "PSF_EXPOSURE" not in hdul:
        raise InputError(path, "PSF_EXPOSURE", "HDU missing: the PSF's exposure per energy (column Exposure)")
    exposure = _map_values(hdul["PSF_EXPOSURE"], path, EXPOSURE_UNIT).reshape(-1)
    if values.ndim != 2:
        raise InputError(path, psf_hdu.name, f"values of shape {values.shape}: a PSF at one position is needed")
    rad = table_column(bands, path, "RAD", ANGLE_UNIT)
    energy = table_column(bands, path, "ENERGY_TRUE", ENERGY_UNIT)
    nenergy, nrad = values.shape
    if len(rad) != nenergy * nrad or len(energy) != nenergy * nrad:
        raise InputError(path, bands.name, f"{len(rad)} rows for {nenergy} energies x {nrad} offsets")
    keys = (f"{bands.name}.ENERGY_TRUE", "PSF_EXPOSURE.DATA", f"{psf_hdu.name}.DATA")
    return _psf_table(path, energy[::nrad], rad[:nrad], values, exposure, keys)


def _map_values(hdu: Any, path: Path, unit: str) -> np.ndarray:
    """A gammapy map's values (non-spatial axes first) at one position: a region map's DATA column
    or an image of one pixel; converted from its TUNIT/BUNIT."""
    if getattr(hdu, "columns", None) is not None:
        return table_column(hdu, path, "DATA", unit)
    data = np.asarray(hdu.data, float) if hdu.data is not None else np.zeros((0,))
    if data.ndim < 3 or data.shape[-1] * data.shape[-2] != 1:
        raise InputError(path, hdu.name, f"a map of shape {data.shape}: a PSF at one position is needed")
    bunit = str(hdu.header.get("BUNIT", "") or "").strip() or unit
    return _squeeze_rows(to_unit(data.reshape(data.shape[:-2]), bunit, unit, path, f"{hdu.name}.BUNIT"))


# --- model cubes --------------------------------------------------------------------------


def write_model_cubes(path: Path, cubes: ModelCubes) -> None:
    from astropy.io import fits

    total = cubes.total
    hdus = [fits.PrimaryHDU(total.data.astype(np.float32), total.header), _ebounds_hdu(total.emin, total.emax)]
    for i, src in enumerate(cubes.sources):
        hdu = fits.ImageHDU(src.cube.astype(np.float32), total.header, name=f"MCUBE{i:03d}")
        hdu.header["SRCNAME"] = src.name
        hdus.append(hdu)
    hdus.append(
        fits.BinTableHDU.from_columns(
            [
                fits.Column("NAME", "A64", array=[s.name for s in cubes.sources]),
                fits.Column("SPATIAL_MODEL", "A32", array=[s.spatial_model for s in cubes.sources]),
                fits.Column("RA", "D", unit="deg", array=[s.ra for s in cubes.sources]),
                fits.Column("DEC", "D", unit="deg", array=[s.dec for s in cubes.sources]),
                fits.Column("SPECTRUM", "A1024", array=[json.dumps(s.spectrum) for s in cubes.sources]),
                fits.Column("TS", "D", array=[s.ts for s in cubes.sources]),
                fits.Column("NPRED", "D", array=[s.npred for s in cubes.sources]),
            ],
            name="SOURCES",
        )
    )
    with atomic_path(path) as tmp:
        fits.HDUList(hdus).writeto(tmp)


def read_model_cubes(path: Path) -> ModelCubes:
    with _open(path, "model cubes") as hdul:
        data, header = _image(hdul[0], path)
        total = CountsCube(data, header, *edge_energies(_hdu(hdul, path, "EBOUNDS"), path))
        table = _hdu(hdul, path, "SOURCES")
        cubes = {h.header.get("SRCNAME"): np.asarray(h.data, float) for h in hdul if h.name.startswith("MCUBE")}
        sources = []
        for row in table.data:
            name = str(row["NAME"]).strip()
            if name not in cubes:
                raise InputError(path, name, "source listed in SOURCES without its MCUBE image")
            if cubes[name].shape != data.shape:
                raise InputError(path, name, f"model cube shape {cubes[name].shape} differs from {data.shape}")
            try:
                spectrum = json.loads(str(row["SPECTRUM"]))
            except json.JSONDecodeError:
                raise InputError(path, f"SOURCES.{name}", "SPECTRUM is not JSON") from None
            sources.append(
                ModelSource(
                    name,
                    str(row["SPATIAL_MODEL"]).strip(),
                    float(row["RA"]),
                    float(row["DEC"]),
                    spectrum,
                    float(row["TS"]),
                    float(row["NPRED"]),
                    cubes[name],
                )
            )
    return ModelCubes(total, sources)
