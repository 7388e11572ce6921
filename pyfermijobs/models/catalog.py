"""Point sources from the 4FGL catalog files that ship inside fermipy (read offline).

``model.catalogs`` of the analysis template names the catalog: ``4FGL-DR4`` (the default),
``4FGL``, ``4FGL-DR3`` or a ``gll_psc_v*.fit`` file name from fermipy's catalog folder or a
path. Spectra keep their catalog form (PowerLaw, LogParabola, PLSuperExpCutoff4).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.models.spectra import Spectrum

#: Catalog names -> file in fermipy's data/catalogs (4FGL-DR4 is gll_psc_v35).
CATALOG_FILES = {"4FGL-DR4": "gll_psc_v35.fit", "4FGL-DR3": "gll_psc_v29.fit", "4FGL": "gll_psc_v20.fit"}
DEFAULT_CATALOG = "4FGL-DR4"


@dataclass(frozen=True)
class CatalogSource:
    name: str
    ra: float
    dec: float
    spectrum: Spectrum
    signif: float  # catalog significance (sigma), Signif_Avg
    extended: bool


def catalog_path(name: str, file: str = "config.yaml") -> Path:
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


def read_catalog(path: Path, file: str = "config.yaml") -> list[CatalogSource]:
    """All sources of a 4FGL-format catalog with their catalog spectra."""
    import fitsio

    columns = [
        "Source_Name",
        "RAJ2000",
        "DEJ2000",
        "SpectrumType",
        "Pivot_Energy",
        "Signif_Avg",
        "Extended_Source_Name",
        "PL_Flux_Density",
        "PL_Index",
        "LP_Flux_Density",
        "LP_Index",
        "LP_beta",
        "PLEC_Flux_Density",
        "PLEC_IndexS",
        "PLEC_ExpfactorS",
        "PLEC_Exp_Index",
    ]
    try:
        data = fitsio.read(str(path), ext="LAT_Point_Source_Catalog", columns=columns)
    except (OSError, ValueError) as exc:
        raise InputError(file, "model.catalogs", f"{path} is not a 4FGL-format catalog: {exc}") from None
    sources = []
    for row in data:
        kind = row["SpectrumType"].strip()
        e0 = float(row["Pivot_Energy"])
        if kind == "PowerLaw":
            spec = Spectrum(
                "PowerLaw", {"Prefactor": float(row["PL_Flux_Density"]), "Index": float(row["PL_Index"]), "Scale": e0}
            )
        elif kind == "LogParabola":
            spec = Spectrum(
                "LogParabola",
                {
                    "norm": float(row["LP_Flux_Density"]),
                    "alpha": float(row["LP_Index"]),
                    "beta": float(row["LP_beta"]),
                    "Eb": e0,
                },
            )
        else:  # PLSuperExpCutoff in 4FGL-DR3 and later is the PLSuperExpCutoff4 form
            spec = Spectrum(
                "PLSuperExpCutoff4",
                {
                    "Prefactor": float(row["PLEC_Flux_Density"]),
                    "IndexS": float(row["PLEC_IndexS"]),
                    "Scale": e0,
                    "ExpfactorS": float(row["PLEC_ExpfactorS"]),
                    "Index2": float(row["PLEC_Exp_Index"]),
                },
            )
        sources.append(
            CatalogSource(
                name=row["Source_Name"].strip(),
                ra=float(row["RAJ2000"]),
                dec=float(row["DEJ2000"]),
                spectrum=spec,
                signif=float(np.nan_to_num(row["Signif_Avg"])),
                extended=bool(row["Extended_Source_Name"].strip()),
            )
        )
    return sources
