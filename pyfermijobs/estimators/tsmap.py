"""TS map of a point source over the ROI, and the residual search it drives (find_sources).

At every pixel a point source with a power-law spectrum of index 2 is added to the fitted
model with one free amplitude ``a >= 0``; its TS is ``2 (log L(a_hat) - log L(0))``. The
source's counts shape is the PSF of each energy bin, truncated at ``KERNEL_MAX_DEG``, moved
from pixel to pixel (the flat-sky approximation that gammapy's TSMapEstimator also makes).
Positions are solved in batches (``BATCH``) by vectorised Newton steps on sliding windows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from pyfermijobs.datasets.psf import psf_kernel
from pyfermijobs.datasets.roi import ROIDataset
from pyfermijobs.models.spectra import Spectrum

KERNEL_MAX_DEG = 2.0
NEWTON_STEPS = 12  # from a = 0; positions leave once converged (most after 3-5)
#: a position whose Newton step is below this fraction of its amplitude has converged
STEP_TOL = 1e-7
BATCH = 64  # positions solved together: their windows stay in cache (2048: 3x slower)


@dataclass
class TSMap:
    ts: np.ndarray  # (ny, npix)
    amplitude: np.ndarray  # best amplitude in units of the reference spectrum
    reference: Spectrum


def ts_map(roi: ROIDataset, background: np.ndarray | None = None, index: float = 2.0) -> TSMap:
    """TS and best amplitude of a test source at every pixel (see module docstring)."""
    geom = roi.geom
    reference = Spectrum("PowerLaw", {"Prefactor": 1e-13, "Index": index, "Scale": 1000.0})
    mu = roi.model() if background is None else background
    node_e, node_w = roi.nodes
    centre_expo = roi.exposure[:, :, *geom.centre_pixel].astype(float)
    npred = np.sum(node_w * node_e * centre_expo * reference.dnde(node_e), axis=1)
    r68 = roi.psf.r68()
    windows = []
    for k in range(geom.nebins):
        radius = float(min(3.0 * r68[k], KERNEL_MAX_DEG))
        kern = psf_kernel(roi.psf, k, geom.binsz, max(radius, geom.binsz)) * npred[k]
        r = kern.shape[0] // 2
        n_pad = np.pad(roi.counts[k].astype(float), r)
        mu_pad = np.pad(mu[k], r, constant_values=np.inf)  # outside the map: no information
        windows.append((kern.ravel(), sliding_window_view(n_pad, kern.shape), sliding_window_view(mu_pad, kern.shape)))
    npos = geom.ny * geom.npix
    amp = np.zeros(npos)
    ts = np.zeros(npos)
    for start in range(0, npos, BATCH):
        idx = np.arange(start, min(start + BATCH, npos))
        iy, ix = np.divmod(idx, geom.npix)
        patches = []
        for kern, n_win, mu_win in windows:
            n = n_win[iy, ix].reshape(len(idx), -1)
            m = mu_win[iy, ix].reshape(len(idx), -1)
            inside = np.isfinite(m)
            t = np.where(inside, kern[None, :], 0.0)
            patches.append((n, np.where(inside, m, 1.0), t))
        a = _solve(patches)
        amp[idx] = a
        ts[idx] = 2.0 * _gain(patches, a)
    shape = (geom.ny, geom.npix)
    return TSMap(np.clip(ts, 0, None).reshape(shape), amp.reshape(shape), reference)


def _gain(patches: list, a: np.ndarray) -> np.ndarray:
    """log L(a) - log L(0) per position (zero where a = 0: the many positions without excess)."""
    out = np.zeros_like(a)
    some = np.nonzero(a > 0)[0]
    if some.size:
        at = a[some]
        for n, m, t in patches:
            n, m, t = n[some], m[some], t[some]
            out[some] += np.sum(n * np.log1p(at[:, None] * t / m), axis=1) - at * t.sum(axis=1)
    return out


def _solve(patches: list) -> np.ndarray:
    """Newton iterations on the amplitude from a = 0, a >= 0.

    Positions drop out once their step is below ``STEP_TOL`` of the amplitude: most converge in
    three or four steps, a few (near a = 0) take all of them.
    """
    a = np.zeros(len(patches[0][0]))
    work = [(n * t, m, t, t.sum(axis=1)) for n, m, t in patches]
    todo = np.arange(len(a))
    for _ in range(NEWTON_STEPS):
        at = a[todo]
        grad = np.zeros_like(at)
        hess = np.zeros_like(at)
        for nt, m, t, total in work:
            q = m + at[:, None] * t
            w = nt / q
            grad += w.sum(axis=1) - total
            hess -= np.einsum("ij,ij->i", w, t / q)
        step = np.divide(grad, -hess, out=np.zeros_like(at), where=hess < 0)
        new = np.clip(at + step, 0.0, None)
        a[todo] = new
        moving = np.abs(new - at) > STEP_TOL * np.maximum(new, 1e-3)
        if not moving.any():
            break
        if moving.mean() < 0.5:  # carry on with the positions still moving
            todo = todo[moving]
            work = [(nt[moving], m[moving], t[moving], total[moving]) for nt, m, t, total in work]
    return a


def find_peaks(ts: np.ndarray, threshold: float, min_separation_pix: float) -> list[tuple[int, int, float]]:
    """Local maxima above ``threshold``, strongest first, at least ``min_separation_pix`` apart."""
    from scipy.ndimage import maximum_filter

    local = (ts == maximum_filter(ts, size=3)) & (ts > threshold)
    iy, ix = np.nonzero(local)
    order = np.argsort(-ts[iy, ix])
    peaks: list[tuple[int, int, float]] = []
    for i in order:
        y, x = int(iy[i]), int(ix[i])
        if all(np.hypot(y - py, x - px) >= min_separation_pix for py, px, _ in peaks):
            peaks.append((y, x, float(ts[y, x])))
    return peaks


def source_name(ra: float, dec: float) -> str:
    """fermipy's name for a found source: ``PS JHHMM.m+DDMM``."""
    hours = ra / 15.0
    hh, mm = int(hours), (hours - int(hours)) * 60.0
    sign = "+" if dec >= 0 else "-"
    d = abs(dec)
    dd, dm = int(d), int((d - int(d)) * 60.0)
    return f"PS J{hh:02d}{mm:04.1f}{sign}{dd:02d}{dm:02d}"


def find_sources(roi: ROIDataset, sqrt_ts: float, min_separation_deg: float = 1.0, max_sources: int = 10) -> list[str]:
    """Add point sources at residual TS-map peaks above ``sqrt_ts`` (fermipy's find_sources).

    New sources get a power law of index 2 with a free normalisation, start from the TS-map
    amplitude and are refitted with the rest of the free model by the caller.
    """
    from pyfermijobs.datasets.geom import to_icrs

    tsm = ts_map(roi)
    edge = 1
    ts = tsm.ts.copy()
    ts[:edge], ts[-edge:], ts[:, :edge], ts[:, -edge:] = 0, 0, 0, 0
    added = []
    for y, x, value in find_peaks(ts, sqrt_ts**2, min_separation_deg / roi.geom.binsz)[:max_sources]:
        lon, lat = roi.geom.pix_to_sky(np.array([float(x)]), np.array([float(y)]))
        ra, dec = to_icrs(float(lon[0]), float(lat[0]), roi.geom.coordsys)
        amp = float(tsm.amplitude[y, x])
        spec = tsm.reference.with_values(Prefactor=tsm.reference.values["Prefactor"] * max(amp, 1e-3))
        comp = roi.point_source(source_name(ra, dec), ra, dec, spec, found_by="find_sources", tsmap_ts=round(value, 2))
        comp.free = ["norm"]
        roi.components.append(comp)
        added.append(comp.name)
    return added
