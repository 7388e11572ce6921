"""CopyBaseROI: the baseline ROI copied into a simulation (or random-direction) area."""

from __future__ import annotations

import shutil
from typing import Any

from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import for_each, layout_of, require_sim, run_config, target_profiles
from pyfermijobs.yamlio import atomic_path


def copy_base_roi(layout: Layout, target: str, sim: str, prefix: str, extracopy: list[str]) -> None:
    sources = [layout.roi_file(target, prefix), layout.roi_yaml(target, prefix)]
    sources += [layout.target_dir(target) / name for name in extracopy]
    for src in sources:
        with atomic_path(layout.target_dir(target, sim) / src.name) as tmp:
            shutil.copyfile(src, tmp)


def run(args: dict[str, Any]) -> None:
    layout = layout_of(args)
    sim = require_sim(args, run_config(layout))
    targets = target_profiles(args, layout, sim)
    prefix = args.get("roi_baseline") or "fit_baseline"
    extracopy = list(args.get("extracopy") or [])
    for target in targets:
        for path in [
            layout.roi_file(target, prefix),
            layout.roi_yaml(target, prefix),
            *(layout.target_dir(target) / n for n in extracopy),
        ]:
            if not path.exists():
                raise InputError(path, None, "not found: run analyze-roi first (or fix --extracopy)")
    for_each(targets, len(targets), "copy-base-roi", lambda t: copy_base_roi(layout, t, sim, prefix, extracopy))
