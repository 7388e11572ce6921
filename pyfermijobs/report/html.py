"""The run's report: one self-contained HTML page (images embedded), openable from disk.

Everything that comes from user files (target and profile names, scenario names, paths,
failure messages) is escaped: a target called ``<script>`` is shown, not run.
"""

from __future__ import annotations

import base64
import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

from pyfermijobs import __version__
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.yamlio import load_yaml

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; } td, th { border: 1px solid #ddd; padding: 4px 8px; }
th { background: #f3f3f3; text-align: left; } img { max-width: 560px; display: block; }
.synthetic { background: #fff3cd; border: 1px solid #e0b000; padding: 0.6em 1em; margin: 1em 0; }
.failed { color: #a00000; } .ok { color: #207020; } .small { color: #666; font-size: 0.9em; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; }
"""


def _img(path: Path, alt: str) -> str:
    if not path.exists():
        return f'<p class="small">({escape(alt)}: not produced)</p>'
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _sed_header(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    from pyfermijobs.errors import InputError
    from pyfermijobs.io.sed_fits import read_sed

    try:
        return read_sed(path)[1]
    except InputError:
        return None


ROI_PLOTS = (
    ("counts", "counts map"),
    ("model", "model map"),
    ("residmap", "residual significance"),
    ("tsmap", "TS map"),
    ("spectrum", "counts spectrum"),
)


def _roi_section(layout: Layout, target: str) -> str:
    """A target's baseline fit: summary, source TS values, found sources, diagnostic plots."""
    path = layout.roi_yaml(target)
    if not path.exists():  # fermipy fitted the data: its baseline as exported to the builtin engine
        path = layout.roi_yaml(target, layout.exported_prefix("fit_baseline"))
    if not path.exists():
        return f"<h3>{escape(target)}</h3><p class='failed'>baseline fit missing</p>"
    doc = load_yaml(path, "baseline ROI description") or {}
    fit = doc.get("fit") or {}
    free = fit.get("free_parameters") or {}
    rows = [
        ["log-likelihood", f"{fit.get('loglike', float('nan')):.2f}"],
        ["counts / model counts", f"{fit.get('counts', 0)} / {fit.get('npred', 0.0):.1f}"],
        ["free parameters", str(len(free))],
        ["converged", escape(str(fit.get("converged")))],
        ["sources found (--do_find_src)", escape(", ".join(fit.get("found_sources") or []) or "none")],
    ]
    sources = sorted(
        (s for s in doc.get("sources") or [] if s.get("kind") == "point"), key=lambda s: -float(s.get("ts", 0.0))
    )
    source_rows = [
        [
            escape(s["name"]),
            f"{float(s.get('ts', 0.0)):.1f}",
            f"{float(s.get('offset', 0.0)):.2f}",
            escape(", ".join(s.get("free") or []) or "fixed"),
        ]
        for s in sources[:15]
    ]
    plots = "".join(
        _img(layout.roi_plot(target, kind), f"{label} of {target}")
        for kind, label in ROI_PLOTS
        if layout.roi_plot(target, kind).exists()
    )
    return (
        f"<h3>{escape(target)}</h3>"
        + _table(["fit", "value"], rows)
        + _table(["source (15 highest TS)", "TS", "offset (deg)", "free"], source_rows)
        + (f"<div class='plots'>{plots}</div>" if plots else "")
    )


def _study_options(name: str, study: Any) -> str:
    """The options a control study's tasks ran with, in the master file's words."""
    if name == RANDOM_SIM:
        return f"profile: {study.profile or 'every profile'}"
    profile = study.profile or "the target's only profile"
    return f"non_null_src: {study.non_null_src}, do_find_src: {study.do_find_src}, profile: {profile}"


def build_report(layout: Layout) -> Path:
    """Write ``report.html`` at the top of the output folder; returns its path."""
    from pyfermijobs.config.run import RunConfig

    config = RunConfig.read(layout)
    failures: list[str] = []
    synthetic = False
    studies = config.studies

    target_rows, target_blocks, roi_blocks = [], [], []
    for target, info in config.targets.items():
        roi_blocks.append(_roi_section(layout, target))
        for profile in info["profiles"]:
            header = _sed_header(layout.sed_file(target, profile))
            if header is None:
                failures.append(f"{target} {profile}: data SED missing ({layout.sed_file(target, profile)})")
                ts = '<span class="failed">missing</span>'
            else:
                synthetic = synthetic or bool(header.get("SYNTHET"))
                ts = f"{float(header.get('TS', 0.0)):.2f}"
            target_rows.append([escape(target), escape(profile), f"{info['ra']:.4f}", f"{info['dec']:.4f}", ts])
            target_blocks.append(
                f"<h3>{escape(target)} &mdash; {escape(profile)}</h3><div class='plots'>"
                + _img(layout.castro_plot(target, profile), f"castro plot of {target} {profile}")
                + _img(layout.bands_plot(target, profile), f"expected bands of {target} {profile}")
                + "</div>"
            )

    control_rows, control_blocks = [], []
    for name, study in studies.items():
        first, last = study.seed, study.last
        for target, profiles in study.profiles.items():
            for profile in profiles:
                summary = layout.summary_file(name, target, profile, first, last)
                if summary.exists():
                    from pyfermijobs.estimators.collect import read_table

                    _, head = read_table(summary, "SED_SUMMARY")
                    used = f"{head['NREAL']} of {last - first + 1}"
                    if head.get("NMISSING"):
                        missing = escape(str(head.get("MISSING", "")))
                        used += f' <span class="failed">({head["NMISSING"]} missing: {missing})</span>'
                        failures.append(f"{name} {target} {profile}: {head['NMISSING']} realizations missing")
                else:
                    used = '<span class="failed">not collected</span>'
                    failures.append(f"{name} {target} {profile}: summary missing ({summary})")
                kind = "random directions" if name == RANDOM_SIM else ("injected" if study.injected else "null")
                control_rows.append([escape(name), escape(kind), escape(target), escape(profile), used])
                if name != RANDOM_SIM:
                    plot = (layout.recovery_plot if study.injected else layout.ts_plot)(
                        name, target, profile, first, last
                    )
                    control_blocks.append(
                        f"<h3>{escape(name)}: {escape(target)} &mdash; {escape(profile)}</h3>"
                        + _img(plot, f"calibration of {name} {target} {profile}")
                    )

    sims_rows = [
        [
            escape(n),
            "random directions" if n == RANDOM_SIM else ("injected" if s.injected else "null"),
            str(s.nsims),
            f"{s.seed}&ndash;{s.last}",
            str(s.nsims_job),
            escape(_study_options(n, s)),
        ]
        for n, s in studies.items()
    ]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>pyfermijobs report: {escape(config.ttype)}</title><style>{CSS}</style></head><body>",
        f"<h1>pyfermijobs report: {escape(config.ttype)}</h1>",
        f"<p class='small'>pyfermijobs {escape(__version__)}, backend {escape(config.backend)} "
        f"(control studies: {escape(config.sim_backend)}), "
        f"written {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}</p>",
    ]
    if synthetic:
        parts.append(
            "<div class='synthetic'><b>SYNTHETIC DATA.</b> These results come from pyfermijobs' "
            "LAT-like synthetic sky (4FGL-DR4 sources, LAT-like response), not from LAT observations.</div>"
        )
    parts += [
        "<h2>Configuration</h2>",
        _table(
            ["setting", "value"],
            [
                ["target type", escape(config.ttype)],
                ["targets", str(len(config.targets))],
                ["spatial models", escape(", ".join(config.spatial_models))],
                ["master configuration", escape(str(config.master))],
                ["analysis template", escape(str(config.doc.get("inputs", {}).get("config_template")))],
            ],
        ),
        _table(["control study", "kind", "realizations", "seeds", "per task", "options"], sims_rows)
        if sims_rows
        else "",
        "<h2>Targets</h2>",
        _table(["target", "profile", "RA (deg)", "Dec (deg)", "TS"], target_rows),
        *target_blocks,
        "<h2>ROI fits</h2>",
        *roi_blocks,
        "<h2>Control studies</h2>",
        _table(["study", "kind", "target", "profile", "realizations used"], control_rows)
        if control_rows
        else "<p>none configured</p>",
        *control_blocks,
        "<h2>Failures</h2>",
        ("<ul>" + "".join(f"<li class='failed'>{escape(f)}</li>" for f in failures) + "</ul>")
        if failures
        else "<p class='ok'>none</p>",
        "</body></html>",
    ]
    from pyfermijobs.yamlio import atomic_write

    with atomic_write(layout.report()) as handle:
        handle.write("\n".join(parts))
    return layout.report()
