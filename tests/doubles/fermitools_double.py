"""TEST DOUBLE of Fermitools + fermipy's GTAnalysis: not Fermitools, not fermipy.

Fermitools cannot be installed where pyfermijobs is built and tested (conda only), so the
fermipy backend is tested against this stand-in for the part of the interface it uses:
``GTAnalysis`` (setup, free_* , optimize, fit, localize, find_sources, add/delete/zero/
update_source, write_roi, load_roi, load_xml, sed, simulate_roi, set_random_seed,
model_counts_map, model_counts_spectrum, roi, config, energies, components, logger) and
``run_gtapp`` (gtpsf only). Select it with ``PFJ_FERMITOOLS=<this file>``.

It records every call (``GTAnalysisDouble.calls``; one JSON line per call to the file named
by ``PFJ_DOUBLE_LOG`` when set, for runs in subprocesses and pipeline tasks; a call given a
mapping, such as ``add_source``'s source model, also keeps its arguments as passed, under
``values``) and writes the files fermipy writes, in fermipy's formats and under its names:
``ccube_00.fits``, ``bexpmap_roi_00.fits``, ``srcmap_00.fits``, ``ltcube_00.fits``,
``{prefix}.fits/.npy/_00.xml``, SED files. The numbers come from pyfermijobs' builtin engine
on its SYNTHETIC sky (small ROIs only: the state is pickled into the ``.npy``), so that steps
downstream see realistic values; agreement with the builtin engine is therefore no evidence about real fermipy.
"""

from __future__ import annotations

import copy
import json
import logging as _logging  # GTAnalysis takes a 'logging' argument
import os
import pickle
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import yaml

NAME = "GTAnalysisDouble"


def _plain(value: Any) -> Any:
    """A call argument as JSON can hold it: mappings and sequences kept, numbers as numbers (nan too)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def _record(name: str, args: tuple, kwargs: dict[str, Any], calls: list) -> None:
    entry = {"call": name, "args": [str(a) for a in args], "kwargs": {k: str(v) for k, v in kwargs.items()}}
    if any(isinstance(a, dict) for a in args):  # source models (add_source): as passed, to be inspected
        entry["values"] = [_plain(a) for a in args]
    calls.append(entry)
    log = os.environ.get("PFJ_DOUBLE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({**entry, "pid": os.getpid()}) + "\n")


class SourceDouble:
    """fermipy's Source as the backend reads it: ``name`` and item access."""

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        self.name = name
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]


class ROIModelDouble:
    def __init__(self, owner: GTAnalysisDouble) -> None:
        self._owner = owner

    @property
    def skydir(self) -> tuple[float, float]:
        sel = self._owner.config["selection"]
        return (float(sel["ra"]), float(sel["dec"]))

    @property
    def sources(self) -> list[SourceDouble]:
        return [self.get_source_by_name(c.name) for c in self._owner._roi.components]

    def has_source(self, name: str) -> bool:
        return any(c.name == name for c in self._owner._roi.components)

    def get_source_by_name(self, name: str) -> SourceDouble:
        roi = self._owner._roi
        comp = roi.component(name)
        spec = comp.spectrum.to_dict()
        kind = spec.pop("SpectrumType")
        half = roi.geom.npix * roi.geom.binsz / 2.0
        offset = float(comp.info.get("offset", 0.0) or 0.0)
        return SourceDouble(
            name,
            {
                "SpatialModel": "PointSource" if comp.kind == "point" else "DiffuseSource",
                "SpectrumType": kind,
                "spectral_pars": {k: {"value": v, "scale": 1.0} for k, v in spec.items()},
                "ra": comp.ra if comp.ra is not None else self.skydir[0],
                "dec": comp.dec if comp.dec is not None else self.skydir[1],
                "ts": comp.info.get("ts", 0.0),
                "npred": float(comp.template.sum()) if comp.template is not None else 0.0,
                "offset_roi_edge": offset - half,
            },
        )


class GTAnalysisDouble:
    """Stand-in for ``fermipy.gtanalysis.GTAnalysis`` (see the module docstring)."""

    calls: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, config: str, logging: dict | None = None, fileio: dict | None = None) -> None:
        _record("__init__", (config,), {"fileio": fileio}, self.calls)
        with open(config, encoding="utf-8") as fh:
            self.config = yaml.safe_load(fh)
        self.workdir = str((fileio or {}).get("outdir") or Path(config).parent)
        self.logger = _logging.getLogger(NAME)
        gtlike = self.config.get("gtlike") or {}
        srcmap = gtlike.get("srcmap") if gtlike.get("use_external_srcmap") else None
        self._srcmap = Path(srcmap) if srcmap else Path(self.workdir) / "srcmap_00.fits"
        self.components = [
            SimpleNamespace(files={"ltcube": str(Path(self.workdir) / "ltcube_00.fits"), "srcmap": str(self._srcmap)})
        ]
        self.roi = ROIModelDouble(self)
        self._roi: Any = None

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if callable(value) and not name.startswith("_") and name not in ("roi",):
            calls = object.__getattribute__(self, "calls")

            def recorded(*args: Any, **kwargs: Any) -> Any:
                _record(name, args, kwargs, calls)
                return value(*args, **kwargs)

            return recorded
        return value

    # --- helpers (not part of the GTAnalysis interface) ------------------------------------
    def _path(self, name: str) -> Path:
        return Path(self.workdir) / name

    def _target(self) -> str:
        return Path(self.workdir).name

    def _free_names(self) -> list[str]:
        return [c.name for c in self._roi.components if c.free and c.template is not None]

    def _save_srcmap(self) -> None:
        """fermipy rewrites its source-map file when the model or the counts change."""
        from astropy.io import fits

        hdus = [fits.PrimaryHDU(self._roi.counts.astype(np.float32))]
        for comp in self._roi.components:
            hdu = fits.ImageHDU(comp.template.astype(np.float32), name=comp.name[:60])
            hdus.append(hdu)
        fits.HDUList(hdus).writeto(self._srcmap, overwrite=True)

    # --- GTAnalysis interface --------------------------------------------------------------
    @property
    def energies(self) -> np.ndarray:
        return np.asarray(self._roi.geom.energy_edges)

    def setup(self, overwrite: bool = False) -> None:
        from astropy.io import fits

        from pyfermijobs.datasets.synthetic import build_synthetic_roi, exposure_cube
        from pyfermijobs.formats.fermipy_files import CountsCube, ExposureCube, write_counts_cube, write_exposure_cube

        sel = self.config["selection"]
        self._roi = build_synthetic_roi(self.config, self._target(), float(sel["ra"]), float(sel["dec"]))
        geom = self._roi.geom
        header = fits.Header({k: v for k, v in geom.header().items() if v is not None})
        write_counts_cube(
            self._path("ccube_00.fits"),
            CountsCube(self._roi.counts.astype(float), header, geom.emin, geom.emax),
            {"SYNTHET": True},
        )
        edges = np.asarray(geom.energy_edges)
        expo = exposure_cube(geom, edges[:, None], self._roi.meta["livetime_years"])[:, 0]
        write_exposure_cube(self._path("bexpmap_roi_00.fits"), ExposureCube(expo, header, edges))
        fits.HDUList([fits.PrimaryHDU()]).writeto(self._path("ltcube_00.fits"), overwrite=True)
        self._save_srcmap()

    def free_sources(
        self,
        free: bool = True,
        pars: str | None = None,
        minmax_npred: list | None = None,
        skydir: Any = None,
        distance: float | None = None,
        **kwargs: Any,
    ) -> None:
        from pyfermijobs.datasets.geom import separation_deg, to_frame, unit_vectors

        geom = self._roi.geom
        for comp in self._roi.components:
            chosen = True
            if distance is not None and comp.kind == "point":
                lon, lat = to_frame(comp.ra, comp.dec, geom.coordsys)
                sep = float(separation_deg(unit_vectors(lon, lat), unit_vectors(geom.lon, geom.lat)))
                chosen = sep <= distance
            if minmax_npred is not None:
                chosen = chosen and minmax_npred[0] <= comp.template.sum() <= minmax_npred[1]
            if chosen:
                self.free_source(comp.name, free, pars)

    def free_source(self, name: str, free: bool = True, pars: str | None = None) -> None:
        comp = self._roi.component(name)
        if not free:
            comp.free = []
            return
        wanted = ["norm"] if pars == "norm" or comp.spectrum.form.index is None else ["norm", "index"]
        comp.free = sorted(set(comp.free) | set(wanted))

    def free_norm(self, name: str, free: bool = True) -> None:
        comp = self._roi.component(name)
        comp.free = sorted(set(comp.free) | {"norm"}) if free else [p for p in comp.free if p != "norm"]

    def free_shape(self, name: str, free: bool = True) -> None:
        comp = self._roi.component(name)
        comp.free = sorted(set(comp.free) | {"index"}) if free else [p for p in comp.free if p != "index"]

    def optimize(self, skip: list | None = None, **kwargs: Any) -> dict:
        from pyfermijobs.fitting.roi_fit import fit_components

        names = [n for n in self._free_names() if n not in (skip or [])]
        if names:
            fit_components(self._roi, names).apply()
        return {}

    def fit(self, covar: bool = True, **kwargs: Any) -> dict[str, Any]:
        from pyfermijobs.fitting.roi_fit import fit_components

        names = self._free_names()
        if not names:
            return {
                "loglike": 0.0,
                "fit_success": True,
                "src_names": [],
                "is_norm": [],
                "correlation": np.zeros((0, 0)),
            }
        fit = fit_components(self._roi, names)
        fit.apply()
        params = fit.result.names  # "name:norm", "name:index"
        return {
            "loglike": float(fit.result.loglike),
            "fit_success": bool(fit.result.converged),
            "src_names": [p.split(":")[0] for p in params],
            "is_norm": [p.endswith(":norm") for p in params],
            "correlation": fit.result.correlation(),
        }

    def get_free_source_params(self, name: str) -> list[str]:
        comp = self._roi.component(name)
        return [comp.spectrum.form.norm if p == "norm" else comp.spectrum.form.index for p in comp.free]

    def localize(self, name: str, **kwargs: Any) -> dict:
        return {"name": name, "fit_success": True}

    def find_sources(self, sqrt_ts_threshold: float = 5.0, **kwargs: Any) -> dict:
        from pyfermijobs.estimators.tsmap import find_sources

        return {"sources": find_sources(self._roi, sqrt_ts_threshold)}

    def add_source(self, name: str, src_dict: dict[str, Any], free: bool | None = None, **kwargs: Any) -> None:
        from pyfermijobs.models.spectra import spectrum_from_fermipy

        model = dict(src_dict)
        if model.get("SpectrumType", "PowerLaw") == "PowerLaw":
            model.setdefault("Prefactor", 1e-13)
        lowered = {k.lower(): v for k, v in model.items()}
        spectrum = spectrum_from_fermipy(model, "add_source", name)
        comp = self._roi.point_source(name, float(lowered["ra"]), float(lowered["dec"]), spectrum)
        self._roi.components.append(comp)
        self._save_srcmap()

    def delete_source(self, name: str, **kwargs: Any) -> None:
        self._roi.components = [c for c in self._roi.components if c.name != name]
        self._save_srcmap()

    def zero_source(self, name: str) -> None:
        comp = self._roi.component(name)
        norm = comp.spectrum.form.norm
        comp.template = comp.template * 0.0
        comp.spectrum = comp.spectrum.with_values(**{norm: comp.spectrum.values[norm] * 1e-30})

    def update_source(self, name: str, reoptimize: bool = False, **kwargs: Any) -> None:
        return None

    def write_roi(self, outfile: str, make_plots: bool = False, **kwargs: Any) -> None:
        from astropy.io import fits

        stem = self._path(str(outfile).removesuffix(".npy"))
        names = [c.name for c in self._roi.components]
        table = fits.BinTableHDU.from_columns(
            [
                fits.Column("Source_Name", "A64", array=names),
                fits.Column("ts", "D", array=[float(c.info.get("ts", 0.0)) for c in self._roi.components]),
            ],
            name="CATALOG",
        )
        fits.HDUList([fits.PrimaryHDU(), table]).writeto(f"{stem}.fits", overwrite=True)
        np.save(f"{stem}.npy", {"double_state": pickle.dumps(self._roi)}, allow_pickle=True)
        Path(f"{stem}_00.xml").write_text(
            "<source_library>\n" + "".join(f'  <source name="{n}"/>\n' for n in names) + "</source_library>\n"
        )

    def load_roi(self, infile: str, **kwargs: Any) -> None:
        state = np.load(self._path(str(infile).removesuffix(".npy") + ".npy"), allow_pickle=True).item()
        self._roi = pickle.loads(state["double_state"])

    def load_xml(self, xmlfile: str, **kwargs: Any) -> None:
        counts = self._roi.counts
        self.load_roi(xmlfile)
        self._roi.counts = counts

    def set_random_seed(self, seed: int) -> None:
        np.random.seed(seed)

    def simulate_roi(self, name: str | None = None, randomize: bool = True, restore: bool = False) -> None:
        self._roi.counts = np.random.poisson(self._roi.model()).astype(np.int64)
        self._save_srcmap()

    def model_counts_map(self, name: str | None = None, exclude: list | None = None) -> Any:
        data = self._roi.model() if name is None else self._roi.component(name).template
        return SimpleNamespace(data=np.array(data))

    def model_counts_spectrum(self, name: str, summed: bool = False, **kwargs: Any) -> np.ndarray:
        return self._roi.component(name).template.sum(axis=(1, 2))

    def sed(self, name: str, prefix: str = "", outfile: str | None = None, make_plots: bool = False, **kwargs: Any):
        from pyfermijobs.config import sed_settings
        from pyfermijobs.estimators.sed import compute_sed
        from pyfermijobs.io.sed_fits import write_sed

        test = self._roi.component(name)
        roi = copy.copy(self._roi)
        roi.components = [c for c in self._roi.components if c.name != name]
        product = compute_sed(roi, name, test.ra, test.dec, sed_settings(self.config, "config"), 0.25, False)
        stem = self._path(str(outfile or f"{prefix}_sed").removesuffix(".fits"))
        write_sed(Path(f"{stem}.fits"), product.sed, product.model_flux, product.params, {"SRCNAME": name})
        np.save(f"{stem}.npy", {"name": name}, allow_pickle=True)
        return {"name": name, "ts": product.ts}


GTAnalysis = GTAnalysisDouble


def run_gtapp(appname: str, logger: Any, kw: dict[str, Any], **kwargs: Any) -> None:
    """Fermitools applications: gtpsf only, writing a gtpsf-format table of the LAT-like PSF."""
    from pyfermijobs.formats.fermipy_files import PSFTableFile, write_psf_table
    from pyfermijobs.models import irf

    _record("run_gtapp", (appname,), kw, GTAnalysisDouble.calls)
    if appname != "gtpsf":
        raise NotImplementedError(f"{NAME}: {appname} is not doubled")
    energies = np.geomspace(float(kw["emin"]), float(kw["emax"]), int(kw["nenergies"]))
    theta = np.linspace(0.0, float(kw["thetamax"]), int(kw["ntheta"]))
    psf = np.atleast_2d(irf.psf_profile(energies, theta))
    if psf.shape != (len(energies), len(theta)):
        psf = psf.T
    exposure = irf.exposure(energies, np.array(float(kw["dec"])), 12.0)
    write_psf_table(Path(kw["outfile"]), PSFTableFile(energies, theta, psf, exposure), kw["ra"], kw["dec"])
