"""SED file speed: writing and reading one realization's SED file, ours (fitsio) against astropy's
table writer and reader on the same columns, measured in the same run.

A control study writes one SED file per realization and reads each back twice (CollectSED,
ConvertCastro); with astropy's writer the files cost about a fifth of a realization. The SED is a
synthetic Draco one (12 bins, fermipy's columns and scans). Writes ``results/sed_io.json``.

    python benchmarks/bench_sed_io.py
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np

from pyfermijobs.config import sed_settings
from pyfermijobs.datasets import build_synthetic_roi
from pyfermijobs.estimators import compute_sed
from pyfermijobs.io.sed_fits import FLUX_UNIT, SED_COLUMNS, gadf_columns, read_sed, write_sed

TEMPLATE = {
    "selection": {"emin": 500, "emax": 500000},
    "binning": {"binsperdec": 4, "binsz": 0.25, "roiwidth": 4.0, "coordsys": "GAL"},
    "model": {"src_roiwidth": 6.0},
}
REPEATS = 50


def astropy_write(path: Path, sed: dict, model_flux: dict, params: dict, header: dict) -> None:
    """The same three HDUs through astropy.io.fits (the writer pyfermijobs used before)."""
    from astropy.io import fits

    def column(name: str, data: np.ndarray, unit: str | None = None, kind: str = "D") -> fits.Column:
        data = np.asarray(data)
        fmt = f"{data.shape[1]}{kind}" if data.ndim == 2 else kind
        return fits.Column(name=name, format=fmt, unit=unit, array=data)

    cols = [column(n, sed[n], u) for n, u in SED_COLUMNS] + [column(n, v) for n, v in gadf_columns(sed).items()]
    hdu = fits.BinTableHDU.from_columns(cols, name="SED")
    for key, value in header.items():
        hdu.header[key] = value
    flux = fits.BinTableHDU.from_columns(
        [column(n, v, FLUX_UNIT, "E") for n, v in model_flux.items()], name="MODEL_FLUX"
    )
    par = [fits.Column(name="name", format="A32", array=np.asarray(params["name"]))]
    par += [column(n, params[n], None, "E") for n in ("value", "error", "covariance", "correlation")]
    fits.HDUList([fits.PrimaryHDU(), hdu, flux, fits.BinTableHDU.from_columns(par, name="PARAMS")]).writeto(path)


def astropy_read(path: Path) -> dict:
    from astropy.io import fits

    with fits.open(path, memmap=False) as hdul:
        return {n.lower(): np.array(hdul["SED"].data[n]) for n in hdul["SED"].columns.names}


def per_call(fn, repeats: int) -> float:
    start = time.perf_counter()
    for i in range(repeats):
        fn(i)
    return (time.perf_counter() - start) / repeats


if __name__ == "__main__":
    roi = build_synthetic_roi(TEMPLATE, "draco", 260.05167, 57.91528)
    product = compute_sed(roi, "test", 260.05167, 57.91528, sed_settings({}, "bench"))
    header = {"SRCNAME": "test", "TARGET": "draco", "SYNTHET": True, "TS": float(product.ts)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        args = (product.sed, product.model_flux, product.params, header)
        ours_w = per_call(lambda i: write_sed(folder / f"o{i}.fits", *args), REPEATS)
        theirs_w = per_call(lambda i: astropy_write(folder / f"a{i}.fits", *args), REPEATS)
        ours_r = per_call(lambda i: read_sed(folder / f"o{i}.fits"), REPEATS)
        theirs_r = per_call(lambda i: astropy_read(folder / f"a{i}.fits"), REPEATS)
        ours_sed, theirs_sed = read_sed(folder / "o0.fits")[0], astropy_read(folder / "a0.fits")
        differ = [k for k, v in theirs_sed.items() if not np.allclose(ours_sed[k], v, equal_nan=True)]
    out = {
        "sed": f"synthetic Draco, {roi.geom.nebins} bins",
        "write_ms": {"ours": round(ours_w * 1e3, 2), "astropy": round(theirs_w * 1e3, 2)},
        "read_ms": {"ours": round(ours_r * 1e3, 2), "astropy": round(theirs_r * 1e3, 2)},
        "speed_up": {"write": round(theirs_w / ours_w, 1), "read": round(theirs_r / ours_r, 1)},
        "columns_that_differ": differ,
    }
    print(json.dumps(out, indent=2))
    (Path(__file__).parent / "results/sed_io.json").write_text(json.dumps(out, indent=2) + "\n")
