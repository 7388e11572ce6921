"""Castro SED of a test source: a profile likelihood of its flux in each energy bin.

Follows fermipy's ``GTAnalysis.sed`` as used by fermipy.jobs' AnalyzeSED: add the test source
(a power law of index ``bin_index``, reference ``Prefactor`` 1e-13 at 1 GeV), free the
normalisations of sources whose correlation with it exceeds ``correl_thresh`` and of the
diffuse components, then in each energy bin fit its normalisation and profile the
likelihood over a scan of it, the other free normalisations re-optimised at every point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyfermijobs.datasets.geom import ROIGeom, separation_deg, to_frame, unit_vectors
from pyfermijobs.datasets.roi import Component, ROIDataset
from pyfermijobs.estimators.profile import Limits, limits, scan_points, shared_scan
from pyfermijobs.fitting.likelihood import FreeComponent, PoissonFit
from pyfermijobs.fitting.profile import ProfileLikelihood
from pyfermijobs.fitting.roi_fit import free_names
from pyfermijobs.models.spectra import Spectrum

REF_PREFACTOR = 1e-13
REF_SCALE = 1000.0
#: A source closer than this to the test position is "the source" --non_null_src zeroes.
SAME_POSITION_DEG = 0.05


@dataclass
class SEDProduct:
    """Everything a fermipy SED file holds."""

    sed: dict[str, np.ndarray]
    model_flux: dict[str, np.ndarray]
    params: dict[str, Any]
    ts: float
    npred: float
    correlated: dict[str, float] = field(default_factory=dict)
    zeroed: list[str] = field(default_factory=list)
    #: profile-likelihood errors and upper limit of the global normalisation (reference units)
    global_limits: Limits | None = None
    #: the catalog source whose SED this is (the target is that source), if any
    matched: str | None = None


def reference_spectrum(bin_index: float) -> Spectrum:
    return Spectrum("PowerLaw", {"Prefactor": REF_PREFACTOR, "Index": bin_index, "Scale": REF_SCALE})


def zero_sources_at(roi: ROIDataset, ra: float, dec: float) -> list[str]:
    """Remove point sources at the test position (``--non_null_src``); returns their names."""
    lon, lat = to_frame(ra, dec, roi.geom.coordsys)
    here = unit_vectors(lon, lat)
    removed = []
    for comp in list(roi.components):
        if comp.kind != "point":
            continue
        clon, clat = to_frame(comp.ra, comp.dec, roi.geom.coordsys)
        if float(separation_deg(unit_vectors(clon, clat), here)) < SAME_POSITION_DEG:
            if comp.template is None:
                raise ValueError(f"cannot zero {comp.name}: it is part of the fixed model")
            roi.components.remove(comp)
            removed.append(comp.name)
    return removed


def matching_source(roi: ROIDataset, ra: float, dec: float, radius: float) -> Component | None:
    """The catalog point source the test position is (the nearest within ``radius`` deg), if any: only
    sources from the catalog count (``catalog_signif``), never a simulation's injected source."""
    if radius <= 0:
        return None
    lon, lat = to_frame(ra, dec, roi.geom.coordsys)
    here = unit_vectors(lon, lat)
    best, best_sep = None, radius
    for comp in roi.components:
        if comp.kind != "point" or comp.template is None or comp.ra is None or "catalog_signif" not in comp.info:
            continue
        clon, clat = to_frame(comp.ra, comp.dec, roi.geom.coordsys)
        sep = float(separation_deg(unit_vectors(clon, clat), here))
        if sep <= best_sep:
            best, best_sep = comp, sep
    return best


def faint_start(fit: PoissonFit) -> np.ndarray:
    """Where the SED's fits over all energy bins start: the test source (parameter 0) at zero,
    the rest at their baseline values. A test source is faint more often than not, and from zero
    these fits take half the Newton steps they took from the reference flux, or fewer (same
    optimum). A single bin's fit gains nothing from it."""
    start = fit.initial()
    start[0] = 0.0
    return start


def correlated_sources(roi: ROIDataset, test: Component, threshold: float) -> dict[str, float]:
    """Free point sources whose normalisation correlates with the test source's above threshold."""
    names = free_names(roi)
    comps = [FreeComponent(test.name, test.template)] + [FreeComponent(n, roi.component(n).template) for n in names]
    fit = PoissonFit(roi.counts, roi.model(exclude=tuple(names)), comps)
    result = fit.fit(faint_start(fit))
    corr = result.correlation()[0]
    out = {}
    for i, name in enumerate(names, start=1):
        if roi.component(name).kind == "point" and abs(corr[i]) > threshold:
            out[name] = float(corr[i])
    return out


@dataclass
class SEDSetup:
    """The test source and the model around it, as AnalyzeSED prepares them."""

    test: Component
    nuisance: list[FreeComponent]  # free normalisations: diffuse and correlated sources
    background: np.ndarray  # everything else, fixed
    correlated: dict[str, float]
    zeroed: list[str]
    #: the catalog source the target is (its SED is that source's), if any
    matched: str | None = None

    @property
    def test_fc(self) -> FreeComponent:
        return FreeComponent(self.test.name, self.test.template)


def prepare(
    roi: ROIDataset,
    name: str,
    ra: float,
    dec: float,
    bin_index: float,
    correl_thresh: float = 0.25,
    non_null_src: bool = False,
    match_radius: float = 0.0,
) -> SEDSetup:
    """Add the test source, find the correlated sources, split free and fixed model parts.

    A target that is a catalog source (within ``match_radius``) gets that source's SED, as fermipy
    measures a source in its model: the source leaves the model and the test source takes its place
    and its fitted spectrum as the reference, instead of a second source on top of it trading flux.
    """
    matched = matching_source(roi, ra, dec, match_radius)
    reference = reference_spectrum(bin_index)
    if matched is not None:
        roi.components.remove(matched)
        ra, dec, reference = float(matched.ra), float(matched.dec), matched.spectrum
    zeroed = zero_sources_at(roi, ra, dec) if non_null_src else []
    test = roi.point_source(name, ra, dec, reference)
    correlated = correlated_sources(roi, test, correl_thresh)
    nuisance = [
        c.name
        for c in roi.components
        if c.free and c.template is not None and (c.kind != "point" or c.name in correlated)
    ]
    return SEDSetup(
        test,
        [FreeComponent(n, roi.component(n).template) for n in nuisance],
        roi.model(exclude=tuple(nuisance)),
        correlated,
        zeroed,
        None if matched is None else matched.name,
    )


def bin_profile(roi: ROIDataset, setup: SEDSetup, k: int) -> tuple[Any, ProfileLikelihood]:
    """Best fit in energy bin k, and the profile log-likelihood of the test normalisation there."""
    fit = PoissonFit(roi.counts, setup.background, [setup.test_fc, *setup.nuisance], bins=[k])
    best = fit.fit()
    return best, ProfileLikelihood(fit, best)


def compute_sed(
    roi: ROIDataset,
    name: str,
    ra: float,
    dec: float,
    settings: dict[str, Any],
    correl_thresh: float = 0.25,
    non_null_src: bool = False,
    match_radius: float = 0.0,
) -> SEDProduct:
    """The castro SED of a test source at (ra, dec) in ``roi`` (see module docstring); a target within
    ``match_radius`` of a catalog point source gets that source's SED (:func:`prepare`)."""
    setup = prepare(roi, name, ra, dec, settings["bin_index"], correl_thresh, non_null_src, match_radius)
    joint_fit = PoissonFit(roi.counts, setup.background, [setup.test_fc, *setup.nuisance])
    joint = joint_fit.fit(faint_start(joint_fit))
    global_limits = limits(
        ProfileLikelihood(joint_fit, joint),
        float(joint.values[0]),
        joint.loglike,
        float(joint.errors[0]) or 1.0,
        settings["ul_confidence"],
    )
    sed = sed_columns(roi, setup, castro_bins(roi, setup, settings))
    norm, norm_err = float(joint.values[0]), float(joint.errors[0])
    model_flux, params = global_spectrum(setup.test.spectrum, roi.geom, norm, norm_err)
    npred = float(norm * setup.test.template.sum())
    return SEDProduct(
        sed, model_flux, params, global_limits.ts, npred, setup.correlated, setup.zeroed, global_limits, setup.matched
    )


def castro_bins(roi: ROIDataset, setup: SEDSetup, settings: dict[str, Any]) -> dict[str, np.ndarray]:
    """Per energy bin: the best normalisation, its errors and upper limit, TS, and the likelihood
    scan (on one grid shared by every bin, :func:`shared_scan`)."""
    nb, npts = roi.geom.nebins, settings["npts"]
    out: dict[str, np.ndarray] = {
        k: np.zeros(nb) for k in ("norm", "norm_err", "norm_errp", "norm_errn", "norm_ul", "ts", "loglike", "ref_npred")
    }
    out["norm_scan"] = np.zeros((nb, npts))
    out["dloglike_scan"] = np.zeros((nb, npts))
    for k in range(nb):
        best, profile = bin_profile(roi, setup, k)
        x_hat, l_hat = float(best.values[0]), best.loglike
        lim = limits(profile, x_hat, l_hat, float(best.errors[0]) or 1.0, settings["ul_confidence"])
        points = scan_points(lim, profile, npts)
        scan = np.array([profile(x) for x in points])
        l_max = max(l_hat, scan.max())
        out["norm"][k] = x_hat
        out["norm_err"][k] = lim.err
        out["norm_errp"][k] = lim.err_hi
        out["norm_errn"][k] = lim.err_lo
        out["norm_ul"][k] = lim.ul
        out["ts"][k] = lim.ts
        out["loglike"][k] = l_max
        out["norm_scan"][k] = points
        out["dloglike_scan"][k] = scan - l_max
        out["ref_npred"][k] = float(setup.test.template[k].sum())
    out["norm_scan"], out["dloglike_scan"] = shared_scan(out["norm_scan"], out["dloglike_scan"])
    return out


def sed_columns(roi: ROIDataset, setup: SEDSetup, castro: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """fermipy's SED columns: the bins, the reference spectrum's values there, the castro, and the
    normalisations in dnde and e2dnde units."""
    ref, geom = setup.test.spectrum, roi.geom
    emin, emax, eref = geom.emin, geom.emax, geom.ectr
    sed = {
        "e_min": emin,
        "e_ref": eref,
        "e_max": emax,
        "ref_dnde_e_min": ref.dnde(emin),
        "ref_dnde_e_max": ref.dnde(emax),
        "ref_dnde": ref.dnde(eref),
        "ref_flux": np.array([ref.flux(a, b) for a, b in zip(emin, emax, strict=True)]),
        "ref_eflux": np.array([ref.eflux(a, b) for a, b in zip(emin, emax, strict=True)]),
        **castro,
    }
    for quantity, refcol, scale in (("dnde", "ref_dnde", 1.0), ("e2dnde", "ref_dnde", eref**2)):
        base = sed[refcol] * scale
        sed[quantity] = sed["norm"] * base
        sed[f"{quantity}_err"] = sed["norm_err"] * base
        sed[f"{quantity}_errp"] = sed["norm_errp"] * base
        sed[f"{quantity}_errn"] = sed["norm_errn"] * base
        sed[f"{quantity}_ul"] = sed["norm_ul"] * base
    return sed


def global_spectrum(
    ref: Spectrum, geom: ROIGeom, norm: float, norm_err: float
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The global fit's spectrum over the ROI's energies (fermipy's ``model_flux``) and its parameters:
    the reference spectrum's, its normalisation scaled by the fit."""
    energies = np.geomspace(geom.emin[0], geom.emax[-1], 100)
    dnde = norm * ref.dnde(energies)
    dnde_err = norm_err * ref.dnde(energies)
    model_flux = {
        "energy": energies,
        "dnde": dnde,
        "dnde_lo": np.clip(dnde - dnde_err, 0, None),
        "dnde_hi": dnde + dnde_err,
        "dnde_err": dnde_err,
        "dnde_ferr": np.divide(dnde_err, dnde, out=np.full_like(dnde, np.nan), where=dnde > 0),
    }
    names = list(ref.values)
    norm_name = ref.form.norm
    value = [ref.values[n] * (norm if n == norm_name else 1.0) for n in names]
    error = [ref.values[n] * norm_err if n == norm_name else 0.0 for n in names]
    params = {
        "name": names,
        "value": value,
        "error": error,
        "covariance": np.diag(np.square(error)),
        "correlation": np.diag([1.0 if n == norm_name else 0.0 for n in names]),
    }
    return model_flux, params
