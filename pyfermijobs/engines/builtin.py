"""The builtin engine: AnalyzeROI, AnalyzeSED and SimulateROI on this project's binned likelihood.

The same per-target functions as the fermipy engine (:class:`~pyfermijobs.engines.Engine`),
into the same layout and SED format. Without real data the ROI is the synthetic LAT-like sky
(:mod:`pyfermijobs.datasets.synthetic`); control studies start from the baseline ROI files,
which a fermipy baseline can also be exported to (hybrid control studies).

SimulateROI: for each seed the counts are redrawn from the baseline model plus the scenario's
``injected_source`` (which is then also part of the refitted model, as in fermipy), the free
parameters are refitted and the SEDs built; with ``non_null_src`` the source at the target
(the injected one) is zeroed first, so the SED sees the signal. Each realization's random
stream depends only on (target, profile, scenario, seed): the same seed gives the same numbers
however seeds are split across tasks.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyfermijobs.config import builtin_settings, sed_settings
from pyfermijobs.config.analysis import load_template, target_direction
from pyfermijobs.config.profiles import profile_position
from pyfermijobs.config.run import BUILTIN
from pyfermijobs.config.template import data_settings
from pyfermijobs.datasets.roi import Component, ROIDataset
from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.yamlio import write_yaml

if TYPE_CHECKING:
    from pyfermijobs.engines.engine import Realizations, SEDRequest


class BuiltinEngine:
    """The builtin engine's per-target steps."""

    name = BUILTIN

    def analyze_roi(
        self, layout: Layout, target: str, config_path: Path, prefix: str, do_find_src: bool, make_plots: bool
    ) -> ROIDataset:
        """Build the target's (synthetic) data, fit the baseline model, write the ROI.

        ``make_plots`` needs nothing here: the step draws the diagnostics from the returned ROI.
        """
        from pyfermijobs.datasets.synthetic import build_synthetic_roi
        from pyfermijobs.estimators.tsmap import find_sources
        from pyfermijobs.fitting.roi_fit import choose_free, fit_components, free_names, source_ts

        template = load_template(config_path)
        settings = builtin_settings(template, config_path)
        ra, dec = target_direction(template, config_path)
        start = time.monotonic()
        data = data_settings(template, config_path)
        if data is None:
            roi = build_synthetic_roi(template, target, ra, dec, str(config_path))
        else:
            from pyfermijobs.datasets.lat_data import build_lat_roi

            roi = build_lat_roi(template, data, target, ra, dec, config_path)
        choose_free(roi, settings)
        fit = fit_components(roi, free_names(roi))
        fit.apply()
        found: list[str] = []
        if do_find_src:
            found = find_sources(roi, settings["find_src_sqrt_ts"])
            if found:
                fit = fit_components(roi, free_names(roi))
                fit.apply()
        for name, ts in source_ts(roi).items():
            roi.component(name).info["ts"] = round(ts, 3)
        fit.fluxes()  # fermipy's flux, eflux, dnde and their errors, per source
        result = fit.result
        summary = {
            "fit": {
                "loglike": result.loglike,
                "converged": result.converged,
                "niter": result.niter,
                "free_parameters": {
                    n: [float(v), float(e)] for n, v, e in zip(result.names, result.values, result.errors, strict=True)
                },
                "counts": int(roi.counts.sum()),
                "npred": float(roi.model().sum()),
                "found_sources": found,
                "seconds": round(time.monotonic() - start, 3),
            }
        }
        roi.write(layout.roi_file(target, prefix), layout.roi_yaml(target, prefix), summary)
        return roi

    def analyze_sed(self, layout: Layout, request: SEDRequest) -> None:
        """The SED of each profile: at the target (``sim=None``), or at each random direction."""
        from pyfermijobs.estimators.sed import compute_sed
        from pyfermijobs.io.sed_fits import write_sed

        target, prefix, sim, skydirs = request.target, request.prefix, request.sim, request.skydirs
        template = load_template(request.config_path)
        settings = sed_settings(template, request.config_path)
        builtin = builtin_settings(template, request.config_path)
        correl = builtin["correl_thresh"]
        # at the target, a catalog source there is the target; random directions measure empty sky
        match = builtin["match_radius"] if skydirs is None else 0.0
        for profile in request.profiles:
            name, ra, dec = profile_position(layout.profile_file(target, profile, sim))
            jobs = [(None, ra, dec)] if skydirs is None else [(k, d["ra"], d["dec"]) for k, d in skydirs.items()]
            for key, jra, jdec in jobs:
                roi, _ = ROIDataset.read(layout.roi_file(target, prefix, sim), layout.roi_yaml(target, prefix, sim))
                product = compute_sed(roi, name, jra, jdec, settings, correl, request.non_null_src, match)
                header = _header(roi, product, name, target, profile, sim, key, jra, jdec)
                out = (
                    layout.sed_file(target, profile) if key is None else layout.sim_sed_file(sim, target, profile, key)
                )
                write_sed(out, product.sed, product.model_flux, product.params, header)

    def check_injection(self, layout: Layout, target: str, sim: str, prefix: str, sim_profile: str | None) -> None:
        """The scenario's injected source can be made for this target (spectrum known, inside the ROI)."""
        base, _ = ROIDataset.read(layout.roi_file(target, prefix, sim), layout.roi_yaml(target, prefix, sim))
        injected_component(layout, base, target, sim, sim_profile)

    def simulate(
        self, layout: Layout, target: str, profiles: list[str], prefix: str, work: Realizations, config_path: Path
    ) -> None:
        """SimulateROI: per profile and seed a Poisson realization, refit, SED and truth file."""
        from pyfermijobs.estimators.sed import compute_sed
        from pyfermijobs.estimators.tsmap import find_sources
        from pyfermijobs.fitting.realizations import realization
        from pyfermijobs.fitting.roi_fit import fit_components, free_names
        from pyfermijobs.io.sed_fits import write_sed
        from pyfermijobs.rng import generator

        template = load_template(config_path)
        settings = sed_settings(template, config_path)
        builtin = builtin_settings(template, config_path)
        sim, non_null_src, do_find_src = work.sim, work.non_null_src, work.do_find_src
        base, _ = ROIDataset.read(layout.roi_file(target, prefix, sim), layout.roi_yaml(target, prefix, sim))
        injected = injected_component(layout, base, target, sim, work.sim_profile)
        expected = base.model() + (injected.template if injected is not None else 0.0)
        for profile in profiles:
            name, ra, dec = profile_position(layout.profile_file(target, profile, sim))
            for seed in work.seeds:
                roi = realization(base, injected, generator("simulate", target, profile, sim, seed), expected)
                if do_find_src and find_sources(roi, builtin["find_src_sqrt_ts"]):
                    fit_components(roi, free_names(roi)).apply()
                product = compute_sed(
                    roi, name, ra, dec, settings, builtin["correl_thresh"], non_null_src, builtin["match_radius"]
                )
                header = _header(roi, product, name, target, profile, sim, seed, ra, dec)
                header.update(INJECTED=injected is not None, NONNULL=non_null_src, FINDSRC=do_find_src)
                out = layout.sim_sed_file(sim, target, profile, seed)
                write_sed(out, product.sed, product.model_flux, product.params, header)
                write_yaml(layout.sim_truth_file(sim, target, profile, seed), truth(roi, injected, settings, seed, sim))


def _header(
    roi: ROIDataset, product: Any, name: str, target: str, profile: str, sim: str | None, key: int | None, ra, dec
) -> dict[str, Any]:
    from pyfermijobs.io.sed_fits import sed_identity

    return sed_identity(
        name,
        target,
        profile,
        sim,
        key,
        ra,
        dec,
        roi.synthetic,
        ts=round(product.ts, 6),
        npred=round(product.npred, 6),
        ncorrel=len(product.correlated),
        **({"srcmatch": product.matched} if product.matched else {}),
    )


def target_jfactor(layout: Layout, target: str, profile: str, sim: str, decay: bool = False) -> float | None:
    """The J-factor (GeV2 cm-5) of a target's profile version, if its astro_val file has one; with
    ``decay`` its D-factor (``d_integ``, GeV cm-2), what a decay channel's DMFitFunction takes."""
    from pyfermijobs.yamlio import load_yaml

    path = layout.astro_value_file(target, profile.rsplit("_", 1)[0], sim)
    info = (load_yaml(path, "astro value file") or {}) if path.exists() else {}
    from pyfermijobs.config.darkmatter import check_astro_factor

    key = "d_integ" if decay else "j_integ"
    return check_astro_factor(info, ["none"], target, profile, path, decay)[0] if key in info else None


def injected_component(
    layout: Layout, roi: ROIDataset, target: str, sim: str, sim_profile: str | None
) -> Component | None:
    """The scenario's injected source as a model component (None for a null scenario).

    It sits at the simulated profile's position unless ``source_model`` gives ``RA``/``DEC``.
    """
    from pyfermijobs.config.scenarios import load_scenario
    from pyfermijobs.datasets.geom import to_frame
    from pyfermijobs.models.spectra import spectrum_from_fermipy

    path = layout.scenario_copy(sim)
    injected = load_scenario(path)["injected_source"]
    if injected is None:
        return None
    model = injected["source_model"]
    factors = {f"{k}factor": target_jfactor(layout, target, str(sim_profile), sim, k == "d") for k in "jd"}
    spectrum = spectrum_from_fermipy(model, str(path), "injected_source.source_model", **factors)
    _, ra, dec = profile_position(layout.profile_file(target, str(sim_profile), sim))
    lowered = {k.lower(): v for k, v in model.items()}
    if "ra" in lowered or "dec" in lowered:
        ra, dec = float(lowered.get("ra", ra)), float(lowered.get("dec", dec))
    if not roi.geom.contains(*to_frame(ra, dec, roi.geom.coordsys)):
        raise InputError(path, "injected_source", f"position ({ra}, {dec}) is outside the ROI of target {target}")
    comp = roi.point_source(str(injected["name"]), ra, dec, spectrum, injected=True)
    comp.free = ["norm"]
    return comp


def truth(roi: ROIDataset, injected: Component | None, settings: dict[str, Any], seed: int, sim: str) -> dict:
    """What a realization of the builtin engine contains."""
    from pyfermijobs.estimators.truth import injected_doc, truth_doc

    if injected is None:
        return truth_doc(sim, seed, None)
    npred = injected.template.sum(axis=(1, 2))
    doc = injected_doc(
        injected.name,
        injected.ra,
        injected.dec,
        injected.spectrum,
        roi.geom.emin,
        roi.geom.emax,
        settings["bin_index"],
        npred,
    )
    return truth_doc(sim, seed, doc)
