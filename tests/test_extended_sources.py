"""Extended catalog sources: radial disks and Gaussians from the catalogs' ExtendedSources tables,
convolved with the PSF (checked against a Monte Carlo of photons drawn from shape and PSF)."""

from __future__ import annotations

import numpy as np
import pytest

from pyfermijobs.datasets.psf import extended_psf, lat_like_psf
from pyfermijobs.quadrature import log_nodes


@pytest.fixture(scope="module")
def psf():
    """The LAT-like PSF of three bins 0.3-30 GeV: r68 from about 0.5 to 0.1 deg."""
    edges = np.geomspace(300.0, 30000.0, 4)
    node_e, node_w = log_nodes(edges[:-1], edges[1:], 4)
    return lat_like_psf(node_e, node_w)


def monte_carlo_containment(psf, k: int, form: str, size: float, radii: np.ndarray) -> np.ndarray:
    """Fraction of photons within each radius: positions drawn from the shape, offsets from the PSF."""
    rng = np.random.default_rng(1)
    n = 400_000
    if form == "RadialDisk":
        r, phi = size * np.sqrt(rng.random(n)), 2 * np.pi * rng.random(n)
        x, y = r * np.cos(phi), r * np.sin(phi)
    else:
        x, y = rng.normal(0.0, size, n), rng.normal(0.0, size, n)
    offset = np.interp(rng.random(n), psf.containment[k] / psf.containment[k, -1], psf.theta)
    phi = 2 * np.pi * rng.random(n)
    distance = np.hypot(x + offset * np.cos(phi), y + offset * np.sin(phi))
    return np.array([np.mean(distance <= r) for r in radii])


@pytest.mark.parametrize(("form", "size"), [("RadialDisk", 0.5), ("RadialGaussian", 0.3)])
def test_extended_psf_matches_a_monte_carlo(psf, form: str, size: float) -> None:
    """The convolved profile's containment agrees with photons drawn from shape + PSF within 0.01."""
    table = extended_psf(psf, form, size)
    assert np.allclose(table.containment[:, -1], 1.0, atol=1e-3)
    radii = np.array([0.1, 0.25, 0.5, 0.75, 1.0, 1.5])
    for k in range(len(psf.density)):
        ours = np.interp(radii, table.theta, table.containment[k])
        assert np.allclose(ours, monte_carlo_containment(psf, k, form, size, radii), atol=0.01), k


def test_catalog_morphologies_follow_fermipy() -> None:
    """Disk radius and Gaussian sigma from the ExtendedSources table (fermipy's reading: the geometric
    mean of the semi-axes, a Gaussian's being its 68% radius); template maps stay without one."""
    import fitsio

    from pyfermijobs.models.catalog import GAUSSIAN_R68_PER_SIGMA, catalog_path, read_catalog

    path = catalog_path("4FGL-DR4")
    with fitsio.FITS(str(path)) as fits:
        shapes = {str(r["Source_Name"]).strip(): r for r in fits["ExtendedSources"].read()}
        main = fits["LAT_Point_Source_Catalog"].read()
    link = {str(r["Source_Name"]).strip(): str(r["Extended_Source_Name"]).strip() for r in main}
    sources = [s for s in read_catalog(path) if s.extended]
    assert len(sources) == len(shapes)
    forms = {src.morphology[0] if src.morphology else None for src in sources}
    assert forms == {"RadialDisk", "RadialGaussian", None}
    for src in sources:
        row = shapes[link[src.name]]
        mean = float(np.sqrt(row["Model_SemiMajor"] * row["Model_SemiMinor"]))
        function = str(row["Spatial_Function"]).strip()
        if function == "RadialDisk":
            assert src.morphology == pytest.approx(("RadialDisk", mean))
        elif function == "RadialGauss":
            assert src.morphology[0] == "RadialGaussian"
            assert src.morphology[1] == pytest.approx(mean / GAUSSIAN_R68_PER_SIGMA)
        else:  # SpatialMap: a template file
            assert src.morphology is None
