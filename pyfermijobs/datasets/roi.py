"""An ROI as the builtin engine holds it: counts, exposure, PSF and component templates.

Each model component carries a template: its predicted counts per energy bin and pixel for
the spectrum it was built with. Because spatial shapes are fixed within an energy bin, a
change of spectrum only rescales a template bin by bin (:meth:`Component.scale`), so fits
never recompute a map. Components without free parameters are summed into one fixed map
when the ROI is written (``fit_baseline.fits`` + ``fit_baseline.yaml``, like fermipy's
``write_roi``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom, to_frame
from pyfermijobs.datasets.psf import PSFTable, extended_psf, psf_fraction
from pyfermijobs.errors import InputError
from pyfermijobs.models.spectra import Spectrum
from pyfermijobs.quadrature import log_nodes

NODES_PER_BIN = 4
FORMAT_VERSION = 1


#: kinds of component with a position on the sky (catalog, test and injected sources)
POSITIONED = ("point", "extended")


@dataclass
class Component:
    """One model component: a point or extended source, or a diffuse component, with its template."""

    name: str
    kind: str  # "point", "extended" (both: POSITIONED), "isotropic" or "galactic"
    spectrum: Spectrum  # the spectrum the template was built for (current best values)
    expo_nodes: np.ndarray  # (nebins, nodes) exposure at the component (cm2 s)
    template: np.ndarray | None = None  # (nebins, ny, npix) predicted counts
    ra: float | None = None
    dec: float | None = None
    free: list[str] = field(default_factory=list)  # subset of ("norm", "index")
    info: dict[str, Any] = field(default_factory=dict)  # ts, errors, catalog data, ...

    def weights(self, node_e: np.ndarray, node_w: np.ndarray) -> np.ndarray:
        """Per-node factors W so that npred_k = sum_j W_kj dN/dE(E_kj)."""
        return node_w * node_e * self.expo_nodes

    def npred_bins(self, spectrum: Spectrum, node_e: np.ndarray, node_w: np.ndarray) -> np.ndarray:
        """Counts per energy bin (summed over the whole sky) for ``spectrum``."""
        return np.sum(self.weights(node_e, node_w) * spectrum.dnde(node_e), axis=1)

    def scale(self, spectrum: Spectrum, node_e: np.ndarray, node_w: np.ndarray) -> np.ndarray:
        """Per-bin factor that turns the template into the counts of ``spectrum``."""
        ref = self.npred_bins(self.spectrum, node_e, node_w)
        new = self.npred_bins(spectrum, node_e, node_w)
        return np.divide(new, ref, out=np.zeros_like(new), where=ref > 0)


@dataclass
class ROIDataset:
    """Counts, exposure, PSF and components of one ROI."""

    geom: ROIGeom
    counts: np.ndarray  # (nebins, ny, npix) integers
    exposure: np.ndarray  # (nebins, nodes, ny, npix) cm2 s at the energy nodes
    psf: PSFTable
    components: list[Component]
    fixed: np.ndarray | None = None  # summed templates of components stored without one
    meta: dict[str, Any] = field(default_factory=dict)

    # --- energy integration nodes ---------------------------------------------------
    @property
    def nodes(self) -> tuple[np.ndarray, np.ndarray]:
        return log_nodes(self.geom.emin, self.geom.emax, NODES_PER_BIN)

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    def component(self, name: str) -> Component:
        for comp in self.components:
            if comp.name == name:
                return comp
        raise KeyError(name)

    def exposure_at(self, ra: float, dec: float) -> np.ndarray:
        """Exposure (nebins, nodes) at a sky direction (nearest pixel, clipped to the map)."""
        lon, lat = to_frame(ra, dec, self.geom.coordsys)
        x, y = self.geom.sky_to_pix(np.atleast_1d(lon), np.atleast_1d(lat))
        nx, ny = self.geom.npix - 1, self.geom.ny - 1
        ix = int(np.clip(np.round(x[0]), 0, nx)) if np.isfinite(x[0]) else nx // 2
        iy = int(np.clip(np.round(y[0]), 0, ny)) if np.isfinite(y[0]) else ny // 2
        return self.exposure[:, :, iy, ix].astype(float)

    def point_source(self, name: str, ra: float, dec: float, spectrum: Spectrum, **info: Any) -> Component:
        """A new point-source component with its template (test sources, injected sources)."""
        return self._placed(name, "point", ra, dec, spectrum, self.psf, info)

    def extended_source(
        self, name: str, ra: float, dec: float, spectrum: Spectrum, morphology: tuple[str, float], **info: Any
    ) -> Component:
        """A radial disk or Gaussian (``morphology``: form and radius or sigma, deg), PSF-convolved."""
        info = {**info, "spatial_model": morphology[0], "extension_deg": round(float(morphology[1]), 4)}
        return self._placed(name, "extended", ra, dec, spectrum, extended_psf(self.psf, *morphology), info)

    def _placed(
        self, name: str, kind: str, ra: float, dec: float, spectrum: Spectrum, spread: PSFTable, info: dict
    ) -> Component:
        """A component at (ra, dec) whose photons spread as ``spread`` (the PSF, or a convolved shape)."""
        node_e, node_w = self.nodes
        comp = Component(name, kind, spectrum, self.exposure_at(ra, dec), ra=ra, dec=dec, info=dict(info))
        lon, lat = to_frame(ra, dec, self.geom.coordsys)
        frac = psf_fraction(self.geom, spread, lon, lat)
        comp.template = comp.npred_bins(spectrum, node_e, node_w)[:, None, None] * frac
        return comp

    def model(self, exclude: tuple[str, ...] = ()) -> np.ndarray:
        """Predicted counts of the whole model (optionally without some components)."""
        total = np.zeros(self.geom.shape) if self.fixed is None else self.fixed.astype(float).copy()
        for comp in self.components:
            if comp.template is not None and comp.name not in exclude:
                total += comp.template
        return total

    # --- files ----------------------------------------------------------------------
    def write(self, fits_path: Path, yaml_path: Path, extra: dict[str, Any] | None = None) -> None:
        """Write the ROI; components without free parameters go into the FIXED map."""
        from astropy.io import fits

        from pyfermijobs.atomic import atomic_path
        from pyfermijobs.yamlio import write_yaml

        header = fits.Header({k: v for k, v in self.geom.header().items() if v is not None})
        fixed = np.zeros(self.geom.shape) if self.fixed is None else self.fixed.astype(float)
        stored: list[Component] = []
        for comp in self.components:
            if comp.free and comp.template is not None:
                stored.append(comp)
            elif comp.template is not None:
                fixed = fixed + comp.template
        primary = fits.PrimaryHDU()
        primary.header["SYNTHET"] = (self.synthetic, "counts are SYNTHETIC (pyfermijobs LAT-like sky)")
        primary.header["TARGET"] = str(self.meta.get("target", ""))
        primary.header["PFJFMT"] = FORMAT_VERSION
        hdus = [
            primary,
            fits.ImageHDU(self.counts.astype(np.int32), header, name="COUNTS"),
            fits.ImageHDU(self.exposure.astype(np.float32), header, name="EXPOSURE"),
            fits.ImageHDU(fixed.astype(np.float32), header, name="FIXED"),
            fits.BinTableHDU.from_columns(
                [
                    fits.Column("E_MIN", "D", unit="MeV", array=self.geom.emin),
                    fits.Column("E_MAX", "D", unit="MeV", array=self.geom.emax),
                ],
                name="EBOUNDS",
            ),
            fits.BinTableHDU.from_columns(
                [
                    fits.Column("THETA", "D", unit="deg", array=self.psf.theta),
                    fits.Column("DENSITY", f"{self.geom.nebins}D", unit="sr-1", array=self.psf.density.T),
                ],
                name="PSF",
            ),
        ]
        for i, comp in enumerate(stored):
            hdu = fits.ImageHDU(comp.template.astype(np.float32), header, name=f"TEMPLATE{i:03d}")
            hdu.header["COMPNAME"] = comp.name
            hdus.append(hdu)
        with atomic_path(fits_path) as tmp:
            fits.HDUList(hdus).writeto(tmp)
        doc = {
            "format": FORMAT_VERSION,
            "synthetic": self.synthetic,
            "meta": self.meta,
            "geometry": {
                "lon": self.geom.lon,
                "lat": self.geom.lat,
                "coordsys": self.geom.coordsys,
                "proj": self.geom.proj,
                "binsz": self.geom.binsz,
                "npix": self.geom.npix,
                **({"nrows": self.geom.nrows} if self.geom.nrows is not None else {}),
                **({"ref": list(self.geom.ref)} if self.geom.ref else {}),
                "energy_edges": list(self.geom.energy_edges),
            },
            "sources": [_component_doc(c, c in stored) for c in self.components],
        }
        doc.update(extra or {})
        write_yaml(yaml_path, json.loads(json.dumps(doc, default=_plain)))

    @classmethod
    def read(cls, fits_path: Path, yaml_path: Path) -> tuple[ROIDataset, dict[str, Any]]:
        """Read an ROI written by :meth:`write`; returns the dataset and the YAML document."""
        from astropy.io import fits

        from pyfermijobs.yamlio import load_yaml

        for path in (fits_path, yaml_path):
            if not Path(path).exists():
                raise InputError(path, None, "baseline ROI not found: run analyze-roi (or copy-base-roi) first")
        doc = load_yaml(yaml_path, "baseline ROI description")
        try:
            with fits.open(fits_path, memmap=False) as hdul:
                counts = hdul["COUNTS"].data.astype(np.int64)
                exposure = hdul["EXPOSURE"].data.astype(float)
                fixed = hdul["FIXED"].data.astype(float)
                psf = PSFTable(
                    np.array(hdul["PSF"].data["THETA"], float), np.array(hdul["PSF"].data["DENSITY"], float).T
                )
                templates = {h.header["COMPNAME"]: h.data.astype(float) for h in hdul if h.name.startswith("TEMPLATE")}
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise InputError(fits_path, None, f"not a readable baseline ROI FITS file ({exc})") from None
        geom = _geometry(doc, yaml_path)
        try:
            components = [_component_from_doc(s, templates.get(s["name"])) for s in doc["sources"]]
        except (KeyError, TypeError) as exc:
            raise InputError(
                yaml_path, str(exc), "missing or malformed entry in the baseline ROI description"
            ) from None
        if counts.shape != geom.shape:
            raise InputError(fits_path, "COUNTS", f"shape {counts.shape} does not match the geometry {geom.shape}")
        return cls(geom, counts, exposure, psf, components, fixed, dict(doc.get("meta") or {})), doc


def _geometry(doc: Any, yaml_path: Path) -> ROIGeom:
    try:
        g = doc["geometry"]
        ref = tuple(float(v) for v in g["ref"]) if g.get("ref") else None
        edges = tuple(g["energy_edges"])
        nrows = int(g["nrows"]) if g.get("nrows") is not None else None
        return ROIGeom(g["lon"], g["lat"], g["coordsys"], g["proj"], g["binsz"], g["npix"], edges, ref, nrows)
    except (KeyError, TypeError) as exc:
        raise InputError(yaml_path, str(exc), "missing or malformed geometry in the baseline ROI description") from None


def read_geometry(yaml_path: Path) -> ROIGeom:
    """The ROI's pixels and energy bins, from its YAML part alone (no maps read)."""
    from pyfermijobs.yamlio import load_yaml

    return _geometry(load_yaml(yaml_path, "baseline ROI description"), yaml_path)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(type(value))


def _component_doc(comp: Component, has_template: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": comp.name, "kind": comp.kind}
    if comp.ra is not None:
        doc.update(ra=comp.ra, dec=comp.dec)
    doc["spectrum"] = comp.spectrum.to_dict()
    doc["free"] = list(comp.free)
    doc["template"] = has_template
    doc["expo_nodes"] = comp.expo_nodes.tolist()
    doc.update(comp.info)
    return doc


def _component_from_doc(doc: dict[str, Any], template: np.ndarray | None) -> Component:
    spec = dict(doc["spectrum"])
    kind = spec.pop("SpectrumType")
    known = {"name", "kind", "ra", "dec", "spectrum", "free", "template", "expo_nodes"}
    return Component(
        doc["name"],
        doc["kind"],
        Spectrum(kind, {k: float(v) for k, v in spec.items()}),
        np.asarray(doc["expo_nodes"], float),
        template,
        doc.get("ra"),
        doc.get("dec"),
        list(doc.get("free") or []),
        {k: v for k, v in doc.items() if k not in known},
    )
