"""Fitting an ROI model: which parameters are free, the fit itself, source TS values.

The baseline fit frees the normalisations of the diffuse components, of sources within
``free_radius`` of the ROI centre and of sources above ``free_ts`` (catalog TS), and the
index of sources above ``free_index_ts``, as fermipy.jobs' AnalyzeROI does with
``free_sources``. After a fit, each free component's template is rescaled to its best
spectrum, so the stored templates always describe the current model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from pyfermijobs.datasets.roi import POSITIONED, Component, ROIDataset
from pyfermijobs.fitting.likelihood import FitResult, FreeComponent, PoissonFit


@dataclass
class ModelFit:
    """A fit of some components of an ROI; :meth:`apply` writes the result back."""

    roi: ROIDataset
    components: list[Component]
    result: FitResult

    def apply(self) -> None:
        node_e, node_w = self.roi.nodes
        for comp in self.components:
            s = self.result.value(f"{comp.name}:norm")
            norm_name = comp.spectrum.form.norm
            values = {norm_name: comp.spectrum.values[norm_name] * s}
            factor = np.full(self.roi.geom.nebins, s)
            if "index" in comp.free:
                index_name = comp.spectrum.form.index
                gamma = self.result.value(f"{comp.name}:index")
                factor = s * comp.scale(comp.spectrum.with_values(**{index_name: gamma}), node_e, node_w)
                values[index_name] = gamma
            errors = {
                norm_name: self.result.errors[self.result.names.index(f"{comp.name}:norm")]
                * comp.spectrum.values[norm_name]
            }
            if "index" in comp.free:
                errors[comp.spectrum.form.index] = self.result.errors[self.result.names.index(f"{comp.name}:index")]
            comp.spectrum = comp.spectrum.with_values(**values)
            comp.template = comp.template * factor[:, None, None]
            comp.info["errors"] = {k: float(v) for k, v in errors.items()}
            comp.info["npred"] = round(float(comp.template.sum()), 3)

    def fluxes(self) -> None:
        """Every positioned source's fluxes (:func:`source_fluxes`) into its ``info``, with errors from
        this fit's covariance for the components it fitted (after :meth:`apply`)."""
        fitted = {c.name for c in self.components}
        for comp in self.roi.components:
            cov = None
            if comp.name in fitted:
                names = [f"{comp.name}:norm"] + ([f"{comp.name}:index"] if "index" in comp.free else [])
                rows = [self.result.names.index(n) for n in names]
                cov = self.result.covariance[np.ix_(rows, rows)]
            comp.info.update(
                source_fluxes(comp, self.roi, self.result.value(f"{comp.name}:norm") if cov is not None else 1.0, cov)
            )


#: Relative step of the spectral index for the fluxes' derivatives.
INDEX_STEP = 1e-4


def source_fluxes(comp: Component, roi: ROIDataset, scale: float = 1.0, cov: np.ndarray | None = None) -> dict:
    """fermipy's ROI-output fluxes of a source over the analysis range: ``flux`` (ph cm-2 s-1),
    ``eflux`` (MeV cm-2 s-1), ``dnde`` at ``pivot_energy`` (MeV), each with ``*_err`` propagated from
    the fit's covariance of (norm scale, index) (NaN for a source the fit held fixed). Components whose
    spectrum lives in a template (diffuse models) have none."""
    spectrum = comp.spectrum
    if comp.kind not in POSITIONED or spectrum.kind == "TemplateScale":
        return {}
    emin, emax = float(roi.geom.energy_edges[0]), float(roi.geom.energy_edges[-1])
    pivot = next((spectrum.values[k] for k in ("Scale", "Eb") if k in spectrum.values), None)

    def measures(spec: Any) -> np.ndarray:
        dnde = float(spec.dnde(np.array([pivot]))[0]) if pivot else np.nan
        return np.array([spec.flux(emin, emax, 32), spec.eflux(emin, emax, 32), dnde])

    values = measures(spectrum)
    errors = np.full(3, np.nan)
    if cov is not None and scale > 0:
        jac = [values / scale]  # the norm's scale multiplies every measure
        if cov.shape[0] == 2:
            index = spectrum.form.index
            gamma = spectrum.values[index]
            h = INDEX_STEP * max(1.0, abs(gamma))
            up, down = (
                measures(spectrum.with_values(**{index: gamma + h})),
                measures(spectrum.with_values(**{index: gamma - h})),
            )
            jac.append((up - down) / (2 * h))
        j = np.array(jac).T  # (3 measures, parameters)
        errors = np.sqrt(np.clip(np.einsum("mi,ij,mj->m", j, cov, j), 0.0, None))
    out = {"flux": values[0], "flux_err": errors[0], "eflux": values[1], "eflux_err": errors[1]}
    if pivot:
        out.update(dnde=values[2], dnde_err=errors[2], pivot_energy=float(pivot))
    return {k: float(v) for k, v in out.items()}


def free_component(roi: ROIDataset, comp: Component, index: bool) -> FreeComponent:
    """The likelihood's view of a component: its template and, if asked, its index factor."""
    if not index or comp.spectrum.form.index is None:
        return FreeComponent(comp.name, comp.template)
    node_e, node_w = roi.nodes
    index_name = comp.spectrum.form.index
    gamma0 = comp.spectrum.values[index_name]

    def factor(gamma: float) -> np.ndarray:
        return comp.scale(comp.spectrum.with_values(**{index_name: gamma}), node_e, node_w)

    return FreeComponent(comp.name, comp.template, factor, gamma0, (gamma0 - 2.0, gamma0 + 2.0))


def fit_components(
    roi: ROIDataset,
    names: Iterable[str],
    with_index: bool = True,
    counts: np.ndarray | None = None,
    bins: list[int] | None = None,
) -> ModelFit:
    """Fit the named components (norms, and indices where free) with all others fixed."""
    names = list(names)
    comps = [roi.component(n) for n in names]
    background = roi.model(exclude=tuple(names))
    free = [free_component(roi, c, with_index and "index" in c.free) for c in comps]
    fit = PoissonFit(roi.counts if counts is None else counts, background, free, bins)
    return ModelFit(roi, comps, fit.fit())


def choose_free(roi: ROIDataset, settings: dict) -> None:
    """Mark free parameters following the baseline rules (see module docstring)."""
    from pyfermijobs.datasets.geom import separation_deg, to_frame, unit_vectors

    centre = unit_vectors(roi.geom.lon, roi.geom.lat)
    for comp in roi.components:
        if comp.kind not in POSITIONED:  # the diffuse components
            comp.free = ["norm"]
            continue
        lon, lat = to_frame(comp.ra, comp.dec, roi.geom.coordsys)
        offset = float(separation_deg(unit_vectors(lon, lat), centre))
        ts = float(comp.info.get("catalog_signif", 0.0)) ** 2
        inside = roi.geom.contains(lon, lat)
        comp.free = []
        if offset <= settings["free_radius"] or (inside and ts >= settings["free_ts"]):
            comp.free.append("norm")
        if "norm" in comp.free and inside and ts >= settings["free_index_ts"] and comp.spectrum.form.index:
            comp.free.append("index")


def free_names(roi: ROIDataset) -> list[str]:
    return [c.name for c in roi.components if c.free and c.template is not None]


def source_ts(roi: ROIDataset) -> dict[str, float]:
    """TS of each point source: twice the log-likelihood it adds.

    Free sources are removed with the other free normalisations refitted; fixed sources are
    removed with everything else held (their TS is then an approximation).
    """
    names = free_names(roi)
    full = fit_components(roi, names, with_index=False).result.loglike
    ts: dict[str, float] = {}
    background = roi.model()
    with_all = PoissonFit(roi.counts, background, []).loglike(np.zeros(0))
    for comp in roi.components:
        if comp.kind not in POSITIONED or comp.template is None:
            continue
        if comp.name in names:
            others = [n for n in names if n != comp.name]
            without = PoissonFit(
                roi.counts,
                roi.model(exclude=(*others, comp.name)),
                [FreeComponent(n, roi.component(n).template) for n in others],
            ).fit()
            ts[comp.name] = max(2.0 * (full - without.loglike), 0.0)
        else:
            without = PoissonFit(roi.counts, background - comp.template, []).loglike(np.zeros(0))
            ts[comp.name] = max(2.0 * (with_all - without), 0.0)
    return ts
