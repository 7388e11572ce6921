"""fermipy's and Fermitools' map and table formats, as the export to the builtin engine reads them.

- Counts cube (``gtbin``, fermipy's ``ccube_00.fits``, format ``fgst-ccube``): primary image
  (nebins, ny, nx) with a celestial WCS; ``EBOUNDS`` table (CHANNEL, E_MIN, E_MAX in keV).
- Binned exposure (``gtexpcube2``, fermipy's ``bexpmap_roi_00.fits``): primary image
  (nplanes, ny, nx) in cm2 s at the energies of the ``ENERGIES`` table (Energy, MeV); or
  HEALPix (fermipy's ``FGST_BEXPCUBE``): table ``HPXEXPOSURES`` with one column per energy
  (ENERGY1..n), an optional ``PIX`` column (a partial map) and PIXTYPE/ORDERING/NSIDE/COORDSYS.
- PSF table (``gtpsf``): ``PSF`` table (Energy in MeV, Exposure in cm2 s, Psf in sr-1 per
  offset) and ``THETA`` table (Theta, deg).
- Model cubes (written by the fermipy backend from ``GTAnalysis.model_counts_map``): the
  whole model as a counts cube, one image per free source (``SRCNAME``), and a ``SOURCES``
  table (name, spatial model, direction, spectrum as JSON, TS, npred).

Readers check what they need and name the file and HDU when something is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.yamlio import atomic_path

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


def _column(hdu: Any, path: Path, name: str) -> np.ndarray:
    try:
        return np.asarray(hdu.data[name], float)
    except (KeyError, TypeError):
        raise InputError(path, f"{hdu.name}.{name}", "column missing") from None


def _image(hdul: Any, path: Path, index: int | str = 0) -> tuple[np.ndarray, Any]:
    hdu = hdul[index]
    if hdu.data is None or hdu.data.ndim != 3:
        raise InputError(path, hdu.name, "expected an image cube (energy, y, x)")
    return np.asarray(hdu.data, float), celestial_header(hdu.header)


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
    with _open(path, "counts cube") as hdul:
        data, header = _image(hdul, path)
        ebounds = _hdu(hdul, path, "EBOUNDS")
        emin = _column(ebounds, path, "E_MIN") / KEV_PER_MEV
        emax = _column(ebounds, path, "E_MAX") / KEV_PER_MEV
        header["SYNTHET"] = bool(hdul[0].header.get("SYNTHET", False))
    if len(emin) != data.shape[0]:
        raise InputError(path, "EBOUNDS", f"{len(emin)} energy bins for a cube of {data.shape[0]} planes")
    return CountsCube(data, header, emin, emax)


# --- exposure -----------------------------------------------------------------------------


def write_exposure_cube(path: Path, cube: ExposureCube) -> None:
    from astropy.io import fits

    energies = fits.BinTableHDU.from_columns(
        [fits.Column("Energy", "D", unit="MeV", array=cube.energies)], name="ENERGIES"
    )
    with atomic_path(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(cube.data.astype(np.float32), cube.header), energies]).writeto(tmp)


def read_exposure_cube(path: Path) -> ExposureCube | HealpixExposure:
    """A gtexpcube2 exposure cube, WCS or HEALPix (whichever the file holds)."""
    with _open(path, "binned exposure cube") as hdul:
        healpix = next(
            (h for h in hdul[1:] if h.name == "HPXEXPOSURES" or str(h.header.get("PIXTYPE", "")).upper() == "HEALPIX"),
            None,
        )
        energies = _energies(_hdu(hdul, path, "ENERGIES"), path)
        if healpix is not None:
            return _healpix_exposure(healpix, path, energies)
        data, header = _image(hdul, path)
    if len(energies) != data.shape[0]:
        raise InputError(path, "ENERGIES", f"{len(energies)} energies for a cube of {data.shape[0]} planes")
    return ExposureCube(data, header, energies)


def _energies(hdu: Any, path: Path) -> np.ndarray:
    """The energy column of an ENERGIES table: ``Energy`` (gtexpcube2) or gammapy's ``ENERGY_TRUE``."""
    names = {name.upper(): name for name in hdu.columns.names}
    name = names.get("ENERGY") or names.get("ENERGY_TRUE")
    if name is None:
        raise InputError(path, f"{hdu.name}.Energy", "column missing")
    return _column(hdu, path, name)


def _healpix_exposure(hdu: Any, path: Path, energies: np.ndarray) -> HealpixExposure:
    import re

    header, where = hdu.header, hdu.name
    ordering = str(header.get("ORDERING", "")).upper()
    if ordering not in ("RING", "NESTED"):
        raise InputError(path, f"{where}.ORDERING", f"must be RING or NESTED, got {ordering!r}")
    order = int(header.get("ORDER", -1))
    nside = int(header["NSIDE"]) if header.get("NSIDE") else (2**order if order >= 0 else 0)
    if nside < 1 or nside & (nside - 1):
        raise InputError(path, f"{where}.NSIDE", f"must be a power of 2, got {header.get('NSIDE')!r}")
    frame = HEALPIX_FRAMES.get(str(header.get("COORDSYS", "")).upper())
    if frame is None:
        raise InputError(path, f"{where}.COORDSYS", f"must be GAL or CEL, got {header.get('COORDSYS')!r}")
    columns = [n for n in hdu.columns.names if re.fullmatch(r"(ENERGY|CHANNEL)\d+", n.upper())]
    columns.sort(key=lambda n: int(re.sub(r"\D", "", n)))
    if len(columns) != len(energies):
        raise InputError(path, where, f"{len(columns)} exposure columns (ENERGY1..) for {len(energies)} ENERGIES")
    data = np.stack([np.asarray(hdu.data[n], float) for n in columns])
    pixels = np.asarray(hdu.data["PIX"], np.int64) if "PIX" in hdu.columns.names else None
    if pixels is None and data.shape[1] != 12 * nside**2:
        raise InputError(path, where, f"{data.shape[1]} rows: an all-sky map of NSIDE {nside} needs {12 * nside**2}")
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
    with _open(path, "PSF table (gtpsf)") as hdul:
        psf_hdu = _hdu(hdul, path, "PSF")
        energies = _column(psf_hdu, path, "Energy")
        exposure = _column(psf_hdu, path, "Exposure")
        psf = np.atleast_2d(_column(psf_hdu, path, "Psf"))
        theta = _column(_hdu(hdul, path, "THETA"), path, "Theta")
    if psf.shape != (len(energies), len(theta)):
        raise InputError(path, "PSF.Psf", f"shape {psf.shape}, expected ({len(energies)}, {len(theta)})")
    return PSFTableFile(energies, theta, psf, exposure)


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
        data, header = _image(hdul, path)
        ebounds = _hdu(hdul, path, "EBOUNDS")
        total = CountsCube(
            data, header, _column(ebounds, path, "E_MIN") / KEV_PER_MEV, _column(ebounds, path, "E_MAX") / KEV_PER_MEV
        )
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
