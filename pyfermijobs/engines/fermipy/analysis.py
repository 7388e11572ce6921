"""AnalyzeROI, AnalyzeSED and SimulateROI with fermipy's ``GTAnalysis`` (backend ``fermipy``).

The sequences are fermipy.jobs' (``target_analysis.py``, ``target_sim.py``,
``analysis_utils.py`` of fermipy 1.4.3); the files land in the same layout, under the same
names, as the builtin engine's, so collection, plots and report read either. Every call here
is to the public GTAnalysis interface; the tests run these functions against a named test
double of that interface (``tests/doubles/fermitools_double.py``), since Fermitools cannot
be installed on the machines this project is built on.

Three things differ from fermipy.jobs, on purpose:

- files fermipy rewrites in place (its source maps) are private copies for the duration of a
  step, because a pipeline task's inputs are links to another task's outputs;
- SEDs are written to a temporary name and renamed, with the target, profile, scenario and
  seed added to their header;
- AnalyzeROI also writes what the export to the builtin engine reads (the gtpsf table and the
  model cubes of the free sources) and the exported ROI itself, for hybrid control studies
  and for the builtin ROI diagnostics.

A dark-matter scenario (``SpectrumType: DMFitFunction``, ``norm: nan``) is simulated from the
per-target scenario file dmpipe's PrepareTargets writes and fermipy.jobs' SimulateROI reads,
``sim_{sim}_{version}.yaml`` in the target's folder of the study area, with the target's J-factor
as ``norm``; it is written here, when the scenario is simulated (``write_target_scenario``).
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyfermijobs.atomic import atomic_path
from pyfermijobs.config.run import FERMIPY
from pyfermijobs.datasets.roi import ROIDataset
from pyfermijobs.engines.fermitools import Fermitools
from pyfermijobs.errors import InputError
from pyfermijobs.io.sed_fits import sed_identity
from pyfermijobs.layout import Layout, seed_str
from pyfermijobs.yamlio import load_yaml, write_yaml

#: fermipy.jobs' constants: correlation for freeing sources in SEDs, source-finding threshold,
#: radius of the sources whose normalisations are refitted.
CORREL_THRESH = 0.25
FIND_SQRT_TS = 5.0
FREE_RADIUS_DEG = 1.0
#: Point sources localised in the baseline fit (``--do_find_src``): TS above this, inside the ROI.
LOCALIZE_MIN_TS = 25.0
if TYPE_CHECKING:
    from pyfermijobs.engines.engine import Realizations, SEDRequest

WORKDIR_REGEX = r"\.xml$|\.npy$"


def open_analysis(tools: Fermitools, config_path: Path, outdir: Path) -> Any:
    """A GTAnalysis on a per-target configuration, writing into the target's folder of the layout."""
    return tools.GTAnalysis(
        str(config_path), logging={"verbosity": 3}, fileio={"workdir_regex": WORKDIR_REGEX, "outdir": str(outdir)}
    )


@contextlib.contextmanager
def private_copies(folder: Path) -> Iterator[None]:
    """Replace the linked inputs of a folder by copies while fermipy works there; put the links back after.

    fermipy rewrites files it reads: source maps (``srcmap_00.fits``) when sources are added,
    the counts in them on ``simulate_roi``, model files. In a pipeline task those files are
    links to an earlier task's outputs, shared by concurrent tasks, and must stay untouched.
    """
    links = {p: Path(os.readlink(p)) for p in sorted(folder.iterdir()) if p.is_symlink() and p.is_file()}
    for path, target in links.items():
        with atomic_path(path) as tmp:
            shutil.copyfile(target if target.is_absolute() else path.parent / target, tmp)
    try:
        yield
    finally:
        for path, target in links.items():
            path.unlink(missing_ok=True)
            path.symlink_to(target)


def _source_spectrum(src: Any) -> dict[str, Any]:
    pars = src["spectral_pars"] or {}
    spectrum: dict[str, Any] = {"SpectrumType": str(src["SpectrumType"])}
    for name, par in pars.items():
        spectrum[name] = float(par["value"]) * float(par.get("scale", 1.0))
    return spectrum


def exported_is_synthetic(layout: Layout, target: str, prefix: str, sim: str | None) -> bool:
    """Whether the counts are synthetic, as the baseline's export records (fermipy's files do not say)."""
    exported = layout.roi_yaml(target, layout.exported_prefix(prefix), sim)
    return bool((load_yaml(exported, "exported baseline ROI") or {}).get("synthetic"))


def free_norm_sources(fit_result: dict[str, Any]) -> list[str]:
    """Sources whose normalisation was free in a fit (fermipy's fit result arrays)."""
    names = np.array(fit_result["src_names"])[np.asarray(fit_result["is_norm"], bool)]
    return list(dict.fromkeys(str(n) for n in names))


# --- AnalyzeROI ---------------------------------------------------------------------------


def baseline_fit(gta: Any, do_find_src: bool) -> dict[str, Any]:
    """fermipy.jobs' baseline: bright sources optimised, optionally relocalised and new ones found,
    then the normalisations within 1 deg of the centre fitted with their covariance."""
    gta.setup(overwrite=False)
    gta.free_sources(False)
    gta.free_sources(True, minmax_npred=[1e3, np.inf])
    gta.optimize()
    gta.free_sources(False)
    if do_find_src:
        for src in sorted(gta.roi.sources, key=lambda s: float(s["ts"] or 0.0), reverse=True):
            inside = src["SpatialModel"] == "PointSource" and src["offset_roi_edge"] <= -0.1
            if inside and float(src["ts"] or 0.0) >= LOCALIZE_MIN_TS:
                gta.localize(src.name, nstep=5, dtheta_max=0.5, update=True, prefix="base")
        gta.find_sources(
            sqrt_ts_threshold=FIND_SQRT_TS, search_skydir=gta.roi.skydir, search_minmax_radius=[1.0, np.nan]
        )
        gta.optimize()
    gta.free_sources(skydir=gta.roi.skydir, distance=FREE_RADIUS_DEG, pars="norm")
    return gta.fit(covar=True)


def run_gtpsf(tools: Fermitools, gta: Any, path: Path) -> None:
    """The PSF at the ROI centre, by Fermitools' gtpsf, for the export."""
    config = gta.config
    emin, emax = float(config["selection"]["emin"]), float(config["selection"]["emax"])
    with atomic_path(path) as tmp:
        tools.run_gtapp(
            "gtpsf",
            gta.logger,
            {
                "expcube": gta.components[0].files["ltcube"],
                "outfile": str(tmp),
                "irfs": (config.get("gtlike") or {}).get("irfs") or "CALDB",
                "evtype": config["selection"].get("evtype") or 3,
                "ra": float(config["selection"]["ra"]),
                "dec": float(config["selection"]["dec"]),
                "emin": emin,
                "emax": emax,
                "nenergies": max(16, int(8 * np.log10(emax / emin)) + 1),
                # 0.01 deg steps: the PSF core above 10 GeV is ~0.1 deg (68%)
                "thetamax": 20.0,
                "ntheta": 2001,
            },
        )


def export_model_cubes(gta: Any, layout: Layout, target: str, prefix: str, free: list[str]) -> None:
    """fermipy's model counts cubes of the whole model and of each free source, with parameters."""
    from pyfermijobs.formats.fermipy_files import CountsCube, ModelCubes, ModelSource, read_counts_cube
    from pyfermijobs.formats.fermipy_files import write_model_cubes as write

    ccube = read_counts_cube(layout.fermipy_file(target, "ccube"))
    total = CountsCube(np.asarray(gta.model_counts_map().data, float), ccube.header, ccube.emin, ccube.emax)
    sources = []
    for name in free:
        src = gta.roi.get_source_by_name(name)
        sources.append(
            ModelSource(
                name,
                str(src["SpatialModel"]),
                float(src["ra"]),
                float(src["dec"]),
                _source_spectrum(src),
                float(src["ts"] if src["ts"] is not None else np.nan),
                float(src["npred"] or 0.0),
                np.asarray(gta.model_counts_map(name).data, float),
            )
        )
    write(layout.model_cubes(target, prefix), ModelCubes(total, sources))


def export_baseline(
    tools: Fermitools, gta: Any, layout: Layout, target: str, prefix: str, free: list[str], fit: dict[str, Any]
) -> ROIDataset:
    """The baseline as the builtin engine's ROI: gtpsf table and model cubes of the free sources, then the export."""
    from pyfermijobs.engines.fermipy.export import export_roi

    run_gtpsf(tools, gta, layout.psf_table(target, prefix))
    export_model_cubes(gta, layout, target, prefix, free)
    return export_roi(layout, target, prefix, {**fit, "backend": "fermipy"})


def export_existing(tools: Fermitools, layout: Layout, target: str, prefix: str, config_path: Path) -> None:
    """Export a baseline fermipy (or fermipy.jobs) already wrote; sources with free parameters stay free."""
    gta = open_analysis(tools, config_path, layout.target_dir(target))
    gta.load_roi(prefix)
    free = [src.name for src in gta.roi.sources if gta.get_free_source_params(src.name)]
    export_baseline(tools, gta, layout, target, prefix, free, {"reloaded": f"{prefix}.npy"})


# --- AnalyzeSED ---------------------------------------------------------------------------


def add_source_get_correlated(
    gta: Any, name: str, src_dict: dict[str, Any], non_null_src: bool
) -> tuple[dict[str, float], str]:
    """Add the test source, fit, and return the sources correlated with it (fermipy.jobs' rule).

    A source of that name already in the model is zeroed and the test source gets ``_test``;
    the test source is zeroed again for the SED unless ``non_null_src``.
    """
    test_name = name
    if gta.roi.has_source(name):
        gta.zero_source(name)
        gta.update_source(name)
        test_name = f"{name}_test"
    gta.add_source(test_name, src_dict)
    gta.free_norm(test_name)
    gta.free_shape(test_name, free=False)
    result = gta.fit(covar=True)
    mask = np.asarray(result["is_norm"], bool)
    names = np.array(result["src_names"])[mask]
    row = int(np.argmax(names == test_name))
    correlation = np.asarray(result["correlation"])[row][mask]
    correlated = {
        str(n): float(c)
        for n, c in zip(names, correlation, strict=True)
        if n not in (name, test_name) and abs(c) > CORREL_THRESH
    }
    if not non_null_src:
        gta.zero_source(test_name)
    gta.fit(covar=True)
    return correlated, test_name


def source_dict(profile: dict[str, Any], ra: float | None = None, dec: float | None = None) -> dict[str, Any]:
    """The profile's ``source_model`` for ``add_source`` (optionally moved to a direction)."""
    model = {k: v for k, v in dict(profile["source_model"]).items() if k.lower() not in ("ra", "dec")}
    lowered = {k.lower(): v for k, v in profile["source_model"].items()}
    model["ra"] = float(lowered["ra"] if ra is None else ra)
    model["dec"] = float(lowered["dec"] if dec is None else dec)
    return model


def write_gta_sed(gta: Any, test_name: str, out: Path, header: dict[str, Any]) -> None:
    """``gta.sed`` to a temporary name, our identifying keys added, renamed into place."""
    from astropy.io import fits

    stem = out.parent / f".{out.stem}-fermipy-tmp"
    gta.sed(test_name, prefix=out.stem, outfile=f"{stem.name}.fits", make_plots=False)  # fermipy adds .fits/.npy
    written = stem.parent / f"{stem.name}.fits"
    src = gta.roi.get_source_by_name(test_name)
    with fits.open(written, memmap=False) as hdul:
        sed = hdul[1]
        sed.header["TS"] = round(float(src["ts"] if src["ts"] is not None else np.nan), 6)
        sed.header["NPRED"] = round(float(src["npred"] or 0.0), 6)
        sed.header["SYNTHET"] = bool(header.pop("SYNTHET", False))
        sed.header["BACKEND"] = "fermipy"
        for key, value in header.items():
            if value is not None:
                sed.header[key.upper()[:8]] = value
        with atomic_path(out) as tmp:
            hdul.writeto(tmp)
    written.unlink()
    (stem.parent / f"{stem.name}.npy").unlink(missing_ok=True)


def sed_of_test_source(
    gta: Any,
    name: str,
    src: dict[str, Any],
    *,
    out: Path,
    correl: Path,
    header: dict[str, Any],
    non_null_src: bool,
    restore: str,
    reoptimize: bool,
    held: str | None = None,
) -> None:
    """fermipy.jobs' SED of one test source: add it, free the sources that correlate with it
    (never ``held``, an injected source), write the SED, then restore the model ``restore``."""
    correlated, test_name = add_source_get_correlated(gta, name, src, non_null_src)
    write_yaml(correl, correlated)
    gta.free_sources(False)
    for other in correlated:
        gta.free_source(other, pars="norm")
    if held:
        gta.free_source(held, False)
    if reoptimize:
        gta.update_source(test_name, reoptimize=True)
    write_gta_sed(gta, test_name, out, header)
    gta.delete_source(test_name)
    gta.load_xml(restore)


# --- SimulateROI --------------------------------------------------------------------------


def refit_realization(gta: Any, seed: int, baseline: str, refit: str, injected: str | None, do_find_src: bool) -> None:
    """fermipy.jobs' realization: the baseline (+ injected source) drawn with ``seed``, refit with
    the injected source zeroed and held, the nearby normalisations free; saved as ``refit``."""
    gta.load_roi(f"{baseline}.npy")
    gta.set_random_seed(seed)
    gta.simulate_roi()
    skip = []
    if injected:
        gta.zero_source(injected)
        skip.append(injected)
    gta.optimize(skip=skip)
    if do_find_src:
        gta.find_sources(
            sqrt_ts_threshold=FIND_SQRT_TS, search_skydir=gta.roi.skydir, search_minmax_radius=[1.0, np.nan]
        )
        gta.optimize(skip=skip)
    gta.free_sources(skydir=gta.roi.skydir, distance=FREE_RADIUS_DEG, pars="norm")
    if injected:
        gta.free_source(injected, False)
    gta.fit(covar=True)
    gta.write_roi(refit)


def clone_config(config_path: Path, layout: Layout, target: str, sim: str, first: int) -> Path:
    """fermipy.jobs' per-job configuration: its own copy of the source maps, which simulate_roi rewrites."""
    config = load_yaml(config_path, "analysis configuration")
    srcmap = layout.fermipy_file(target, "srcmap", sim)
    private = srcmap.with_name(f"srcmap_{seed_str(first)}_00.fits")
    with atomic_path(private) as tmp:
        shutil.copyfile(srcmap.resolve(), tmp)
    gtlike = dict(config.get("gtlike") or {})
    gtlike.update(srcmap=str(private.resolve()), use_external_srcmap=True)
    config["gtlike"] = gtlike
    clone = config_path.with_name(f"config_{seed_str(first)}.yaml")
    write_yaml(clone, config)
    return clone


def is_dark_matter(injected: dict[str, Any] | None) -> bool:
    """Whether a scenario's injected source is a DMFitFunction (whose ``norm`` may be the target's J)."""
    if injected is None:
        return False
    return str(injected["source_model"].get("SpectrumType", "")).lower() == "dmfitfunction"


def target_scenario_file(layout: Layout, target: str, sim: str, version: str) -> Path:
    """fermipy.jobs' per-target scenario: ``sim_{sim}_{version}.yaml`` in the target's folder of the study.

    dmpipe's PrepareTargets writes it under the target's version key, and fermipy.jobs'
    SimulateROI reads it as ``sim_{sim}_{sim_profile}.yaml``, its ``sim_profile`` being that key.
    """
    return layout.target_dir(target, sim) / f"sim_{sim}_{version}.yaml"


def _needs_j(value: Any) -> bool:
    """A DMFitFunction ``norm`` that stands for the target's J-factor: absent, empty or nan."""
    raw = value.get("value") if isinstance(value, dict) else value
    if raw is None:
        return True
    try:
        return math.isnan(float(raw))
    except (TypeError, ValueError):
        return False


def _first_non_finite(value: Any, key: str) -> str | None:
    """The dotted key of the first number in ``value`` that is not finite (nan, inf, 'nan')."""
    if isinstance(value, dict):
        for k, v in value.items():
            found = _first_non_finite(v, f"{key}.{k}")
            if found:
                return found
        return None
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isfinite(number) else key


def write_target_scenario(layout: Layout, target: str, sim: str, sim_profile: str | None) -> Path:
    """The scenario as simulated in one target: a DMFitFunction's ``norm`` nan set to the target's J.

    As dmpipe's ``PrepareTargets._write_sim_yaml``: the scenario file as given, with
    ``injected_source.source_model.norm.value`` the J-factor (``j_integ``, GeV2 cm-5) of the
    simulated profile's version (its ``astro_val_{version}.yaml`` in the study area). An
    explicit norm is kept. Nothing that is not a finite number is left in the source model.
    """
    from pyfermijobs.engines.builtin import target_jfactor
    from pyfermijobs.models.spectra import spectrum_from_fermipy

    given = layout.scenario_copy(sim)
    if not sim_profile:
        raise InputError(given, "injected_source", f"no simulated profile for target {target}: the J-factor is unknown")
    version = sim_profile.rsplit("_", 1)[0]  # profile = {version}_{spatial}
    doc = copy.deepcopy(load_yaml(given, "simulation scenario file"))
    model = doc["injected_source"]["source_model"]
    key = next((k for k in model if str(k).lower() == "norm"), "norm")
    if _needs_j(model.get(key)):
        jfactor = target_jfactor(layout, target, sim_profile, sim)
        if jfactor is None:
            raise InputError(
                layout.astro_value_file(target, version, sim),
                "j_integ",
                f"no J-factor for target {target} ({version}): scenario {sim} injects a DMFitFunction "
                "whose norm nan is the target's J-factor",
            )
        norm = model.get(key)
        kept = {k: v for k, v in norm.items() if k not in ("value", "scale")} if isinstance(norm, dict) else {}
        model[key] = {**kept, "value": float(jfactor)}
    bad = _first_non_finite(model, "injected_source.source_model")
    if bad:
        raise InputError(given, bad, f"must be a finite number in the scenario simulated for target {target}")
    spectrum_from_fermipy(model, str(given), "injected_source.source_model")  # the spectrum is whole
    path = target_scenario_file(layout, target, sim, version)
    write_yaml(path, doc)
    return path


def inject(gta: Any, injected: dict[str, Any] | None) -> tuple[str, dict[str, Any], np.ndarray] | None:
    """Add the scenario's source (at the ROI centre unless it says where): name, model, counts per bin."""
    if injected is None:
        return None
    model = dict(injected["source_model"])
    if not {"ra", "dec"} & {k.lower() for k in model}:
        model["ra"], model["dec"] = float(gta.config["selection"]["ra"]), float(gta.config["selection"]["dec"])
    name = str(injected["name"])
    gta.add_source(name, model)
    return name, model, np.asarray(gta.model_counts_spectrum(name, summed=True), float)


def injected_integral(spectrum: Any, edges: np.ndarray) -> dict[str, float]:
    """Integral photon flux (ph cm-2 s-1) and energy flux (MeV cm-2 s-1) over the analysis range.

    A DMFitFunction is fermipy's (its dN/dE table with ``norm`` = J), integrated per analysis bin
    and split at E = mass, where the spectrum ends (``darkmatter.spectra.bin_integrals``).
    """
    from pyfermijobs.models.spectra import DMFIT

    emin, emax = edges[:-1], edges[1:]
    if spectrum.kind == DMFIT:
        from pyfermijobs.darkmatter.spectra import J_REF, SIGMAV_REF, bin_integrals, channel_name

        values = spectrum.values
        flux, eflux = bin_integrals(channel_name(int(values["channel0"])), float(values["mass"]), emin, emax)
        scale = float(values["sigmav"]) * float(values["norm"]) / (SIGMAV_REF * J_REF)
        flux, eflux = flux * scale, eflux * scale
    else:
        flux = np.array([spectrum.flux(a, b) for a, b in zip(emin, emax, strict=True)])
        eflux = np.array([spectrum.eflux(a, b) for a, b in zip(emin, emax, strict=True)])
    return {"emin": float(edges[0]), "emax": float(edges[-1]), "flux": float(flux.sum()), "eflux": float(eflux.sum())}


def _injected_truth(truth: tuple | None, gta: Any, bin_index: float) -> dict[str, Any] | None:
    """What was injected: per energy bin, and its integral over the analysis range (``integral``),
    when the engine knows the spectrum."""
    if truth is None:
        return None
    from pyfermijobs.estimators.truth import injected_doc
    from pyfermijobs.models.spectra import spectrum_from_fermipy

    name, model, npred = truth
    edges = np.asarray(gta.energies, float)
    position = {k.lower(): float(v) for k, v in model.items() if k.lower() in ("ra", "dec")}
    ra, dec = position["ra"], position["dec"]
    try:
        spectrum = spectrum_from_fermipy(model, "injected source", "source_model")
    except InputError:  # a spectrum the engine does not know: fermipy simulates it, no truth per bin
        doc = {"name": name, "ra": ra, "dec": dec, "npred": npred.tolist()}
        return {**doc, "spectrum": {"SpectrumType": model.get("SpectrumType")}, "flux": None, "norm": None}
    doc = injected_doc(name, ra, dec, spectrum, edges[:-1], edges[1:], bin_index, npred)
    return {**doc, "integral": injected_integral(spectrum, edges)}


class FermipyEngine:
    """fermipy.jobs' per-target sequences on fermipy's ``GTAnalysis`` (the same functions as the builtin engine)."""

    name = FERMIPY

    def __init__(self, tools: Fermitools) -> None:
        self.tools = tools

    def analyze_roi(
        self,
        layout: Layout,
        target: str,
        config_path: Path,
        prefix: str,
        do_find_src: bool,
        make_plots: bool,
    ) -> ROIDataset:
        """AnalyzeROI: baseline fit, ``write_roi``, and the baseline exported to the builtin engine (returned)."""
        gta = open_analysis(self.tools, config_path, layout.target_dir(target))
        result = baseline_fit(gta, do_find_src)
        gta.write_roi(prefix, make_plots=make_plots)
        fit = {"loglike": float(result["loglike"]), "converged": bool(result.get("fit_success", True))}
        return export_baseline(self.tools, gta, layout, target, prefix, free_norm_sources(result), fit)

    def analyze_sed(self, layout: Layout, request: SEDRequest) -> None:
        """AnalyzeSED: per profile (and per random direction) the castro SED against the baseline."""
        target, prefix, sim, skydirs = request.target, request.prefix, request.sim, request.skydirs
        non_null_src = request.non_null_src
        with private_copies(layout.target_dir(target, sim)):
            gta = open_analysis(self.tools, request.config_path, layout.target_dir(target, sim))
            gta.load_roi(prefix)
            synthetic = exported_is_synthetic(layout, target, prefix, sim)
            for profile in request.profiles:
                doc = load_yaml(layout.profile_file(target, profile, sim), "profile file")
                for key in sorted(skydirs) if skydirs is not None else [None]:
                    direction = (None, None) if key is None else (skydirs[key]["ra"], skydirs[key]["dec"])
                    src = source_dict(doc, *direction)
                    pkey = profile if key is None else f"{profile}_{seed_str(key)}"
                    out = (
                        layout.sed_file(target, profile)
                        if key is None
                        else layout.sim_sed_file(sim, target, profile, key)
                    )
                    header = sed_identity(str(doc["name"]), target, profile, sim, key, src["ra"], src["dec"], synthetic)
                    correl = layout.correl_file(target, pkey, sim)
                    test_name = str(doc["name"])
                    sed_of_test_source(
                        gta, test_name, src, out=out, correl=correl, header=header, non_null_src=non_null_src,
                        restore=prefix, reoptimize=non_null_src,
                    )  # fmt: skip

    def simulate(
        self, layout: Layout, target: str, profiles: list[str], prefix: str, work: Realizations, config_path: Path
    ) -> None:
        """SimulateROI: per seed a Poisson realization of the baseline (+ injected source), refit, SEDs.

        The injected source sits at the ROI centre, as in fermipy.jobs (``work.sim_profile`` is the
        builtin engine's way to place it; a point profile is at the centre anyway). A dark-matter
        scenario is read from its per-target file, with the J-factor of ``work.sim_profile``.
        """
        from pyfermijobs.config import sed_settings
        from pyfermijobs.config.analysis import load_template
        from pyfermijobs.config.scenarios import load_scenario
        from pyfermijobs.estimators.truth import truth_doc

        sim, seeds, non_null_src, do_find_src = work.sim, work.seeds, work.non_null_src, work.do_find_src
        injected = load_scenario(layout.scenario_copy(sim))["injected_source"]
        if is_dark_matter(injected):  # what fermipy.jobs' SimulateROI reads: the scenario with this target's J
            injected = load_scenario(write_target_scenario(layout, target, sim, work.sim_profile))["injected_source"]
        bin_index = sed_settings(load_template(config_path), config_path)["bin_index"]

        with private_copies(layout.target_dir(target, sim)):  # simulate_roi rewrites counts in place
            first = seeds.start
            synthetic = exported_is_synthetic(layout, target, prefix, sim)
            clone = clone_config(config_path, layout, target, sim, first)
            try:
                gta = open_analysis(self.tools, clone, layout.target_dir(target, sim))
                gta.load_roi(prefix)
                truth = inject(gta, injected)
                injected_name = truth[0] if truth else None
                baseline = f"sim_baseline_{seed_str(first)}"
                refit = f"sim_refit_{seed_str(first)}"
                gta.write_roi(baseline)
                tests = {p: load_yaml(layout.profile_file(target, p, sim), "profile file") for p in profiles}
                for seed in seeds:
                    refit_realization(gta, seed, baseline, refit, injected_name, do_find_src)
                    for profile, doc in tests.items():
                        src = source_dict(doc)
                        header = sed_identity(
                            str(doc["name"]), target, profile, sim, seed, src["ra"], src["dec"], synthetic,
                            injected=injected_name is not None, nonnull=non_null_src, findsrc=do_find_src,
                        )  # fmt: skip
                        write_yaml(
                            layout.sim_truth_file(sim, target, profile, seed),
                            truth_doc(sim, seed, _injected_truth(truth, gta, bin_index)),
                        )
                        sed_of_test_source(
                            gta,
                            str(doc["name"]),
                            src,
                            out=layout.sim_sed_file(sim, target, profile, seed),
                            correl=layout.correl_file(target, f"{profile}_{seed_str(seed)}", sim),
                            header=header,
                            non_null_src=non_null_src,
                            restore=refit,
                            reoptimize=False,  # the refit is the realization's best model already
                            held=injected_name,
                        )
            finally:
                private = layout.fermipy_file(target, "srcmap", sim).with_name(f"srcmap_{seed_str(first)}_00.fits")
                private.unlink(missing_ok=True)
                clone.unlink(missing_ok=True)
