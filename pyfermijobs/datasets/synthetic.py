"""The synthetic LAT-like sky: 4FGL sources, smooth diffuse emission, Poisson counts.

Every ROI built here is marked synthetic (FITS header ``SYNTHET``, YAML ``synthetic: true``),
and every plot and report made from it says so. The counts of a target are drawn once, from
a seed derived from (target, ``synthetic.data_seed``), so a rerun gives the same data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyfermijobs.config.template import catalog_name, synthetic_settings
from pyfermijobs.datasets.geom import ROIGeom, to_frame, to_icrs
from pyfermijobs.datasets.psf import lat_like_psf, psf_kernel
from pyfermijobs.datasets.roi import NODES_PER_BIN, Component, ROIDataset
from pyfermijobs.models import diffuse, irf
from pyfermijobs.models.catalog import catalog_path, read_catalog
from pyfermijobs.quadrature import log_nodes
from pyfermijobs.rng import generator

ISO_NAME = "isodiff"
GAL_NAME = "galdiff"


def exposure_cube(geom: ROIGeom, node_e: np.ndarray, livetime_years: float) -> np.ndarray:
    """LAT-like exposure at the energy nodes for every pixel: (nebins, nodes, npix, npix)."""
    dec = geom.pixel_radec[1]
    return irf.exposure(node_e[:, :, None, None], dec[None, None], livetime_years)


def build_synthetic_roi(
    config: dict[str, Any], target: str, ra: float, dec: float, file: str = "analysis configuration"
) -> ROIDataset:
    """The synthetic sky of one target: model components with templates and Poisson counts."""
    settings = synthetic_settings(config, file)
    geom = ROIGeom.from_config(config, ra, dec, file)
    node_e, node_w = log_nodes(geom.emin, geom.emax, NODES_PER_BIN)
    expo = exposure_cube(geom, node_e, settings["livetime_years"])
    psf = lat_like_psf(node_e, node_w)
    centre_expo = irf.exposure(node_e, dec, settings["livetime_years"])
    components = [
        _galactic(geom, psf, node_e, node_w, settings["livetime_years"], centre_expo),
        _isotropic(geom, expo, node_e, node_w, centre_expo),
    ]
    src_width = float((config.get("model") or {}).get("src_roiwidth") or geom.npix * geom.binsz + 4.0)
    sources = read_catalog(catalog_path(catalog_name(config, settings), file), file)
    inside, sep = geom.in_box([s.ra for s in sources], [s.dec for s in sources], src_width)
    roi = ROIDataset(
        geom,
        np.zeros(geom.shape, dtype=np.int64),
        expo.astype(np.float32),
        psf,
        components,
        meta={
            "target": target,
            "synthetic": True,
            "data_seed": settings["data_seed"],
            "livetime_years": settings["livetime_years"],
            "ra": ra,
            "dec": dec,
            "catalog": catalog_name(config, settings),
        },
    )
    for i in inside:
        src = sources[i]
        comp = roi.point_source(
            src.name,
            src.ra,
            src.dec,
            src.spectrum,
            catalog_signif=round(src.signif, 3),
            extended_in_catalog=src.extended,
            offset=round(float(sep[i]), 4),
        )
        roi.components.append(comp)
    rng = generator("data", target, settings["data_seed"])
    roi.counts = rng.poisson(roi.model()).astype(np.int64)
    return roi


def _isotropic(
    geom: ROIGeom, expo: np.ndarray, node_e: np.ndarray, node_w: np.ndarray, centre_expo: np.ndarray
) -> Component:
    spec = diffuse.isotropic_spectrum()
    per_node = (node_w * node_e * spec.dnde(node_e))[:, :, None, None]
    template = np.sum(per_node * expo, axis=1) * geom.solid_angle[None]
    return Component(ISO_NAME, "isotropic", spec, centre_expo, template, info={"description": "isotropic (synthetic)"})


def _galactic(
    geom: ROIGeom, psf: Any, node_e: np.ndarray, node_w: np.ndarray, livetime: float, centre_expo: np.ndarray
) -> Component:
    """Galactic component: intensity x exposure on a padded grid, convolved with each bin's PSF."""
    from scipy.signal import fftconvolve  # here: scipy.signal costs 0.8 s to import, most tasks never convolve

    spec = diffuse.galactic_spectrum()
    r68 = psf.r68()
    template = np.empty(geom.shape)
    for k in range(geom.nebins):
        radius = float(min(3.0 * r68[k], 8.0))
        pad = int(np.ceil(radius / geom.binsz))
        big = geom.padded(pad)
        glon, glat = big.pixel_lonlat if geom.coordsys == "GAL" else _galactic_coords(big)
        dec = big.pixel_radec[1]
        per_node = (node_w[k] * node_e[k] * spec.dnde(node_e[k]))[:, None, None]
        flux = np.sum(per_node * irf.exposure(node_e[k][:, None, None], dec[None], livetime), axis=0)
        sky = flux * diffuse.galactic_profile(glon, glat) * big.solid_angle
        kernel = psf_kernel(psf, k, geom.binsz, radius)
        smoothed = fftconvolve(sky, kernel, mode="same")
        template[k] = smoothed[pad : pad + geom.ny, pad : pad + geom.npix]
    return Component(
        GAL_NAME,
        "galactic",
        spec,
        centre_expo,
        template,
        info={"description": "smooth Galactic diffuse model (synthetic)"},
    )


def _galactic_coords(geom: ROIGeom) -> tuple[np.ndarray, np.ndarray]:
    ra, dec = to_icrs(*geom.pixel_lonlat, geom.coordsys)
    return to_frame(ra, dec, "GAL")
