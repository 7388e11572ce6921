"""Plan: the units of work of a prepared analysis, as JSON for the Nextflow pipeline.

The pipeline's channels are built from this: targets and their profiles, and for each
control study its seed range cut into chunks of ``nsims_job`` (0: one chunk). Chunking lives
here, next to the configuration it comes from, not in Groovy.
"""

from __future__ import annotations

import json
from typing import Any

from pyfermijobs.steps.common import layout_of, run_config


def chunks(first: int, nsims: int, per_job: int) -> list[list[int]]:
    """[[seed, nsims], ...] covering first .. first + nsims - 1."""
    size = nsims if per_job <= 0 else per_job
    return [[seed, min(size, first + nsims - seed)] for seed in range(first, first + nsims, size)]


def plan(config: dict[str, Any]) -> dict[str, Any]:
    def study(entry: dict[str, Any]) -> dict[str, Any]:
        return {
            "injected": entry["injected"],
            "first": entry["seed"],
            "last": entry["last"],
            "nsims": entry["nsims"],
            "chunks": chunks(entry["seed"], entry["nsims"], entry["nsims_job"]),
        }

    plotting = config.get("plotting") or {}
    from pyfermijobs.steps.chain import wanted_plots

    return {
        "ttype": config["ttype"],
        "backend": config.get("backend", "builtin"),
        "sim_backend": config.get("sim_backend") or config.get("backend", "builtin"),
        "targets": [{"target": t, "profiles": info["profiles"]} for t, info in config["targets"].items()],
        "sims": {name: study(entry) for name, entry in (config.get("sims") or {}).items()},
        "random": study(config["random"]) if config.get("random") else None,
        "plots": {
            section: list(wanted_plots({"plotting": plotting}, section))
            for section in ("data_plotting", "sim_plotting", "rand_plotting")
        },
    }


def run(args: dict[str, Any]) -> None:
    if not args.get("ttype"):  # the one prepared analysis in --outdir
        from pathlib import Path

        found = sorted(Path(args.get("outdir") or ".").glob("*/pipeline_config.yaml"))
        if len(found) == 1:
            args = {**args, "ttype": found[0].parent.name}
    print(json.dumps(plan(run_config(layout_of(args))), indent=1))
