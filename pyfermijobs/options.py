"""The command-line options of every step, with fermipy.jobs' names and defaults.

One table serves the ``pfj`` CLI (argparse), the Python API's ``update_args`` (which
keys a step takes, and their defaults) and the README's reference. Importing it must stay
cheap: every Nextflow task is a fresh process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Option:
    """One flag. ``kind`` is ``str int bool list``; lists are repeatable flags."""

    kind: str
    default: Any
    help: str


OPTIONS: dict[str, Option] = {
    # --- fermipy.jobs' flags (seed document), same names and defaults ---
    "ttype": Option("str", None, "target type: names the top-level folders"),
    "rosters": Option("list", [], "roster files or roster names (repeatable)"),
    "spatial_models": Option("list", ["point"], "spatial models of the test source (repeatable)"),
    "sims": Option("list", [], "simulation scenarios to prepare; 'random' for random directions (repeatable)"),
    "alias_dict": Option("str", None, "file mapping long profile names to short ones"),
    "targetlist": Option("str", None, "run over every target of this target_list.yaml"),
    "config": Option("str", None, "fermipy analysis configuration (template for prepare-targets)"),
    "sim": Option("str", None, "simulation scenario name ('random' for random directions)"),
    "rand_config": Option("str", None, "random-direction file (default config/random_{ttype}.yaml)"),
    "skydirs": Option("str", None, "skydirs.yaml with the directions to build SEDs at"),
    "roi_baseline": Option("str", "fit_baseline", "prefix of the baseline ROI files"),
    "make_plots": Option("bool", False, "also make the step's standard plots"),
    "non_null_src": Option("bool", False, "zero the test source before computing the SED"),
    "do_find_src": Option("bool", False, "search the residuals for new sources (sqrt(TS) > 5)"),
    "sim_profile": Option("str", "default", "profile used to simulate the target"),
    "nsims": Option("int", 20, "number of simulations"),
    "seed": Option("int", 0, "first random-number seed (also the file key)"),
    "nsims_job": Option("int", 0, "simulations per job; 0 means all in one job"),
    "extracopy": Option("list", [], "extra files to copy from the baseline folder (repeatable)"),
    "write_full": Option("bool", False, "write every realization's SED (the collected file)"),
    "write_summary": Option("bool", False, "write per-bin statistics across realizations"),
    # --- pyfermijobs' own ---
    "master": Option("str", None, "master configuration YAML; flags given beside it win"),
    "outdir": Option("str", ".", "folder the analysis layout lives in"),
    "overwrite": Option("bool", False, "allow writing over the results of a different configuration"),
    "target": Option("str", None, "run for this one target (what a pipeline task does)"),
    "profile": Option("str", None, "only this profile of the target (default: all its profiles)"),
    "backend": Option("str", None, "engine of the data analysis: builtin or fermipy"),
    "sim_backend": Option("str", None, "engine of the control studies: builtin or fermipy (default: backend)"),
    "pdf": Option("bool", False, "also write plots as PDF"),
    "container_engine": Option("str", None, "container engine the pipeline's tasks run in (docker, singularity)"),
    "fermitools_container": Option("str", None, "image the fermipy steps run in, with a container engine"),
    "allow_missing": Option("bool", False, "collect the realizations present; record the missing seeds"),
}


#: Options whose values are file or folder paths (made absolute against the working folder).
PATH_OPTIONS = ("master", "outdir", "alias_dict", "config", "rand_config", "skydirs", "targetlist")


def absolute_paths(args: dict[str, Any]) -> dict[str, Any]:
    """Make path options absolute, so that later code never depends on the working folder."""
    from pathlib import Path

    out = dict(args)
    for key in PATH_OPTIONS:
        if out.get(key) is not None:
            out[key] = str(Path(out[key]).expanduser().resolve())
    if out.get("rosters"):
        out["rosters"] = [
            str(Path(r).expanduser().resolve()) if r.endswith((".yaml", ".yml")) or "/" in r else r
            for r in out["rosters"]
        ]
    return out
