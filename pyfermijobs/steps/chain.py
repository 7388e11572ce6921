"""The whole analysis as one local loop: the fermipy.jobs guide's pseudo-code, step after step.

What a user without Nextflow can run on a laptop: every step over the whole target list, in
the guide's order. The Nextflow pipeline runs the same steps, per target and per seed chunk,
in parallel.
"""

from __future__ import annotations

from typing import Any

from pyfermijobs.config.master import DM_PLOT_TYPES, master_from_options
from pyfermijobs.config.run import RunConfig
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps import STEPS


def run(args: dict[str, Any]) -> None:
    """PrepareTargets, then every step of the fermipy.jobs guide's loops in order, in this process
    (what the Nextflow pipeline distributes; the same files either way)."""
    STEPS["prepare-targets"].runner()(args)
    outdir = args["outdir"]
    layout = Layout(outdir, master_from_options(args).ttype)
    config = RunConfig.read(layout)
    where = {"ttype": config.ttype, "outdir": outdir}

    def step(name: str, **extra: Any) -> None:
        spec = STEPS[name]
        spec.runner()(spec.arguments({**where, **extra}))

    dm = config.darkmatter is not None

    def dark_matter(sim: str | None, section: str) -> None:
        """The dark-matter stage of one area: convert, stack, collect, the section's DM plots."""
        if not dm:
            return
        area_list = str(layout.target_list(sim))
        step("convert-castro", targetlist=area_list, sim=sim)
        step("stack-likelihood", sim=sim)
        if sim is not None:
            step("collect-limits", sim=sim)
        for plot in DM_PLOT_TYPES[section]:
            if plot in config.plots(section) and plot != "plot-final-limits":
                step(plot, sim=sim, **({"targetlist": area_list} if plot in ("plot-dm", "plot-limits") else {}))

    data_list = str(layout.target_list())
    step("analyze-roi", targetlist=data_list, make_plots="plot-roi" in config.plots("data_plotting"))
    step("analyze-sed", targetlist=data_list, make_plots="plot-castro" in config.plots("data_plotting"))
    if dm:
        step("spec-table")
    dark_matter(None, "data_plotting")
    for sim in config.sims:
        sim_list = str(layout.target_list(sim))
        step("copy-base-roi", targetlist=sim_list, sim=sim)
        step("simulate-roi", targetlist=sim_list, sim=sim)  # the study's non_null_src, do_find_src, profile
        step("collect-sed", targetlist=sim_list, sim=sim)
        dark_matter(sim, "sim_plotting")
        if "plot-calibration" in config.plots("sim_plotting"):
            step("plot-calibration", targetlist=sim_list, sim=sim)
    if config.random is not None:
        rand_list = str(layout.target_list(RANDOM_SIM))
        step("copy-base-roi", targetlist=rand_list, sim=RANDOM_SIM)
        step("random-dir-gen", targetlist=rand_list)
        step("analyze-sed", targetlist=rand_list, sim=RANDOM_SIM)
        step("collect-sed", targetlist=rand_list, sim=RANDOM_SIM)
        dark_matter(RANDOM_SIM, "rand_plotting")
    if "plot-bands" in config.plots("sim_plotting") + config.plots("rand_plotting"):
        step("plot-bands", targetlist=data_list)
    if dm and "plot-final-limits" in config.plots("data_plotting"):
        step("plot-final-limits")
    step("report")
