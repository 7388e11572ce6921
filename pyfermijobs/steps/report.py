"""Report: the HTML page that gathers the run's results."""

from __future__ import annotations

from pathlib import Path

from pyfermijobs.steps.common import layout_of
from pyfermijobs.steps.typed_options import ReportOptions


def run(args: ReportOptions) -> None:
    """Write the run's HTML report (and say where it is); ``dag`` links the pipeline's DAG."""
    from pyfermijobs.report.html import build_report

    path = build_report(layout_of(args), args.dag)
    print(f"report: {path}")


def outputs(args: ReportOptions) -> list[Path]:
    """What :func:`run` writes: the report."""
    return [layout_of(args).report()]
