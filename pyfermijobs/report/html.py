"""The run's report: one self-contained HTML page (images embedded), openable from disk.

Renders what :func:`pyfermijobs.report.content.gather` collected. Everything that comes from
user files (target and profile names, scenario names, paths, failure messages) is escaped: a
target called ``<script>`` is shown, not run.
"""

from __future__ import annotations

import base64
import datetime as dt
from html import escape
from pathlib import Path

import numpy as np

from pyfermijobs import __version__
from pyfermijobs.layout import Layout
from pyfermijobs.report.content import DMResult, ReportContent, RoiFit, gather, study_options

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; } td, th { border: 1px solid #ddd; padding: 4px 8px; }
th { background: #f3f3f3; text-align: left; }
img { max-width: 560px; height: auto; display: block; }
.synthetic { background: #fff3cd; border: 1px solid #e0b000; padding: 0.6em 1em; margin: 1em 0; }
.failed { color: #a00000; } .ok { color: #207020; } .small { color: #666; font-size: 0.9em; }
/* flex items stretch to the row's height by default: that squeezed the wide residual plots */
.plots { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
"""
SYNTHETIC_NOTE = (
    "<div class='synthetic'><b>SYNTHETIC DATA.</b> These results come from pyfermijobs' "
    "LAT-like synthetic sky (4FGL-DR4 sources, LAT-like response), not from LAT observations.</div>"
)


def _img(path: Path, alt: str) -> str:
    if not path.exists():
        return f'<p class="small">({escape(alt)}: not produced)</p>'
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A table; cells are markup (escape user text before)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _failed(text: str) -> str:
    return f'<span class="failed">{escape(text)}</span>'


def _roi_section(fit: RoiFit) -> str:
    if not fit.found:
        return f"<h3>{escape(fit.target)}</h3><p class='failed'>baseline fit missing</p>"
    sources = [
        [escape(n), f"{ts:.1f}", f"{off:.2f}", escape(free), _flux(flux, err)]
        for n, ts, off, free, flux, err in fit.sources
    ]
    plots = "".join(_img(path, alt) for path, alt in fit.plots)
    return (
        f"<div class='roi-fit'><h3>{escape(fit.target)}</h3>"
        + _table(["fit", "value"], [[escape(k), escape(v)] for k, v in fit.summary])
        + _table(["source (15 highest TS)", "TS", "offset (deg)", "free", "flux (ph cm-2 s-1)"], sources)
        + (f"<div class='plots'>{plots}</div>" if plots else "")
        + "</div>"
    )


def _flux(value: float, error: float) -> str:
    """A fitted flux with its error (a fixed source's without)."""
    if not np.isfinite(value):
        return ""
    return f"{value:.3g}" + (f" &plusmn; {error:.2g}" if np.isfinite(error) else " (fixed)")


def _dm_section(result: DMResult) -> str:
    """Per channel: the data's stacked 95% limit and TS per mass, beside each control study's expected one."""
    blocks = [f"<h3>{escape(result.roster)} &mdash; J-factor prior {escape(result.prior)}</h3>"]
    for channel, rows in result.rows.items():
        studies = list(rows[0][3]) if rows else []
        label = result.labels.get(channel, "95% UL")
        unit = "s" if "tau" in label else "cm3 s-1"
        header = ["mass (GeV)", f"{label} ({unit})", "TS", *(f"{s}: expected {label} [68%]" for s in studies)]
        cells = [
            [f"{m:.3g}", f"{ul:.3g}", f"{ts:.2f}", *(f"{v[0]:.3g} [{v[1]:.3g}, {v[2]:.3g}]" for v in exp.values())]
            for m, ul, ts, exp in rows
        ]
        blocks.append(f"<p>channel {escape(channel)}</p>" + _table(header, cells))
        if channel in result.published:
            name, masses, values = result.published[channel]
            ours = {round(float(m), 3): float(v) for m, v, _, _ in rows}
            compared = [
                [f"{m:.4g}", f"{v:.3g}", f"{ours[round(float(m), 3)]:.3g}", f"{ours[round(float(m), 3)] / v:.3f}"]
                for m, v in zip(masses, values, strict=True)
                if round(float(m), 3) in ours and v > 0
            ]
            if compared:
                blocks.append(
                    f"<p>combined limit beside the published one ({escape(name)}), channel {escape(channel)}</p>"
                    + _table(["mass (GeV)", f"published {label}", "this run", "ratio"], compared)
                )
    for channel, (masses, columns) in result.per_target.items():
        picks = np.unique(np.linspace(0, len(masses) - 1, min(len(masses), 6)).round().astype(int))
        header = ["target", *(f"{masses[k]:.4g} GeV" for k in picks)]
        cells = [[escape(name), *(f"{values[k]:.3g}" for k in picks)] for name, values in columns.items()]
        what = (
            "95% lower limits on the lifetime per target (s, each profiled over its own D)"
            if "tau" in result.labels.get(channel, "")
            else "95% upper limits per target (cm3 s-1, each profiled over its own J)"
        )
        blocks.append(f"<p>{what}, channel {escape(channel)}</p>" + _table(header, cells))
    if result.plots:
        blocks.append("<div class='plots'>" + "".join(_img(p, alt) for p, alt in result.plots) + "</div>")
    return "".join(blocks)


def render(content: ReportContent, dag: str | None = None) -> str:
    """The page, as one string: a header, then one section per part of the analysis."""
    parts = [
        _header(content, dag),
        _configuration_section(content),
        _targets_section(content),
        "<h2>ROI fits</h2>",
        *(_roi_section(fit) for fit in content.rois),
        _controls_section(content),
        *(["<h2>Dark matter</h2>", *(_dm_section(r) for r in content.darkmatter)] if content.config.darkmatter else []),
        "<h2>Failures</h2>",
        ("<ul>" + "".join(f"<li class='failed'>{escape(f)}</li>" for f in content.failures) + "</ul>")
        if content.failures
        else "<p class='ok'>none</p>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _header(content: ReportContent, dag: str | None) -> str:
    """The page's head, title, versions, the synthetic-data banner and the link to the run's DAG."""
    config = content.config
    written = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>pyfermijobs report: {escape(config.ttype)}</title><style>{CSS}</style></head><body>",
        f"<h1>pyfermijobs report: {escape(config.ttype)}</h1>",
        f"<p class='small'>pyfermijobs {escape(__version__)}, backend {escape(config.backend)} "
        f"(control studies: {escape(config.sim_backend)}), written {written}; "
        "how to cite the tools, data and papers these results rest on: CITATIONS.md in pyfermijobs</p>",
        SYNTHETIC_NOTE if content.synthetic else "",
        f"<p class='small'>the pipeline: <a href='{escape(dag)}'>its DAG</a> (processes and channels of this "
        "Nextflow run), and beside it in pipeline_info/ the execution report, timeline and trace</p>"
        if dag
        else "",
    ]
    return "\n".join(p for p in parts if p)


def _configuration_section(content: ReportContent) -> str:
    """What was analysed and how: the settings and each control study."""
    config = content.config
    settings = [
        ["target type", escape(config.ttype)],
        ["targets", str(len(config.targets))],
        ["spatial models", escape(", ".join(config.spatial_models))],
        ["master configuration", escape(str(config.master))],
        ["analysis template", escape(str(config.config_template))],
    ]
    studies = [
        [escape(n), kind, str(s.nsims), f"{s.seed}&ndash;{s.last}", str(s.nsims_job), escape(study_options(n, s))]
        for n, kind, s in content.studies
    ]
    parts = ["<h2>Configuration</h2>", _table(["setting", "value"], settings)]
    if studies:
        parts.append(_table(["control study", "kind", "realizations", "seeds", "per task", "options"], studies))
    return "\n".join(parts)


def _targets_section(content: ReportContent) -> str:
    """Each target x profile's TS (a missing SED marked failed), then its plots."""
    rows = [
        [
            escape(t.target),
            escape(t.profile),
            f"{t.ra:.4f}",
            f"{t.dec:.4f}",
            _failed("missing") if t.ts is None else f"{t.ts:.2f}",
        ]
        for t in content.targets
    ]
    blocks = [
        f"<h3>{escape(t.target)} &mdash; {escape(t.profile)}</h3><div class='plots'>"
        + "".join(_img(path, alt) for path, alt in t.plots)
        + "</div>"
        for t in content.targets
    ]
    return "\n".join(["<h2>Targets</h2>", _table(["target", "profile", "RA (deg)", "Dec (deg)", "TS"], rows), *blocks])


def _controls_section(content: ReportContent) -> str:
    """Each control study's realizations used (missing ones marked failed), then its calibration plots."""
    rows = [
        [
            escape(c.study),
            escape(c.kind),
            escape(c.target),
            escape(c.profile),
            (escape(c.used) + (f" {_failed(f'({c.nmissing} missing: {c.missing_seeds})')}" if c.nmissing else ""))
            if c.collected
            else _failed(c.used),
        ]
        for c in content.controls
    ]
    blocks = [
        f"<h3>{escape(c.study)}: {escape(c.target)} &mdash; {escape(c.profile)}</h3>"
        + _img(c.plot, f"calibration of {c.study} {c.target} {c.profile}")
        for c in content.controls
        if c.plot is not None
    ]
    table = (
        _table(["study", "kind", "target", "profile", "realizations used"], rows) if rows else "<p>none configured</p>"
    )
    return "\n".join(["<h2>Control studies</h2>", table, *blocks])


def build_report(layout: Layout, dag: str | None = None) -> Path:
    """Write ``report.html`` at the top of the output folder; returns its path. ``dag``: the
    pipeline's DAG file relative to that folder (written when the run ends), linked."""
    from pyfermijobs.atomic import atomic_write

    with atomic_write(layout.report()) as handle:
        handle.write(render(gather(layout), dag))
    return layout.report()
