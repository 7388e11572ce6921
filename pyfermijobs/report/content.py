"""What the report shows, gathered from the run's files: plain data, no markup.

:func:`gather` reads the prepared configuration, the SEDs, the baseline fits and the control
studies' summaries, and records everything missing as a failure; :mod:`pyfermijobs.report.html`
renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.config.run import RunConfig, Study
from pyfermijobs.errors import InputError
from pyfermijobs.labels import is_synthetic
from pyfermijobs.layout import RANDOM_SIM, ROI_PLOTS, Layout
from pyfermijobs.yamlio import load_yaml


@dataclass
class TargetResult:
    """The data SED of one target x profile."""

    target: str
    profile: str
    ra: float
    dec: float
    ts: float | None  # None: the SED is missing
    plots: list[tuple[Path, str]]


@dataclass
class RoiFit:
    """A target's baseline fit: summary rows, its brightest point sources, diagnostic plots."""

    target: str
    found: bool
    summary: list[tuple[str, str]] = field(default_factory=list)
    #: name, TS, offset, free, flux and its error over the analysis range (ph cm-2 s-1; NaN: none)
    sources: list[tuple[str, float, float, str, float, float]] = field(default_factory=list)
    plots: list[tuple[Path, str]] = field(default_factory=list)


@dataclass
class ControlResult:
    """One control study x target x profile: the realizations collected and its calibration plot."""

    study: str
    kind: str
    target: str
    profile: str
    collected: bool
    used: str
    nmissing: int
    missing_seeds: str
    plot: Path | None


@dataclass
class ReportContent:
    config: RunConfig
    studies: list[tuple[str, str, Study]]  # name, kind, study
    targets: list[TargetResult]
    rois: list[RoiFit]
    controls: list[ControlResult]
    failures: list[str]
    synthetic: bool
    darkmatter: list[DMResult] = field(default_factory=list)


@dataclass
class DMResult:
    """One roster x prior of the dark-matter stage: the data's limits beside the expected ones."""

    roster: str
    prior: str
    #: channel -> rows (mass, data limit, TS, {control study: (median, q16, q84) of its limit}); the
    #: limit is the 95% UL on <sigma v>, or for a decay channel the 95% lower limit on the lifetime
    rows: dict[str, list[tuple[float, float, float, dict[str, tuple[float, float, float]]]]]
    plots: list[tuple[Path, str]]
    #: channel -> (masses, {target or composite_<roster>: 95% UL}) as in the release-layout file
    per_target: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]] = field(default_factory=dict)
    #: channel -> (name, masses, limits) of the published combined limit, when a reference was given
    published: dict[str, tuple[str, np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: channel -> what its limit is ("95% UL" on <sigma v>, "95% LL on tau")
    labels: dict[str, str] = field(default_factory=dict)


def darkmatter_results(layout: Layout, run_config: RunConfig, failures: list[str]) -> list[DMResult]:
    """The stage's stacked results per roster x prior (empty when the stage is off)."""
    from pyfermijobs.io.dm_fits import read_limits, read_limits_summary
    from pyfermijobs.io.release_limits import read_release_limits
    from pyfermijobs.yamlio import load_yaml

    dm = run_config.darkmatter
    if dm is None:
        return []
    out = []
    for roster in load_yaml(layout.roster_list(), "roster list") or {}:
        for prior in dm.priors:
            path = layout.stacked_limits_file(roster, prior)
            if not path.exists():
                failures.append(f"dark matter {roster} {prior}: stacked limits missing ({path})")
                continue
            data, _ = read_limits(path)
            summaries = {}
            for name, study in run_config.studies.items():
                summary = layout.stacked_summary_file(name, roster, prior, study.seed, study.last)
                if summary.exists():
                    summaries[name] = read_limits_summary(summary)[0]
                else:
                    failures.append(f"dark matter {roster} {prior} {name}: limits summary missing ({summary})")
            rows, labels = {}, {}
            for channel in dm.plot_channels:
                i = data.channels.index(channel)
                limit, labels[channel] = data.limit95(channel)
                column = "tau_ll95" if data.decay[i] else "ul95"  # decay: lower limits on the lifetime
                rows[channel] = [
                    (
                        float(m),
                        float(limit[j]),
                        float(data.ts[i, j]),
                        {
                            n: tuple(float(s[f"{column}_{q}"][i][j]) for q in ("median", "q16", "q84"))
                            for n, s in summaries.items()
                        },
                    )
                    for j, m in enumerate(data.masses)
                ]
            kinds = {"finallimits": "data over expected limits", "stackedlimits": "stacked limits"}
            plots = [
                (layout.stacked_plot(roster, prior, kind, c), f"{what}, {roster} {prior} {c}")
                for kind, what in kinds.items()
                for c in dm.plot_channels
            ]
            plots += [
                (layout.stacked_plot(roster, prior, "controllimits", c, n), f"expected limits of {n}, {c}")
                for n in run_config.studies
                for c in dm.plot_channels
            ]
            per_target, published = {}, {}
            for channel in dm.plot_channels:
                path = layout.release_limits_file(roster, prior, channel)
                if path.exists():
                    per_target[channel] = read_release_limits(path)
                reference = dm.reference_file(channel)
                if reference is not None:
                    masses, columns = read_release_limits(reference)
                    name = list(columns)[-1]
                    published[channel] = (name, masses, columns[name])
            found = [(p, alt) for p, alt in plots if p.exists()]
            out.append(DMResult(roster, prior, rows, found, per_target, published, labels))
    return out


def study_kind(name: str, study: Study) -> str:
    return "random directions" if name == RANDOM_SIM else ("injected" if study.injected else "null")


def study_options(name: str, study: Study) -> str:
    """The options a control study's tasks ran with, in the master file's words."""
    if name == RANDOM_SIM:
        return f"profile: {study.profile or 'every profile'}"
    profile = study.profile or "the target's only profile"
    return f"non_null_src: {study.non_null_src}, do_find_src: {study.do_find_src}, profile: {profile}"


def _sed_header(path: Path) -> dict[str, Any] | None:
    from pyfermijobs.io.sed_fits import read_sed

    if not path.exists():
        return None
    try:
        return read_sed(path)[1]
    except InputError:
        return None


def roi_fit(layout: Layout, target: str) -> RoiFit:
    from pyfermijobs.datasets.roi import POSITIONED

    path = layout.roi_yaml(target)
    if not path.exists():  # fermipy fitted the data: its baseline as exported to the builtin engine
        path = layout.roi_yaml(target, layout.exported_prefix("fit_baseline"))
    if not path.exists():
        return RoiFit(target, False)
    doc = load_yaml(path, "baseline ROI description") or {}
    fit = doc.get("fit") or {}
    summary = [
        ("log-likelihood", f"{fit.get('loglike', float('nan')):.2f}"),
        ("counts / model counts", f"{fit.get('counts', 0)} / {fit.get('npred', 0.0):.1f}"),
        ("free parameters", str(len(fit.get("free_parameters") or {}))),
        ("converged", str(fit.get("converged"))),
        ("sources found (--do_find_src)", ", ".join(fit.get("found_sources") or []) or "none"),
    ]
    points = sorted(
        (s for s in doc.get("sources") or [] if s.get("kind") in POSITIONED), key=lambda s: -float(s.get("ts", 0.0))
    )
    sources = [
        (
            str(s["name"]),
            float(s.get("ts", 0.0)),
            float(s.get("offset", 0.0)),
            ", ".join(s.get("free") or []) or "fixed",
            float(s.get("flux", float("nan"))),
            float(s.get("flux_err", float("nan"))),
        )
        for s in points[:15]
    ]
    plots = [(layout.roi_plot(target, kind), f"{label} of {target}") for kind, label in ROI_PLOTS.items()]
    return RoiFit(target, True, summary, sources, [(p, a) for p, a in plots if p.exists()])


def control_result(layout: Layout, name: str, study: Study, target: str, profile: str) -> ControlResult:
    from pyfermijobs.io.collected_fits import read_table

    first, last = study.seed, study.last
    summary = layout.summary_file(name, target, profile, first, last)
    plot = None
    if name != RANDOM_SIM:
        plot = (layout.recovery_plot if study.injected else layout.ts_plot)(name, target, profile, first, last)
    kind = study_kind(name, study)
    if not summary.exists():
        return ControlResult(name, kind, target, profile, False, "not collected", 0, "", plot)
    _, head = read_table(summary, "SED_SUMMARY")
    used = f"{head['NREAL']} of {last - first + 1}"
    nmissing = int(head.get("NMISSING") or 0)
    return ControlResult(name, kind, target, profile, True, used, nmissing, str(head.get("MISSING", "")), plot)


def gather(layout: Layout) -> ReportContent:
    """Everything the report shows; whatever is missing becomes a failure line."""
    run_config = RunConfig.read(layout)
    failures: list[str] = []
    synthetic = False
    targets = []
    for target, info in run_config.targets.items():
        for profile in info["profiles"]:
            header = _sed_header(layout.sed_file(target, profile))
            if header is None:
                failures.append(f"{target} {profile}: data SED missing ({layout.sed_file(target, profile)})")
            else:
                synthetic = synthetic or is_synthetic(header)
            plots = [
                (layout.castro_plot(target, profile), f"castro plot of {target} {profile}"),
                (layout.bands_plot(target, profile), f"expected bands of {target} {profile}"),
            ]
            ts = None if header is None else float(header.get("TS", 0.0))
            targets.append(TargetResult(target, profile, info["ra"], info["dec"], ts, plots))
    rois = [roi_fit(layout, target) for target in run_config.targets]
    controls = []
    for name, study in run_config.studies.items():
        for target, profiles in study.profiles.items():
            for profile in profiles:
                result = control_result(layout, name, study, target, profile)
                if not result.collected:
                    summary = layout.summary_file(name, target, profile, study.seed, study.last)
                    failures.append(f"{name} {target} {profile}: summary missing ({summary})")
                elif result.nmissing:
                    failures.append(f"{name} {target} {profile}: {result.nmissing} realizations missing")
                controls.append(result)
    studies = [(n, study_kind(n, s), s) for n, s in run_config.studies.items()]
    darkmatter = darkmatter_results(layout, run_config, failures)
    return ReportContent(run_config, studies, targets, rois, controls, failures, synthetic, darkmatter)
