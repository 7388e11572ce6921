"""The whole analysis as one local loop: the fermipy.jobs guide's pseudo-code, step after step.

What a user without Nextflow can run on a laptop: every step over the whole target list, in
the guide's order. What runs comes from the same :func:`~pyfermijobs.steps.plan.work_plan` the
Nextflow pipeline builds its channels from, so the two run the same steps and write the same files;
the pipeline distributes them per target and per seed chunk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyfermijobs.config.master import master_from_options
from pyfermijobs.config.run import RunConfig
from pyfermijobs.layout import RANDOM_SIM, Layout
from pyfermijobs.steps import STEPS
from pyfermijobs.steps.plan import work_plan
from pyfermijobs.steps.typed_options import ChainOptions


def run(args: ChainOptions) -> None:
    """PrepareTargets, then every step of the fermipy.jobs guide's loops in order, in this process
    (what the Nextflow pipeline distributes; the same files either way)."""
    STEPS["prepare-targets"].runner()(args)
    outdir = args.outdir
    layout = Layout(Path(outdir), master_from_options(args).ttype)
    plan = work_plan(RunConfig.read(layout))
    make, dm = plan["make"], plan["darkmatter"]
    where = {"ttype": plan["ttype"], "outdir": outdir}

    def step(name: str, **extra: Any) -> None:
        spec = STEPS[name]
        spec.runner()(spec.arguments({**where, **extra}))

    def dark_matter(sim: str | None, section: str) -> None:
        """The dark-matter stage of one area: convert, stack, collect, the section's DM plots."""
        if dm is None:
            return
        area_list = str(layout.target_list(sim))
        step("convert-castro", targetlist=area_list, sim=sim)
        step("stack-likelihood", sim=sim)
        if sim is not None:
            step("collect-limits", sim=sim)
        for plot in dm["plots"][section]:
            if plot != "plot-final-limits":  # after every control study, below
                step(plot, sim=sim, **({"targetlist": area_list} if plot in ("plot-dm", "plot-limits") else {}))

    data_list = str(layout.target_list())
    step("analyze-roi", targetlist=data_list, make_plots=make["plot_roi"])
    step("analyze-sed", targetlist=data_list, make_plots=make["plot_castro"])
    if dm is not None:
        step("spec-table")
    dark_matter(None, "data_plotting")
    for sim in plan["sims"]:
        sim_list = str(layout.target_list(sim))
        step("copy-base-roi", targetlist=sim_list, sim=sim)
        step("simulate-roi", targetlist=sim_list, sim=sim)  # the study's non_null_src, do_find_src, profile
        step("collect-sed", targetlist=sim_list, sim=sim)
        dark_matter(sim, "sim_plotting")
        if make["plot_calibration"]:
            step("plot-calibration", targetlist=sim_list, sim=sim)
    if plan["random"] is not None:
        rand_list = str(layout.target_list(RANDOM_SIM))
        step("copy-base-roi", targetlist=rand_list, sim=RANDOM_SIM)
        step("random-dir-gen", targetlist=rand_list)
        step("analyze-sed", targetlist=rand_list, sim=RANDOM_SIM)
        step("collect-sed", targetlist=rand_list, sim=RANDOM_SIM)
        dark_matter(RANDOM_SIM, "rand_plotting")
    if make["plot_bands"]:
        step("plot-bands", targetlist=data_list)
    if dm is not None and "plot-final-limits" in dm["plots"]["data_plotting"]:
        step("plot-final-limits")
    step("report")
