"""Sky maps of an ROI as FITS images (WCS of the ROI), written atomically."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pyfermijobs.atomic import atomic_path
from pyfermijobs.datasets.geom import ROIGeom


def write_map(
    path: Path,
    image: np.ndarray,
    geom: ROIGeom,
    name: str,
    unit: str,
    synthetic: bool,
    extra: dict[str, np.ndarray] | None = None,
) -> None:
    """One image HDU ``name`` (plus ``extra`` images), with the ROI's WCS."""
    from astropy.io import fits

    header = fits.Header({k: v for k, v in geom.header().items() if v is not None})
    primary = fits.PrimaryHDU(image.astype(np.float32), header)
    primary.header["EXTNAME"] = name
    primary.header["BUNIT"] = unit
    primary.header["SYNTHET"] = (synthetic, "made from SYNTHETIC data")
    hdus = [primary] + [fits.ImageHDU(v.astype(np.float32), header, name=k) for k, v in (extra or {}).items()]
    with atomic_path(path) as tmp:
        fits.HDUList(hdus).writeto(tmp)
