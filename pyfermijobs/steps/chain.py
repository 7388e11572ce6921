"""The whole analysis as one local loop: the fermipy.jobs guide's pseudo-code, step after step.

What a user without Nextflow can run on a laptop: every step over the whole target list, in
the guide's order. The Nextflow pipeline runs the same steps, per target and per seed chunk,
in parallel.
"""

from __future__ import annotations

from typing import Any

from pyfermijobs.config.master import master_from_options
from pyfermijobs.config.run import RunConfig
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps import STEPS


def run(args: dict[str, Any]) -> None:
    STEPS["prepare-targets"].runner()(args)
    outdir = args["outdir"]
    layout = Layout(outdir, master_from_options(args).ttype)
    config = RunConfig.read(layout)
    where = {"ttype": config.ttype, "outdir": outdir}

    def step(name: str, **extra: Any) -> None:
        spec = STEPS[name]
        spec.runner()(spec.arguments({**where, **extra}))

    data_list = str(layout.target_list())
    step("analyze-roi", targetlist=data_list, make_plots="plot-roi" in config.plots("data_plotting"))
    step("analyze-sed", targetlist=data_list, make_plots="plot-castro" in config.plots("data_plotting"))
    for sim in config.sims:
        sim_list = str(layout.target_list(sim))
        step("copy-base-roi", targetlist=sim_list, sim=sim)
        step("simulate-roi", targetlist=sim_list, sim=sim)  # the study's non_null_src, do_find_src, profile
        step("collect-sed", targetlist=sim_list, sim=sim)
        if "plot-calibration" in config.plots("sim_plotting"):
            step("plot-calibration", targetlist=sim_list, sim=sim)
    if config.random is not None:
        rand_list = str(layout.target_list(RANDOM_SIM))
        step("copy-base-roi", targetlist=rand_list, sim=RANDOM_SIM)
        step("random-dir-gen", targetlist=rand_list)
        step("analyze-sed", targetlist=rand_list, sim=RANDOM_SIM)
        step("collect-sed", targetlist=rand_list, sim=RANDOM_SIM)
    if "plot-bands" in config.plots("sim_plotting") + config.plots("rand_plotting"):
        step("plot-bands", targetlist=data_list)
    step("report")
