"""Real LAT data without Fermitools: an ROI from Fermitools' binned products and the diffuse models.

The analysis template says where the products are (``builtin.data``) and which models to use
(fermipy's ``model`` keys)::

    builtin:
      data:
        counts: events.fits      # FT1 event list(s), binned here onto the ROI; or a counts cube the ROI is cut from
        exposure: expcube.fits   # gtexpcube2 exposure cube (WCS or HEALPix, cm2 s at its ENERGIES)
        psf: psf.fits            # gtpsf table (PSF(theta) per energy)
    model:
      galdiff: gll_iem_v06.fits  # Galactic interstellar model cube (WCS or HEALPix, ph cm-2 s-1 MeV-1 sr-1)
      isodiff: iso_P8R2_SOURCE_V6_v06.txt
      catalogs: [3FHL.fits]      # a name fermipy knows or a catalog file (4FGL, 3FGL, 3FHL/2FHL formats)

Each input is read in every layout in use (``pyfermijobs.formats.fermipy_files`` lists them): the
Fermitools/fermipy files and gammapy's rewrites of them (``Map.write`` with its ``*_BANDS``
energy tables, WCS or HEALPix; ``PSFMap.write`` as gtpsf or in its own layout), units from
TUNIT/BUNIT.

Each model component becomes a template of predicted counts per bin and pixel: the model's
intensity integrated over each energy bin (Gauss-Legendre nodes in ln E) times the exposure
at that pixel and energy, times the pixel's solid angle; diffuse components are convolved with
the bin's PSF, catalog point sources get the PSF at their position. The exposure (WCS or
HEALPix) and the Galactic model are interpolated bilinearly in their own pixels (log-log in
energy). Energy dispersion is not modelled. Nothing here is synthetic: the ROI says so (``synthetic: false``).

This module builds the ROI; each input is read beside it, one kind per module: ``events`` (FT1
lists), ``counts_cubes`` (a cube and the ROI cut from it), ``lat_response`` (exposure and PSF at
the bins' nodes), ``diffuse_files`` (Galactic and isotropic models), ``map_sampling`` (cubes
at the ROI's pixels).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.config.template import resolve_data_path
from pyfermijobs.datasets.counts_cubes import check_counts, cube_cutout, cube_window
from pyfermijobs.datasets.diffuse_files import (
    galactic_template,
    isotropic_template,
)
from pyfermijobs.datasets.events import bin_events, read_gti
from pyfermijobs.datasets.geom import ROIGeom, frame_of, to_icrs
from pyfermijobs.datasets.lat_response import bin_psf, exposure_at_nodes
from pyfermijobs.datasets.roi import NODES_PER_BIN, Component, ROIDataset
from pyfermijobs.errors import InputError
from pyfermijobs.models.spectra import TEMPLATE_SCALE, Spectrum
from pyfermijobs.quadrature import log_nodes

GAL_NAME = "galdiff"
ISO_NAME = "isodiff"


def build_lat_roi(
    config: dict[str, Any], data: dict[str, Any], target: str, ra: float, dec: float, file: str | Path
) -> ROIDataset:
    """The ROI of one target from real LAT data (``data``: the checked ``builtin.data`` section)."""
    base = Path(file).parent
    model = config.get("model") or {}
    geom = ROIGeom.from_config(config, ra, dec, str(file))
    counts_paths = data["counts"] if isinstance(data["counts"], list) else [data["counts"]]
    counts_files = [resolve_data_path(p, base, file, "builtin.data.counts") for p in counts_paths]
    exposure_file = resolve_data_path(data["exposure"], base, file, "builtin.data.exposure")
    selection: dict[str, Any] = {}
    if check_counts(counts_files) == "cube":  # the ROI is the cube's own pixels and bins
        geom, counts = cube_cutout(counts_files[0], geom)
    else:
        counts, outside = bin_events(counts_files, geom, read_gti(exposure_file))
        selection["events_outside_exposure_gti"] = outside
    node_e, node_w = log_nodes(geom.emin, geom.emax, NODES_PER_BIN)
    psf_file = resolve_data_path(data["psf"], base, file, "builtin.data.psf")
    exposure = exposure_at_nodes(exposure_file, geom, node_e)
    psf = bin_psf(psf_file, node_e, node_w)
    centre = exposure[:, :, *geom.centre_pixel].astype(float)
    components = []
    if model.get("galdiff"):
        galdiff = resolve_data_path(model["galdiff"], base, file, "model.galdiff")
        template = galactic_template(galdiff, geom, exposure_file, psf, node_e, node_w)
        spec = Spectrum(TEMPLATE_SCALE, {"Normalization": 1.0})
        components.append(Component(GAL_NAME, "galactic", spec, centre, template, info={"file": str(galdiff)}))
    if model.get("isodiff"):
        isodiff = resolve_data_path(model["isodiff"], base, file, "model.isodiff")
        template = isotropic_template(isodiff, geom, exposure, node_e, node_w)
        spec = Spectrum(TEMPLATE_SCALE, {"Normalization": 1.0})
        components.append(Component(ISO_NAME, "isotropic", spec, centre, template, info={"file": str(isodiff)}))
    roi = ROIDataset(
        geom,
        counts,
        exposure.astype(np.float32),
        psf,
        components,
        meta={
            "target": target,
            "synthetic": False,
            "ra": ra,
            "dec": dec,
            "files": {"counts": [str(p) for p in counts_files], "exposure": str(exposure_file), "psf": str(psf_file)},
            **selection,
        },
    )
    catalogs = model.get("catalogs") or []
    if catalogs:
        src_width = float(model.get("src_roiwidth") or geom.npix * geom.binsz + 1.0)
        add_catalog_sources(roi, str(catalogs[0]), src_width, file)
    return roi


def add_catalog_sources(roi: ROIDataset, catalog: str, src_width: float, file: str | Path) -> None:
    """The catalog's sources inside a square of ``src_width`` deg about the ROI centre, with their
    catalog spectra (``catalog``: a name fermipy ships or a file): point sources, and extended
    ones as radial disks or Gaussians where the catalog gives those shapes."""
    from pyfermijobs.models.catalog import catalog_path, read_catalog

    sources = read_catalog(catalog_path(catalog, str(file)), str(file))
    roi.meta["catalog"] = catalog
    inside, sep = roi.geom.in_box([s.ra for s in sources], [s.dec for s in sources], src_width)
    for i in inside:
        src = sources[i]
        info = {"catalog_signif": round(src.signif, 3), "offset": round(float(sep[i]), 4)}
        if src.morphology is not None:  # a radial disk or Gaussian, from the catalog's own numbers
            roi.components.append(roi.extended_source(src.name, src.ra, src.dec, src.spectrum, src.morphology, **info))
            continue
        if src.extended:  # a template map this package does not read: said in the fit output
            info["extended_in_catalog"] = True
            info["modelled_as"] = "point source (extended template map not available)"
        roi.components.append(roi.point_source(src.name, src.ra, src.dec, src.spectrum, **info))


def cube_roi(
    counts: Path, exposure: Path, psf: Path, *, background: Path | None = None, catalog: str | None = None
) -> ROIDataset:
    """A whole gtbin counts cube as one ROI (a rectangle, its pixels and bins), for Python use.

    The diffuse emission may come as predicted counts on the same grid (``background``: e.g.
    gammapy's Galactic + isotropic prediction ``fermi-3fhl-gc-background-cube``) with a free
    normalisation, as gammapy analyses it; catalog sources as in :func:`build_lat_roi`.
    """
    from astropy.io import fits

    from pyfermijobs.formats.fermipy_files import read_counts_cube

    cube = read_counts_cube(counts)
    header = cube.header
    ctype = str(header.get("CTYPE1", ""))
    frame = frame_of(ctype)
    binsz = abs(float(header.get("CDELT2", 0.0)))
    if frame is None or binsz <= 0 or abs(abs(float(header.get("CDELT1", 0.0))) - binsz) > 1e-6 * binsz:
        raise InputError(counts, "CTYPE1", f"a counts cube in GLON/RA with square pixels is needed ({ctype!r})")
    ny, nx = cube.data.shape[1:]
    every_bin = np.ones(len(cube.emin), bool)
    geom, data = cube_window(cube, Path(counts), every_bin, (0, 0, nx, ny), frame, ctype[-3:], binsz)
    node_e, node_w = log_nodes(geom.emin, geom.emax, NODES_PER_BIN)
    expo = exposure_at_nodes(Path(exposure), geom, node_e)
    table = bin_psf(Path(psf), node_e, node_w)
    centre = expo[:, :, *geom.centre_pixel].astype(float)
    components = []
    if background is not None:
        template = np.asarray(fits.getdata(background), float)
        if template.shape != geom.shape:
            raise InputError(background, "PRIMARY", f"shape {template.shape}, the counts cube's is {geom.shape}")
        spec = Spectrum(TEMPLATE_SCALE, {"Normalization": 1.0})
        components.append(Component("background", "galactic", spec, centre, template, info={"file": str(background)}))
    ra, dec = (float(v) for v in to_icrs(geom.lon, geom.lat, frame))
    meta = {"target": Path(counts).name, "synthetic": False, "ra": ra, "dec": dec}
    roi = ROIDataset(geom, data, expo.astype(np.float32), table, components, meta=meta)
    if catalog:
        add_catalog_sources(roi, catalog, max(nx, ny) * binsz + 1.0, counts)
    return roi
