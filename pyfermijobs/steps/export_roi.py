"""ExportROI: a fermipy baseline ROI as the builtin engine's ROI files (``{prefix}_builtin``).

AnalyzeROI with ``backend: fermipy`` exports its baseline itself; this step does it for a
baseline fermipy or fermipy.jobs wrote before (``{prefix}.npy`` with its counts cube,
exposure and source maps in the target's folder), so that its control studies can run with
``sim_backend: builtin``. It needs Fermitools (to reload the ROI and run gtpsf).
"""

from __future__ import annotations

from pyfermijobs.errors import InputError
from pyfermijobs.steps.common import check_config, for_each, layout_of, read_run_config, target_profiles
from pyfermijobs.steps.typed_options import ExportROIOptions


def run(args: ExportROIOptions) -> None:
    """Export fermipy's baseline of each target to the builtin engine's ROI files (needs Fermitools),
    so hybrid control studies can run on the builtin engine."""
    from pyfermijobs.engines.fermitools import require_fermitools

    layout = layout_of(args)
    run_config = read_run_config(layout)
    tools = require_fermitools(run_config.origin, "backend")
    targets = target_profiles(args, layout)
    prefix = args.roi_baseline
    for target in targets:  # every input checked before any work
        for path in [*layout.fermipy_roi_files(target, prefix)[1:], layout.fermipy_file(target, "ccube")]:
            if not path.exists():
                raise InputError(path, None, "fermipy baseline file not found: run fermipy's AnalyzeROI first")
    from pyfermijobs.engines.fermipy.analysis import export_existing

    paths = {t: check_config(layout, t, None, run_config.config_name) for t in targets}
    for_each(targets, len(targets), "export-roi", lambda t: export_existing(tools, layout, t, prefix, paths[t]))
