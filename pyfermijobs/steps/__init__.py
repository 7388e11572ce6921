"""The pipeline's steps: one module each, registered here for the CLI and the Python API.

A step is a plain function ``run(args: <Class>Options) -> None`` in its module (its options class
generated from this registry, :mod:`pyfermijobs.steps.typed_options`), with ``outputs(args)``
beside it naming the files it writes; the registry names the options it takes (see
:mod:`pyfermijobs.options`). The module is imported only when the
step runs, so ``pfj --help`` stays fast. A step is registered only once it really works.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyfermijobs.options import CONFIG_TEMPLATE, OPTIONS, STUDY_FLAGS, Option, StepOptions
from pyfermijobs.steps.typed_options import BY_STEP


@dataclass(frozen=True)
class Step:
    """A registered step: its CLI name, Python API class name, module and options."""

    name: str
    class_name: str
    module: str
    options: tuple[str, ...]
    description: str
    fermipy_executable: str
    function: str = "run"
    #: options whose meaning or default differs on this step
    overrides: dict[str, Option] = field(default_factory=dict)

    def runner(self) -> Callable[[Any], None]:
        return getattr(importlib.import_module(self.module), self.function)

    def outputs(self, args: StepOptions) -> list[Path]:
        """The files the step writes for these options, from the function beside its runner
        (``run`` -> ``outputs``, ``run_castro`` -> ``outputs_castro``): what ``-stub-run`` writes
        and what the pipeline's published files are checked against."""
        name = "outputs" + self.function.removeprefix("run")
        declared = getattr(importlib.import_module(self.module), name, None)
        if declared is None:
            raise ValueError(f"step {self.name!r} declares no outputs (no {self.module}.{name})")
        return declared(args)

    def option(self, name: str) -> Option:
        return self.overrides.get(name) or OPTIONS[name]

    def arguments(self, given: dict[str, Any]) -> StepOptions:
        """The options a step runs with: the given ones (None: not given), then the defaults;
        paths made absolute, so later code never depends on the working folder.

        The one place defaults are applied and the options built, for the CLI, the Python links and
        the pipeline's tasks alike.
        """
        args: dict[str, Any] = {}
        for name in self.options:
            value = given.get(name)
            opt = self.option(name)
            if value is None:
                value = list(opt.default) if isinstance(opt.default, list) else opt.default
            if value is not None and opt.path:
                value = str(Path(str(value)).expanduser().resolve())
            args[name] = value
        if args.get("rosters"):
            args["rosters"] = [
                str(Path(r).expanduser().resolve()) if r.endswith((".yaml", ".yml")) or "/" in r else r
                for r in args["rosters"]
            ]
        return BY_STEP[self.name](self.name, args, {name: self.option(name).kind for name in self.options})


#: What defines an analysis: a master configuration and the flags that override it.
_CONFIGURE = (
    "master",
    "ttype",
    "rosters",
    "spatial_models",
    "alias_dict",
    "config",
    "sims",
    "rand_config",
    "backend",
    "sim_backend",
)
_PREPARE = ("master", "outdir", "overwrite", *_CONFIGURE[1:])
_TEMPLATE = {"config": CONFIG_TEMPLATE}

#: Where a step runs: the prepared analysis and one target or a whole target list.
_WHERE = ("ttype", "outdir", "target", "targetlist")

STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "prepare-targets",
            "PrepareTargets",
            "pyfermijobs.steps.prepare_targets",
            _PREPARE,
            "Prepare the analysis folders: rosters -> targets x profiles, per-target configuration.",
            "fermipy-prepare-targets",
            overrides=_TEMPLATE,
        ),
        Step(
            "analyze-roi",
            "AnalyzeROI",
            "pyfermijobs.steps.analyze_roi",
            (*_WHERE, "config", "roi_baseline", "do_find_src", "make_plots", "pdf"),
            "Baseline fit of each target's ROI (writes fit_baseline.fits/.yaml).",
            "fermipy-analyze-roi",
        ),
        Step(
            "analyze-sed",
            "AnalyzeSED",
            "pyfermijobs.steps.analyze_sed",
            (
                *_WHERE,
                "config",
                "profile",
                "sim",
                "skydirs",
                "seed",
                "nsims",
                "roi_baseline",
                "non_null_src",
                "make_plots",
                "pdf",
            ),
            "Castro SED of each target x profile (with --sim random: of each random direction).",
            "fermipy-analyze-sed",
        ),
        Step(
            "copy-base-roi",
            "CopyBaseROI",
            "pyfermijobs.steps.copy_base_roi",
            (*_WHERE, "sim", "roi_baseline", "extracopy"),
            "Copy the baseline ROI into a simulation or random-direction area.",
            "fermipy-copy-base-roi",
        ),
        Step(
            "export-roi",
            "ExportROI",
            "pyfermijobs.steps.export_roi",
            (*_WHERE, "roi_baseline"),
            "Export a fermipy baseline ROI to the builtin engine's files (hybrid control studies).",
            "(none in fermipy)",
        ),
        Step(
            "simulate-roi",
            "SimulateROI",
            "pyfermijobs.steps.simulate_roi",
            (
                *_WHERE,
                "config",
                "profile",
                "sim",
                "sim_profile",
                "seed",
                "nsims",
                "nsims_job",
                "roi_baseline",
                "non_null_src",
                "do_find_src",
            ),
            "Poisson realizations of the baseline (plus an injected source), refit and SED per seed.",
            "fermipy-simulate-roi",
            overrides=STUDY_FLAGS,
        ),
        Step(
            "random-dir-gen",
            "RandomDirGen",
            "pyfermijobs.steps.random_dir_gen",
            (*_WHERE, "config", "sim", "rand_config", "seed", "nsims", "roi_baseline"),
            "Random-direction control sample: directions per target (skydirs.yaml).",
            "fermipy-random-dir-gen",
        ),
        Step(
            "collect-sed",
            "CollectSED",
            "pyfermijobs.steps.collect_sed",
            (
                *_WHERE,
                "config",
                "profile",
                "sim",
                "seed",
                "nsims",
                "write_full",
                "write_summary",
                "allow_missing",
            ),
            "Statistics of the SEDs across realizations (collected and summary files).",
            "fermipy-collect-sed",
        ),
        Step(
            "plot-castro",
            "PlotCastro",
            "pyfermijobs.steps.plots",
            (*_WHERE, "profile", "pdf"),
            "Castro plot of each target x profile's SED.",
            "fermipy-plot-castro",
            "run_castro",
        ),
        Step(
            "plot-bands",
            "PlotSEDSummaryBands",
            "pyfermijobs.steps.plots",
            (*_WHERE, "profile", "seed", "nsims", "pdf"),
            "The data's upper limits over the bands of the null simulations and random directions.",
            "fermipy-plot-sed-summary-bands",
            "run_bands",
        ),
        Step(
            "plot-calibration",
            "PlotCalibration",
            "pyfermijobs.steps.plots",
            (*_WHERE, "profile", "sim", "seed", "nsims", "pdf"),
            "Null-simulation TS against its expectation; injected-signal recovery and pulls.",
            "(none in fermipy)",
            "run_calibration",
        ),
        Step(
            "spec-table",
            "SpecTable",
            "pyfermijobs.steps.spec_table",
            ("ttype", "outdir", "target", "config"),
            "Dark-matter spectra per energy bin for every channel x mass (dm_spectra_{ttype}.fits).",
            "dmpipe-spec-table",
        ),
        Step(
            "convert-castro",
            "ConvertCastro",
            "pyfermijobs.steps.convert_castro",
            (*_WHERE, "profile", "sim", "seed", "nsims", "jpriors"),
            "Castro SED -> likelihood in (channel, mass, sigmav) per J-factor prior, with limits.",
            "dmpipe-convert-castro",
        ),
        Step(
            "stack-likelihood",
            "StackLikelihood",
            "pyfermijobs.steps.stack_likelihood",
            ("ttype", "outdir", "roster", "sim", "seed", "nsims", "jpriors"),
            "Sum of the dark-matter likelihoods of each roster's targets, with limits.",
            "dmpipe-stack-likelihood",
        ),
        Step(
            "collect-limits",
            "CollectLimits",
            "pyfermijobs.steps.collect_limits",
            ("ttype", "outdir", "roster", "sim", "seed", "nsims", "jpriors"),
            "A control study's stacked limits across realizations: expected limits and bands, TS.",
            "dmpipe-collect-stacked-limits",
        ),
        *(
            Step(
                name,
                cls,
                "pyfermijobs.steps.dm_plots",
                (*_WHERE, *extra, "jpriors", "channels", "pdf"),
                doc,
                f"dmpipe-{name}",
                function,
            )
            for name, cls, function, extra, doc in (
                ("plot-dm", "PlotDM", "run_dm", ("profile",), "Each target's likelihood over (mass, sigmav)."),
                ("plot-limits", "PlotLimits", "run_limits", ("profile",), "Each target's upper limits against mass."),
                (
                    "plot-stacked-dm",
                    "PlotStackedDM",
                    "run_stacked_dm",
                    ("roster", "sim", "seed", "nsims"),
                    "A roster's stacked likelihood over (mass, sigmav).",
                ),
                (
                    "plot-stacked-limits",
                    "PlotStackedLimits",
                    "run_stacked_limits",
                    ("roster", "sim", "seed", "nsims"),
                    "A roster's stacked limits, with its targets' or realizations' as thin lines.",
                ),
                (
                    "plot-control-limits",
                    "PlotControlLimits",
                    "run_control_limits",
                    ("roster", "sim"),
                    "A control study's expected limits (median, 68 and 95 percent bands), injected signal marked.",
                ),
                (
                    "plot-control-mles",
                    "PlotControlMLEs",
                    "run_control_mles",
                    ("roster", "sim"),
                    "TS and best-fit sigmav across a control study's realizations.",
                ),
                (
                    "plot-final-limits",
                    "PlotFinalLimits",
                    "run_final_limits",
                    ("roster",),
                    "The data's stacked limits over the expected bands of the null controls.",
                ),
            )
        ),
        Step(
            "chain",
            "Chain",
            "pyfermijobs.steps.chain",
            _PREPARE,
            "Every step in order, locally, over the whole target list (the fermipy.jobs guide's loops).",
            "(fermipy's pipeline chains)",
            overrides=_TEMPLATE,
        ),
        Step(
            "validate",
            "Validate",
            "pyfermijobs.steps.validate",
            (*_CONFIGURE, "outdir", "overwrite", "container_engine", "fermitools_container", "inputs_file"),
            "Check a configuration as prepare-targets would, and where the engines will run; write nothing "
            "(--inputs_file: the list of files the master names).",
            "(none in fermipy)",
            overrides=_TEMPLATE,
        ),
        Step(
            "plan",
            "Plan",
            "pyfermijobs.steps.plan",
            ("ttype", "outdir"),
            "The prepared analysis's units of work as JSON (targets, profiles, seed chunks).",
            "(none in fermipy)",
        ),
        Step(
            "report",
            "Report",
            "pyfermijobs.steps.report",
            ("ttype", "outdir", "dag"),
            "One self-contained HTML page with every result, control study and failure.",
            "(none in fermipy)",
        ),
    )
}

__all__ = ["STEPS", "Step"]
