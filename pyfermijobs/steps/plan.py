"""Plan: the units of work of a prepared analysis, as JSON for the Nextflow pipeline.

The pipeline's channels are built from this: targets and their profiles, and for each
control study its seed range cut into chunks of ``nsims_job`` (0: one chunk), the profiles
it analyses per target and the options its tasks run with (``non_null_src``, ``do_find_src``,
the simulated profile). Chunking and options live here, next to the configuration they come
from, not in Groovy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pyfermijobs.config.master import DM_PLOT_TYPES
from pyfermijobs.config.run import RunConfig, Study
from pyfermijobs.layout import Layout
from pyfermijobs.steps.common import layout_of, read_run_config
from pyfermijobs.steps.typed_options import PlanOptions


def study_plan(run_config: RunConfig, study: Study) -> dict[str, Any]:
    """One control study's work: seeds, chunks, per-target profiles and the options of its tasks."""
    return {
        "injected": study.injected,
        "first": study.seed,
        "last": study.last,
        "nsims": study.nsims,
        "chunks": study.chunks(),
        "engine": run_config.engine(study.name),
        "npairs": sum(len(p) for p in study.profiles.values()),
        "options": {"non_null_src": study.non_null_src, "do_find_src": study.do_find_src},
        "targets": {
            target: {
                "profiles": profiles,
                # the injected source's profile; unused by a null scenario
                "sim_profile": run_config.sim_profile(study, target) if study.injected else None,
            }
            for target, profiles in study.profiles.items()
        },
    }


def work_plan(run_config: RunConfig) -> dict[str, Any]:
    """The units of work of a prepared run: targets, studies (seed chunks, options), plots."""
    return {
        "ttype": run_config.ttype,
        "backend": run_config.backend,
        "sim_backend": run_config.sim_backend,
        # targets whose ROI is analysed, and targets whose SED was read from a file (dark-matter stage only)
        "targets": [{"target": t, "profiles": info["profiles"]} for t, info in run_config.analysed_targets.items()],
        "external": [
            {"target": t, "profiles": info["profiles"]}
            for t, info in run_config.targets.items()
            if t not in run_config.analysed_targets
        ],
        # converted together in one task (each takes well under a second): the list it reads
        "external_list": str(layout_path(run_config).external_list().relative_to(layout_path(run_config).basedir)),
        "sims": {name: study_plan(run_config, s) for name, s in run_config.sims.items()},
        "random": study_plan(run_config, run_config.random) if run_config.random else None,
        "plots": {
            section: list(run_config.plots(section)) for section in ("data_plotting", "sim_plotting", "rand_plotting")
        },
        # the dark-matter stage (None: off) and its plots per section, in the order they are made
        "darkmatter": {
            "priors": list(run_config.darkmatter.priors),
            "plots": {
                section: [p for p in run_config.plots(section) if p in DM_PLOT_TYPES[section]]
                for section in ("data_plotting", "sim_plotting", "rand_plotting")
            },
        }
        if run_config.darkmatter
        else None,
        # what the pipeline's plot processes ask: decided here, not by plot names in Groovy
        "make": {
            "plot_roi": "plot-roi" in run_config.plots("data_plotting"),
            "plot_castro": "plot-castro" in run_config.plots("data_plotting"),
            "plot_calibration": "plot-calibration" in run_config.plots("sim_plotting"),
            "plot_bands": "plot-bands" in run_config.plots("sim_plotting") + run_config.plots("rand_plotting"),
        },
    }


def layout_path(run_config: RunConfig) -> Layout:
    """The prepared layout's paths, relative to its output folder (as a pipeline task sees them)."""
    return Layout(Path("."), run_config.ttype)


def run(args: PlanOptions) -> None:
    """Print the prepared analysis's units of work as JSON: the Nextflow pipeline's channels
    are built from it, so Python and Groovy agree on what runs."""
    if not args.ttype:  # the one prepared analysis in --outdir
        found = sorted(Path(args.outdir).glob("*/pipeline_config.yaml"))
        if len(found) == 1:
            args = args.replace(ttype=found[0].parent.name)
    print(json.dumps(work_plan(read_run_config(layout_of(args))), indent=1))
