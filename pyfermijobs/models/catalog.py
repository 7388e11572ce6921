"""Point sources from LAT catalogs: those that ship inside fermipy (read offline), or a file.

``model.catalogs`` of the analysis template names the catalog: ``4FGL-DR4`` (the default),
``4FGL``, ``4FGL-DR3``, ``3FGL``, a ``gll_psc_v*.fit`` file name from fermipy's catalog folder,
or a path (the 3FHL's ``gll_psch_v13.fit``, for one). Two column layouts are read: 4FGL's
(``PL_Flux_Density``, ``LP_*``, ``PLEC_*``) and that of 3FGL and 3FHL (``Flux_Density`` at
``Pivot_Energy``, ``Spectral_Index``, ``beta``, ``Cutoff``, ``Exp_Index``; 3FHL's in GeV units).
Spectra keep their catalog form (PowerLaw, LogParabola, PLSuperExpCutoff, PLSuperExpCutoff4).
Extended sources carry their morphology from the ``ExtendedSources`` table where it is a
radial disk or Gaussian (fermipy's reading: the radius, or the 68% radius for a Gaussian, is
the geometric mean of the semi-axes); template maps (``SpatialMap``) are not shipped here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.models.spectra import Spectrum

#: Catalog names -> file in fermipy's data/catalogs (4FGL-DR4 is gll_psc_v35).
CATALOG_FILES = {
    "4FGL-DR4": "gll_psc_v35.fit",
    "4FGL-DR3": "gll_psc_v29.fit",
    "4FGL": "gll_psc_v20.fit",
    "3FGL": "gll_psc_v16.fit",
}
DEFAULT_CATALOG = "4FGL-DR4"


@dataclass(frozen=True)
class CatalogSource:
    name: str
    ra: float
    dec: float
    spectrum: Spectrum
    signif: float  # catalog significance (sigma), Signif_Avg
    extended: bool
    #: ("RadialDisk", radius deg) or ("RadialGaussian", sigma deg); None for a point source or a
    #: template map this package cannot read
    morphology: tuple[str, float] | None = None


def catalog_path(name: str, file: str = "analysis configuration") -> Path:
    """Resolve a catalog name or file against fermipy's shipped catalogs."""
    candidate = Path(name).expanduser()
    if candidate.is_file():
        return candidate
    import importlib.util

    spec = importlib.util.find_spec("fermipy")
    if spec is None or spec.origin is None:
        raise InputError(file, "model.catalogs", "fermipy is not installed, so its 4FGL catalogs are not available")
    folder = Path(spec.origin).parent / "data" / "catalogs"
    path = folder / CATALOG_FILES.get(name, name)
    if not path.is_file():
        known = ", ".join(CATALOG_FILES)
        raise InputError(file, "model.catalogs", f"catalog {name!r} not found (known: {known}, or a gll_psc_v*.fit)")
    return path


def read_catalog(path: Path, file: str = "analysis configuration") -> list[CatalogSource]:
    """All sources of a catalog with their catalog spectra (4FGL, 3FGL or 3FHL column layouts)."""
    import fitsio

    try:
        with fitsio.FITS(str(path)) as fits:
            hdu = fits["LAT_Point_Source_Catalog"]
            names = hdu.get_colnames()
            header = hdu.read_header()
            data = hdu.read()
    except (OSError, ValueError) as exc:
        raise InputError(
            file, "model.catalogs", f"{path} is not a LAT catalog (no LAT_Point_Source_Catalog): {exc}"
        ) from None
    where = f"{path}: LAT_Point_Source_Catalog"
    missing = [c for c in ("Source_Name", "RAJ2000", "DEJ2000", "SpectrumType", "Pivot_Energy") if c not in names]
    if missing:
        raise InputError(file, "model.catalogs", f"{where}: column {missing[0]} missing")
    if len(data) == 0:
        raise InputError(file, "model.catalogs", f"{where}: no sources (0 rows)")
    if "PL_Flux_Density" in names:
        spectra = [_4fgl_spectrum(row) for row in data]
    elif {"Flux_Density", "Pivot_Energy", "Spectral_Index"} <= set(names):
        unit = str(header.get(f"TUNIT{names.index('Pivot_Energy') + 1}", "MeV")).strip()
        to_mev = {"MeV": 1.0, "GeV": 1e3}.get(unit)
        if to_mev is None:
            raise InputError(file, "model.catalogs", f"{path}: Pivot_Energy in unknown unit {unit!r}")
        spectra = [_3fgl_spectrum(row, names, to_mev) for row in data]
    else:
        raise InputError(
            file, "model.catalogs", f"{path}: unknown catalog format (neither 4FGL's nor 3FGL/3FHL's columns)"
        )
    for i, (row, spec) in enumerate(zip(data, spectra, strict=True)):
        _check_source(row, spec, file, f"{where} row {i} ({str(row['Source_Name']).strip()})")
    extended = data["Extended_Source_Name"] if "Extended_Source_Name" in names else [""] * len(data)
    shapes = _morphologies(path)
    return [
        CatalogSource(
            name=row["Source_Name"].strip(),
            ra=float(row["RAJ2000"]),
            dec=float(row["DEJ2000"]),
            spectrum=spec,
            signif=float(np.nan_to_num(row["Signif_Avg"])),
            extended=bool(str(ext).strip()),
            morphology=shapes.get(str(ext).strip()),
        )
        for row, spec, ext in zip(data, spectra, extended, strict=True)
    ]


def _check_source(row: np.void, spectrum: Spectrum, file: str, where: str) -> None:
    """A catalog row the model can use: a position on the sky, a spectrum of finite parameters
    and a positive normalisation (a corrupt catalog is refused, not fitted)."""
    ra, dec = float(row["RAJ2000"]), float(row["DEJ2000"])
    if not (np.isfinite(ra) and np.isfinite(dec) and 0.0 <= ra <= 360.0 and -90.0 <= dec <= 90.0):
        raise InputError(file, "model.catalogs", f"{where}: RAJ2000/DEJ2000 ({ra}, {dec}) is not a sky position")
    bad = [name for name, value in spectrum.values.items() if not np.isfinite(value)]
    if bad:
        raise InputError(file, "model.catalogs", f"{where}: spectral parameter {bad[0]} is not finite")
    norm = spectrum.values[spectrum.form.norm]
    if norm <= 0:
        raise InputError(file, "model.catalogs", f"{where}: flux density {norm:g} must be > 0")


#: a 2D Gaussian's 68% containment radius in units of its sigma
GAUSSIAN_R68_PER_SIGMA = float(np.sqrt(-2.0 * np.log(1.0 - 0.6827)))


def _morphologies(path: Path) -> dict[str, tuple[str, float]]:
    """Radial disks and Gaussians of the catalog's ``ExtendedSources`` table, by extended-source name."""
    import fitsio

    with fitsio.FITS(str(path)) as fits:
        if "ExtendedSources" not in fits:
            return {}
        table = fits["ExtendedSources"].read()
    names = table.dtype.names
    shapes = {}
    for row in table:
        form = str(row["Spatial_Function"]).strip() if "Spatial_Function" in names else ""
        form = form or {"Disk": "RadialDisk", "2D Gaussian": "RadialGaussian"}.get(str(row["Model_Form"]).strip(), "")
        size = float(np.sqrt(row["Model_SemiMajor"] * row["Model_SemiMinor"]))
        if form == "RadialDisk":
            shapes[str(row["Source_Name"]).strip()] = (form, size)
        elif form in ("RadialGaussian", "RadialGauss"):  # 4FGL writes the latter
            shapes[str(row["Source_Name"]).strip()] = ("RadialGaussian", size / GAUSSIAN_R68_PER_SIGMA)
    return shapes


def _4fgl_spectrum(row: np.void) -> Spectrum:
    kind = row["SpectrumType"].strip()
    e0 = float(row["Pivot_Energy"])
    if kind == "PowerLaw":
        return Spectrum(
            "PowerLaw", {"Prefactor": float(row["PL_Flux_Density"]), "Index": float(row["PL_Index"]), "Scale": e0}
        )
    if kind == "LogParabola":
        values = {"norm": float(row["LP_Flux_Density"]), "alpha": float(row["LP_Index"]), "beta": float(row["LP_beta"])}
        return Spectrum("LogParabola", {**values, "Eb": e0})
    # PLSuperExpCutoff in 4FGL-DR3 and later is the PLSuperExpCutoff4 form
    return Spectrum(
        "PLSuperExpCutoff4",
        {
            "Prefactor": float(row["PLEC_Flux_Density"]),
            "IndexS": float(row["PLEC_IndexS"]),
            "Scale": e0,
            "ExpfactorS": float(row["PLEC_ExpfactorS"]),
            "Index2": float(row["PLEC_Exp_Index"]),
        },
    )


def _3fgl_spectrum(row: np.void, names: list[str], to_mev: float) -> Spectrum:
    """3FGL/3FHL: ``Flux_Density`` at ``Pivot_Energy``; cut-off spectra normalised at the pivot."""
    kind = row["SpectrumType"].strip()
    e0 = float(row["Pivot_Energy"]) * to_mev
    k = float(row["Flux_Density"]) / to_mev  # per MeV
    index = float(row["Spectral_Index"])
    if kind == "LogParabola":
        return Spectrum("LogParabola", {"norm": k, "alpha": index, "beta": float(row["beta"]), "Eb": e0})
    if kind in ("PLExpCutoff", "PLSuperExpCutoff") and "Cutoff" in names:
        cutoff = float(row["Cutoff"]) * to_mev
        b = float(row["Exp_Index"]) if kind == "PLSuperExpCutoff" else 1.0
        # dN/dE = K (E/E0)^-G exp((E0/Ec)^b - (E/Ec)^b): the engine's form without the exp((E0/Ec)^b)
        prefactor = k * float(np.exp((e0 / cutoff) ** b))
        return Spectrum(
            "PLSuperExpCutoff", {"Prefactor": prefactor, "Index1": index, "Scale": e0, "Cutoff": cutoff, "Index2": b}
        )
    return Spectrum("PowerLaw", {"Prefactor": k, "Index": index, "Scale": e0})
