"""AnalyzeROI: the baseline fit of each target's ROI (``fit_baseline.{fits,yaml}``), by the data's engine."""

from __future__ import annotations

from typing import Any

from pyfermijobs.backends import FERMIPY, engine_for
from pyfermijobs.config.analysis import load_template, target_direction
from pyfermijobs.steps.common import analysed_profiles, for_each, layout_of, read_run_config, target_config_path


def run(args: dict[str, Any]) -> None:
    layout = layout_of(args)
    config = read_run_config(layout)
    engine = engine_for(config, None)
    targets = analysed_profiles(args, layout, config)
    paths = {t: target_config_path(layout, t, None, args, config) for t in targets}
    for path in paths.values():  # every input checked before any work
        template = load_template(path)
        target_direction(template, path)
        if engine.name == FERMIPY:
            from pyfermijobs.backends.fermipy.inputs import check_fermipy_template

            check_fermipy_template(template, path, check_files=True)
    prefix = args["roi_baseline"]

    def one_target(target: str) -> None:
        roi = engine.analyze_roi(layout, target, paths[target], prefix, args["do_find_src"], args["make_plots"])
        if args["make_plots"]:  # the fermipy engine's baseline as exported to the builtin engine
            from pyfermijobs.plotting.diagnostics import roi_diagnostics

            roi_diagnostics(layout, target, roi, prefix, args["pdf"])

    for_each(targets, len(targets), f"analyze-roi ({engine.name})", one_target)
