"""CopyBaseROI: the baseline ROI copied into a simulation (or random-direction) area.

What is copied depends on the engine of the control studies: the builtin engine's ROI files
(the fit itself, or its export when fermipy fitted the data), and for ``sim_backend:
fermipy`` also fermipy's files (``write_roi`` outputs, counts cube, exposure, source maps),
as fermipy.jobs' CopyBaseROI does.
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

from pyfermijobs.atomic import atomic_path
from pyfermijobs.config.run import FERMIPY, RunConfig
from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import baseline_of, for_each, layout_of, output_area, read_run_config, target_profiles
from pyfermijobs.steps.typed_options import CopyBaseROIOptions

#: fermipy's analysis files a GTAnalysis in the new area reloads (those that exist are copied).
FERMIPY_FILES = ("ccube", "bexpmap", "bexpmap_roi", "srcmap", "ltcube")


def files_to_copy(layout: Layout, run_config: RunConfig, target: str, prefix: str, extracopy: list[str]) -> list[Path]:
    """The baseline files of one target; every one of them must exist.

    ``extracopy`` holds file names or glob patterns (``srcmap_*.fits``) in the target's folder,
    as fermipy.jobs' CopyBaseROI takes them; a pattern that matches nothing is an error.
    """
    engine = run_config.baseline_prefix(prefix)
    files = [layout.roi_file(target, engine), layout.roi_yaml(target, engine)]
    if run_config.sim_backend == FERMIPY:
        files += layout.fermipy_roi_files(target, prefix)
        files += [p for p in (layout.fermipy_file(target, k) for k in FERMIPY_FILES) if p.exists()]
    folder = layout.target_dir(target)
    for pattern in extracopy:
        matches = sorted(p for p in folder.glob(pattern) if p.is_file()) if glob.has_magic(pattern) else []
        if glob.has_magic(pattern) and not matches:
            raise InputError(folder, "--extracopy", f"pattern {pattern!r} matches no file")
        files += matches or [folder / pattern]
    return list(dict.fromkeys(files))


def copy_base_roi(layout: Layout, target: str, sim: str, files: list[Path]) -> None:
    for src in files:
        with atomic_path(layout.target_dir(target, sim) / src.name) as tmp:
            shutil.copyfile(src, tmp)


def run(args: CopyBaseROIOptions) -> None:
    """Copy each target's baseline ROI files (and --extracopy) into a study's area, so its
    realizations start from the fit the data had."""
    layout = layout_of(args)
    run_config = read_run_config(layout)
    sim = run_config.study(args.sim).name
    targets = target_profiles(args, layout, sim)
    prefix = args.roi_baseline
    extracopy = list(args.extracopy or [])
    files = {t: files_to_copy(layout, run_config, t, prefix, extracopy) for t in targets}
    for paths in files.values():
        for path in paths:
            if not path.exists():
                raise InputError(path, None, "not found: run analyze-roi first (or fix --extracopy)")
    for_each(targets, len(targets), "copy-base-roi", lambda t: copy_base_roi(layout, t, sim, files[t]))


def outputs(args: CopyBaseROIOptions) -> list[Path]:
    """What :func:`run` writes for these options: the baseline ROI's files in the study's area."""
    layout, run_config, sim = output_area(args)
    prefix = baseline_of(run_config, args)
    targets = target_profiles(args, layout, sim)
    return [f for t in targets for f in (layout.roi_file(t, prefix, sim), layout.roi_yaml(t, prefix, sim))]
