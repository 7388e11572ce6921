"""Tabulated PSF per energy bin and point-source templates built from it.

The PSF of each energy bin is the true-energy PSF averaged over the bin with the counts
weight of an index-2 power law (what gtsrcmaps does with the source spectrum), tabulated
against angular offset. A point source's template is that PSF integrated over each pixel:
pixels near the source are sub-sampled where the PSF is narrower than a few pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom, separation_deg, unit_vectors

THETA_GRID_DEG = np.concatenate([[0.0], np.geomspace(1e-3, 60.0, 600)])
OVERSAMPLE = 5


@dataclass
class PSFTable:
    """PSF density (per sr) per energy bin against offset: shape (nebins, ntheta)."""

    theta: np.ndarray  # deg
    density: np.ndarray

    def __post_init__(self) -> None:
        t = np.radians(self.theta)
        # cumulative containment by the trapezoid rule on 2 pi sin(theta) P(theta)
        integrand = 2 * np.pi * np.sin(t)[None, :] * self.density
        steps = 0.5 * (integrand[:, 1:] + integrand[:, :-1]) * np.diff(t)[None, :]
        self.containment = np.concatenate([np.zeros((len(self.density), 1)), np.cumsum(steps, axis=1)], axis=1)

    def r68(self) -> np.ndarray:
        """68% containment radius (deg) per energy bin."""
        return np.array([np.interp(0.68, c, self.theta) for c in self.containment])

    def evaluate(self, k: int, theta_deg: np.ndarray) -> np.ndarray:
        """Density (per sr) of bin k at offsets (deg); zero beyond the table."""
        return np.interp(theta_deg, self.theta, self.density[k], right=0.0)


def lat_like_psf(node_energies: np.ndarray, node_weights: np.ndarray) -> PSFTable:
    """The LAT-like PSF averaged over each bin with index-2 counts weights."""
    from pyfermijobs.models import irf

    nebins, _nnodes = node_energies.shape
    density = np.zeros((nebins, len(THETA_GRID_DEG)))
    for k in range(nebins):
        e = node_energies[k]
        # counts weight of E^-2 with the effective area: E^-2 * A(E) * E dlnE
        w = node_weights[k] * e**-1.0 * irf.aeff_cm2(e)
        density[k] = np.sum((w / w.sum())[:, None] * irf.psf_profile(e, THETA_GRID_DEG), axis=0)
    return PSFTable(THETA_GRID_DEG.copy(), density)


def psf_fraction(geom: ROIGeom, psf: PSFTable, lon: float, lat: float) -> np.ndarray:
    """Fraction of a point source's photons in each pixel, shape (nebins, ny, npix).

    Sums to less than 1 where the PSF spills out of the ROI (or the source is outside it).
    """
    vec = unit_vectors(lon, lat)
    sep = separation_deg(geom.pixel_vectors, vec)
    omega = geom.solid_angle
    out = np.empty(geom.shape)
    r68 = psf.r68()
    fine = r68 < 3.0 * geom.binsz
    radius = np.where(fine, np.maximum(5.0 * r68, 2.0 * geom.binsz), 0.0)
    near = sep <= radius.max() if fine.any() else np.zeros_like(sep, dtype=bool)
    if near.any():
        iy, ix = np.nonzero(near)
        offsets = (np.arange(OVERSAMPLE) + 0.5) / OVERSAMPLE - 0.5
        dy, dx = np.meshgrid(offsets, offsets, indexing="ij")
        sub_x = ix[:, None] + dx.ravel()[None, :]
        sub_y = iy[:, None] + dy.ravel()[None, :]
        sub_sep = separation_deg(unit_vectors(*geom.pix_to_sky(sub_x, sub_y)), vec)
    for k in range(geom.nebins):
        out[k] = psf.evaluate(k, sep) * omega
        if fine[k] and near.any():
            sel = sep[iy, ix] <= radius[k]
            out[k, iy[sel], ix[sel]] = psf.evaluate(k, sub_sep[sel]).mean(axis=1) * omega[iy[sel], ix[sel]]
    return out


def psf_kernel(psf: PSFTable, k: int, binsz: float, radius_deg: float) -> np.ndarray:
    """Convolution kernel (sums to 1) of bin k on a flat grid of pixel size binsz."""
    n = int(np.ceil(radius_deg / binsz))
    y, x = np.mgrid[-n : n + 1, -n : n + 1] * binsz
    offsets = (np.arange(OVERSAMPLE) + 0.5) / OVERSAMPLE - 0.5
    acc = np.zeros_like(x)
    for oy in offsets:
        for ox in offsets:
            acc += psf.evaluate(k, np.hypot(x + ox * binsz, y + oy * binsz))
    return acc / acc.sum()


#: cells from the centre to the edge of the grid an extended source is convolved on
EXTENDED_HALF_CELLS = 128


def extended_psf(psf: PSFTable, form: str, size_deg: float) -> PSFTable:
    """The PSF of each bin convolved with a radially symmetric source, as a table of the same kind.

    ``form`` is ``RadialDisk`` (``size_deg``: radius) or ``RadialGaussian`` (sigma). The result is
    radially symmetric, so the point-source machinery places it: :func:`psf_fraction` with this
    table gives the extended source's template. Convolved on a flat grid (sizes of a few deg).
    """
    from scipy.signal import fftconvolve

    if form not in ("RadialDisk", "RadialGaussian") or not size_deg > 0:
        raise ValueError(f"unsupported extended source {form!r} of size {size_deg!r}")
    extent = size_deg if form == "RadialDisk" else 5.0 * size_deg
    reach = np.array([np.interp(0.995, c, psf.theta) for c in psf.containment])
    halves = np.minimum(extent + reach, psf.theta[-1])
    step = halves.min() / EXTENDED_HALF_CELLS
    theta = np.arange(0.0, halves.max() + step, step)
    density = np.zeros((len(psf.density), len(theta)))
    for k, half in enumerate(halves):
        cells = np.arange(-EXTENDED_HALF_CELLS, EXTENDED_HALF_CELLS + 1) * (half / EXTENDED_HALF_CELLS)
        r = np.hypot(*np.meshgrid(cells, cells))
        source = (r <= size_deg).astype(float) if form == "RadialDisk" else np.exp(-0.5 * (r / size_deg) ** 2)
        image = fftconvolve(source, psf.evaluate(k, r), mode="same")
        profile = np.clip(image[EXTENDED_HALF_CELLS, EXTENDED_HALF_CELLS:], 0.0, None)  # a radius of the image
        density[k] = np.interp(theta, cells[EXTENDED_HALF_CELLS:], profile, right=0.0)
    t = np.radians(theta)
    norm = np.trapezoid(2 * np.pi * np.sin(t)[None, :] * density, t, axis=1)
    return PSFTable(theta, density / norm[:, None])
