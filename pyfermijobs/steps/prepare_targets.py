"""PrepareTargets: rosters -> targets x profiles, and the analysis areas on disk (:mod:`pyfermijobs.preparation`)."""

from __future__ import annotations

from pathlib import Path

from pyfermijobs.config.master import MasterConfig, master_from_options
from pyfermijobs.layout import Layout
from pyfermijobs.preparation import prepare_analysis, write_preparation
from pyfermijobs.steps.typed_options import PrepareTargetsOptions
from pyfermijobs.yamlio import load_yaml


def prepare_targets(master: MasterConfig, outdir: Path | str = ".", overwrite: bool = False) -> Layout:
    """PrepareTargets: prepare (reading and checking every input), then write."""
    return write_preparation(prepare_analysis(master), Path(outdir), overwrite)


def run(args: PrepareTargetsOptions) -> None:
    """CLI / API entry: ``args`` holds the options given (absolute paths)."""
    master = master_from_options(args)
    layout = prepare_targets(master, args.outdir, bool(args.overwrite))
    targets = load_yaml(layout.target_list(), "target list")
    nprof = sum(len(p) for p in targets.values())
    studies = [*master.sims, *(["random"] if master.random else [])]
    print(
        f"prepared {len(targets)} targets, {nprof} target profiles, "
        f"control studies: {', '.join(studies) or 'none'}; target list: {layout.target_list()}"
    )
