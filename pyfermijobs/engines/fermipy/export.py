"""Export a fermipy baseline ROI to the builtin engine's ROI files (the hybrid control studies).

fermipy fits the data; the thousands of realizations of the control studies then run on the
fast engine, from what fermipy computed for the baseline:

- counts: fermipy's counts cube (``ccube_00.fits``), as is;
- model: fermipy's model counts cube of each source free in the baseline fit (its template,
  scaled by a normalisation when refitted) and of the whole model (the fixed part is the
  whole minus the free ones), from ``GTAnalysis.model_counts_map``;
- exposure: ``bexpmap_roi_00.fits`` (gtexpcube2), interpolated (log-log) from its energy
  planes to the engine's integration nodes, bilinear in space (as for real data);
- PSF: the ``gtpsf`` table at the ROI centre, averaged over each energy bin with
  counts weights (E^-2 spectrum times exposure).

What this approximates (docs/methods.md, "Hybrid control studies"): the refits of the realizations move
normalisations only (as fermipy.jobs' SimulateROI frees norms within 1 deg), with fermipy's
model shapes frozen; test sources (profiles, random directions, injected sources) are new
point sources built by the engine from the gtpsf PSF and the exposure cube, without energy
dispersion, and with one PSF for the whole ROI (the one at its centre).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom, frame_of, to_icrs
from pyfermijobs.datasets.lat_response import bin_psf, exposure_at_nodes
from pyfermijobs.datasets.roi import NODES_PER_BIN, Component, ROIDataset
from pyfermijobs.errors import InputError
from pyfermijobs.formats.fermipy_files import CountsCube, ModelSource, read_counts_cube, read_model_cubes
from pyfermijobs.labels import is_synthetic
from pyfermijobs.layout import Layout
from pyfermijobs.models.spectra import TEMPLATE_SCALE, Spectrum, spectrum_from_fermipy
from pyfermijobs.quadrature import log_nodes

#: Tolerance (deg) between fermipy's pixel grid and the engine's rebuilt one.
GRID_TOLERANCE_DEG = 1e-6


def geometry(cube: CountsCube, path: Path) -> ROIGeom:
    """The engine's geometry for a fermipy counts cube: square, reference pixel at the centre."""
    from astropy.wcs import WCS

    header = cube.header
    ctype = str(header.get("CTYPE1", ""))
    frame = frame_of(ctype)
    if frame is None:
        raise InputError(path, "CTYPE1", f"unsupported sky frame {ctype!r} (GLON or RA)")
    ny, nx = cube.data.shape[1:]
    if nx != ny:
        raise InputError(path, "NAXIS", f"the ROI map must be square, got {nx} x {ny} pixels")
    wcs = WCS(header)
    binsz = float(abs(wcs.proj_plane_pixel_scales()[0].value))
    centre = (nx - 1) / 2.0
    lon, lat = (float(v) for v in wcs.pixel_to_world_values(centre, centre))
    edges = np.append(cube.emin, cube.emax[-1])
    if not np.allclose(cube.emin[1:], cube.emax[:-1], rtol=1e-6):
        raise InputError(path, "EBOUNDS", "energy bins must be contiguous")
    geom = ROIGeom(lon % 360.0, lat, frame, ctype[-3:], binsz, nx, tuple(float(e) for e in edges))
    corners = np.array([0.0, nx - 1.0, 0.0, nx - 1.0]), np.array([0.0, 0.0, nx - 1.0, nx - 1.0])
    theirs = wcs.pixel_to_world_values(*corners)
    ours = geom.pix_to_sky(*corners)
    dlon = (np.asarray(theirs[0]) - np.asarray(ours[0]) + 180.0) % 360.0 - 180.0
    if np.max(np.abs(dlon)) > GRID_TOLERANCE_DEG or np.max(np.abs(theirs[1] - ours[1])) > GRID_TOLERANCE_DEG:
        raise InputError(path, "WCS", "the ROI grid must have its reference pixel at the map centre")
    return geom


def _kind(src: ModelSource) -> str:
    if src.spatial_model in ("PointSource", "SkyDirFunction"):
        return "point"
    if src.spatial_model in ("DiffuseSource", "MapCubeFunction", "ConstantValue"):
        if src.spectrum.get("SpectrumType") == "FileFunction" or "iso" in src.name.lower():
            return "isotropic"
        return "galactic"
    return "extended"


def _spectrum(src: ModelSource) -> tuple[Spectrum, bool]:
    """The source's fermipy spectrum when the engine knows it, else a scale of its template."""
    try:
        return spectrum_from_fermipy(dict(src.spectrum), "model cubes", src.name), True
    except InputError:
        return Spectrum(TEMPLATE_SCALE, {"Normalization": 1.0}), False


def roi_from_fermipy(
    ccube: Path, bexpmap: Path, psf: Path, mcube: Path, target: str, meta: dict[str, Any] | None = None
) -> ROIDataset:
    """The engine's ROI from fermipy's files (see the module docstring)."""
    counts_cube = read_counts_cube(ccube)
    geom = geometry(counts_cube, ccube)
    counts = counts_cube.data
    if np.any(counts < 0) or not np.allclose(counts, np.round(counts)):
        raise InputError(ccube, "PRIMARY", "counts must be non-negative integers")
    cubes = read_model_cubes(mcube)
    if cubes.total.data.shape != geom.shape:
        raise InputError(mcube, "PRIMARY", f"model shape {cubes.total.data.shape} differs from the counts {geom.shape}")
    if not np.allclose(cubes.total.emin, geom.emin, rtol=1e-6):
        raise InputError(mcube, "EBOUNDS", "energy bins differ from the counts cube's")
    node_e, node_w = log_nodes(geom.emin, geom.emax, NODES_PER_BIN)
    exposure = exposure_at_nodes(bexpmap, geom, node_e)
    psf_table = bin_psf(psf, node_e, node_w)
    ra, dec = (float(v) for v in to_icrs(geom.lon, geom.lat, geom.coordsys))
    roi = ROIDataset(
        geom,
        np.round(counts).astype(np.int64),
        exposure.astype(np.float32),
        psf_table,
        [],
        meta={
            "target": target,
            "synthetic": is_synthetic(counts_cube.header),
            "ra": ra,
            "dec": dec,
            "exported_from": "fermipy",
            "files": {"ccube": str(ccube), "bexpmap": str(bexpmap), "psf": str(psf), "mcube": str(mcube)},
            **(meta or {}),
        },
    )
    centre = roi.exposure_at(ra, dec)
    free_sum = np.zeros(geom.shape)
    for src in cubes.sources:
        spectrum, known = _spectrum(src)
        kind = _kind(src)
        where = roi.exposure_at(src.ra, src.dec) if kind in ("point", "extended") else centre
        comp = Component(src.name, kind, spectrum, where, src.cube.copy(), src.ra, src.dec, ["norm"])
        comp.info = {"ts": round(src.ts, 3), "npred": round(src.npred, 3)}
        if not known:
            comp.info["fermipy_spectrum"] = dict(src.spectrum)
        roi.components.append(comp)
        free_sum += src.cube
    fixed = cubes.total.data - free_sum
    if fixed.min() < -1e-3 * max(float(cubes.total.data.max()), 1.0):
        raise InputError(mcube, "SOURCES", "the free sources' model cubes exceed the whole model")
    roi.fixed = np.clip(fixed, 0.0, None)
    return roi


def export_roi(layout: Layout, target: str, prefix: str = "fit_baseline", fit: dict | None = None) -> ROIDataset:
    """Read a target's fermipy baseline files and write them as the engine's ROI (``{prefix}_builtin``)."""
    roi = roi_from_fermipy(
        layout.fermipy_file(target, "ccube"),
        layout.fermipy_file(target, "bexpmap_roi"),
        layout.psf_table(target, prefix),
        layout.model_cubes(target, prefix),
        target,
    )
    exported = layout.exported_prefix(prefix)
    summary = {"fit": {**(fit or {}), "counts": int(roi.counts.sum()), "npred": float(roi.model().sum())}}
    roi.write(layout.roi_file(target, exported), layout.roi_yaml(target, exported), summary)
    return roi
