"""The whole analysis as one local loop: the seed's pseudo-code, step after step.

This is what ``make demo`` ran before the Nextflow pipeline existed, and what a user without
Nextflow can run on a laptop: every step over the whole target list, in the seed's order.
The Nextflow pipeline runs the same steps, per target and per seed chunk, in parallel.
"""

from __future__ import annotations

from typing import Any

from pyfermijobs.layout import RANDOM_SIM
from pyfermijobs.steps import STEPS
from pyfermijobs.steps.common import run_config

#: Plots made when a plotting section of the master configuration lists none.
DEFAULT_PLOTS = {
    "data_plotting": ("plot-castro", "plot-roi"),
    "sim_plotting": ("plot-calibration", "plot-bands"),
    "rand_plotting": ("plot-bands",),
}


def wanted_plots(config: dict[str, Any], section: str) -> tuple[str, ...]:
    listed = tuple((config.get("plotting") or {}).get(section) or ())
    return listed or DEFAULT_PLOTS[section]


def run(args: dict[str, Any]) -> None:
    def step(name: str, **extra: Any) -> None:
        STEPS[name].runner()({**where, **extra})

    STEPS["prepare-targets"].runner()(args)
    from pyfermijobs.layout import Layout

    config = run_config(Layout(args.get("outdir") or ".", _ttype(args)))
    ttype = config["ttype"]
    outdir = args.get("outdir") or "."
    where = {"ttype": ttype, "outdir": outdir}
    layout = Layout(outdir, ttype)
    data_list = str(layout.target_list())
    step("analyze-roi", targetlist=data_list, make_plots="plot-roi" in wanted_plots(config, "data_plotting"))
    step("analyze-sed", targetlist=data_list, make_plots="plot-castro" in wanted_plots(config, "data_plotting"))
    for sim, study in (config.get("sims") or {}).items():
        sim_list = str(layout.target_list(sim))
        step("copy-base-roi", targetlist=sim_list, sim=sim)
        step("simulate-roi", targetlist=sim_list, sim=sim, non_null_src=study["injected"])
        step("collect-sed", targetlist=sim_list, sim=sim)
        if "plot-calibration" in wanted_plots(config, "sim_plotting"):
            step("plot-calibration", targetlist=sim_list, sim=sim)
    if config.get("random"):
        rand_list = str(layout.target_list(RANDOM_SIM))
        step("copy-base-roi", targetlist=rand_list, sim=RANDOM_SIM)
        step("random-dir-gen", targetlist=rand_list)
        step("analyze-sed", targetlist=rand_list, sim=RANDOM_SIM)
        step("collect-sed", targetlist=rand_list, sim=RANDOM_SIM)
    if "plot-bands" in wanted_plots(config, "sim_plotting") + wanted_plots(config, "rand_plotting"):
        step("plot-bands", targetlist=data_list)
    step("report")


def _ttype(args: dict[str, Any]) -> str:
    from pyfermijobs.steps.prepare_targets import master_from_args

    return master_from_args(args).ttype
