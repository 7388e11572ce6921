"""One options class per step, for type checkers: ``args.nsims`` is ``int | None`` in a step that
takes ``nsims``, and an error in one that does not.

Generated from the step registry (:data:`pyfermijobs.steps.STEPS`) by ``make typed-options``;
do not edit. :meth:`pyfermijobs.steps.Step.arguments` builds the step's class, so the checks
:class:`~pyfermijobs.options.StepOptions` makes at run time and the annotations here describe the
same options.
"""

from __future__ import annotations

from pyfermijobs.options import StepOptions


class PrepareTargetsOptions(StepOptions):
    """Options of ``pfj prepare-targets`` (PrepareTargets)."""

    __slots__ = ()
    #: master configuration YAML; flags given beside it win
    master: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: allow writing over the results of a different configuration
    overwrite: bool
    #: target type: names the top-level folders
    ttype: str | None
    #: roster files or roster names (repeatable)
    rosters: list[str] | None
    #: spatial models of the test source (repeatable)
    spatial_models: list[str] | None
    #: file mapping long profile names to short ones
    alias_dict: str | None
    #: fermipy analysis configuration template
    config: str | None
    #: simulation scenarios to prepare; 'random' for random directions (repeatable)
    sims: list[str] | None
    #: random-direction file
    rand_config: str | None
    #: engine of the data analysis: builtin or fermipy
    backend: str | None
    #: engine of the control studies: builtin or fermipy
    sim_backend: str | None


class AnalyzeROIOptions(StepOptions):
    """Options of ``pfj analyze-roi`` (AnalyzeROI)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: name of the fermipy analysis configuration file in each target's folder
    config: str | None
    #: prefix of the baseline ROI files
    roi_baseline: str
    #: search the residuals for new sources (sqrt(TS) > 5)
    do_find_src: bool
    #: also make the step's standard plots
    make_plots: bool
    #: also write plots as PDF
    pdf: bool


class AnalyzeSEDOptions(StepOptions):
    """Options of ``pfj analyze-sed`` (AnalyzeSED)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: name of the fermipy analysis configuration file in each target's folder
    config: str | None
    #: only this profile of the target
    profile: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: directions to build SEDs at: a file in each target's random-direction folder (skydirs.yaml), or a
    #: path; implies --sim random
    skydirs: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: prefix of the baseline ROI files
    roi_baseline: str
    #: zero the test source before computing the SED
    non_null_src: bool
    #: also make the step's standard plots
    make_plots: bool
    #: also write plots as PDF
    pdf: bool


class CopyBaseROIOptions(StepOptions):
    """Options of ``pfj copy-base-roi`` (CopyBaseROI)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: prefix of the baseline ROI files
    roi_baseline: str
    #: extra files or glob patterns to copy from the baseline folder (repeatable)
    extracopy: list[str]


class ExportROIOptions(StepOptions):
    """Options of ``pfj export-roi`` (ExportROI)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: prefix of the baseline ROI files
    roi_baseline: str


class SimulateROIOptions(StepOptions):
    """Options of ``pfj simulate-roi`` (SimulateROI)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: name of the fermipy analysis configuration file in each target's folder
    config: str | None
    #: only this profile of the target
    profile: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: profile that is simulated: a version (nfw, an alias) or a profile name (nfw_point)
    sim_profile: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: simulations per job (fermipy.jobs' flag; a local run does all its seeds, the pipeline chunks them)
    nsims_job: int
    #: prefix of the baseline ROI files
    roi_baseline: str
    #: zero the test source before computing the SED
    non_null_src: bool | None
    #: search the residuals for new sources (sqrt(TS) > 5)
    do_find_src: bool | None


class RandomDirGenOptions(StepOptions):
    """Options of ``pfj random-dir-gen`` (RandomDirGen)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: name of the fermipy analysis configuration file in each target's folder
    config: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: random-direction file
    rand_config: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: prefix of the baseline ROI files
    roi_baseline: str


class CollectSEDOptions(StepOptions):
    """Options of ``pfj collect-sed`` (CollectSED)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: name of the fermipy analysis configuration file in each target's folder
    config: str | None
    #: only this profile of the target
    profile: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: write every realization's SED (the collected file)
    write_full: bool
    #: write per-bin statistics across realizations
    write_summary: bool
    #: collect the realizations present; record the missing seeds
    allow_missing: bool


class PlotCastroOptions(StepOptions):
    """Options of ``pfj plot-castro`` (PlotCastro)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this profile of the target
    profile: str | None
    #: also write plots as PDF
    pdf: bool


class PlotSEDSummaryBandsOptions(StepOptions):
    """Options of ``pfj plot-bands`` (PlotSEDSummaryBands)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this profile of the target
    profile: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: also write plots as PDF
    pdf: bool


class PlotCalibrationOptions(StepOptions):
    """Options of ``pfj plot-calibration`` (PlotCalibration)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this profile of the target
    profile: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: also write plots as PDF
    pdf: bool


class SpecTableOptions(StepOptions):
    """Options of ``pfj spec-table`` (SpecTable)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: name of the fermipy analysis configuration file in each target's folder
    config: str | None


class ConvertCastroOptions(StepOptions):
    """Options of ``pfj convert-castro`` (ConvertCastro)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this profile of the target
    profile: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None


class StackLikelihoodOptions(StepOptions):
    """Options of ``pfj stack-likelihood`` (StackLikelihood)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: only this roster (a key of roster_list.yaml)
    roster: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None


class CollectLimitsOptions(StepOptions):
    """Options of ``pfj collect-limits`` (CollectLimits)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: only this roster (a key of roster_list.yaml)
    roster: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None


class PlotDMOptions(StepOptions):
    """Options of ``pfj plot-dm`` (PlotDM)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this profile of the target
    profile: str | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None
    #: channels plotted (repeatable)
    channels: list[str] | None
    #: also write plots as PDF
    pdf: bool


class PlotLimitsOptions(StepOptions):
    """Options of ``pfj plot-limits`` (PlotLimits)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this profile of the target
    profile: str | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None
    #: channels plotted (repeatable)
    channels: list[str] | None
    #: also write plots as PDF
    pdf: bool


class PlotStackedDMOptions(StepOptions):
    """Options of ``pfj plot-stacked-dm`` (PlotStackedDM)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this roster (a key of roster_list.yaml)
    roster: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None
    #: channels plotted (repeatable)
    channels: list[str] | None
    #: also write plots as PDF
    pdf: bool


class PlotStackedLimitsOptions(StepOptions):
    """Options of ``pfj plot-stacked-limits`` (PlotStackedLimits)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this roster (a key of roster_list.yaml)
    roster: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: first random-number seed (also the file key)
    seed: int | None
    #: number of simulations (or directions)
    nsims: int | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None
    #: channels plotted (repeatable)
    channels: list[str] | None
    #: also write plots as PDF
    pdf: bool


class PlotControlLimitsOptions(StepOptions):
    """Options of ``pfj plot-control-limits`` (PlotControlLimits)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this roster (a key of roster_list.yaml)
    roster: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None
    #: channels plotted (repeatable)
    channels: list[str] | None
    #: also write plots as PDF
    pdf: bool


class PlotControlMLEsOptions(StepOptions):
    """Options of ``pfj plot-control-mles`` (PlotControlMLEs)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this roster (a key of roster_list.yaml)
    roster: str | None
    #: simulation scenario name ('random' for random directions)
    sim: str | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None
    #: channels plotted (repeatable)
    channels: list[str] | None
    #: also write plots as PDF
    pdf: bool


class PlotFinalLimitsOptions(StepOptions):
    """Options of ``pfj plot-final-limits`` (PlotFinalLimits)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: run for this one target (what a pipeline task does)
    target: str | None
    #: run over every target of this target_list.yaml
    targetlist: str | None
    #: only this roster (a key of roster_list.yaml)
    roster: str | None
    #: J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm;
    #: repeatable)
    jpriors: list[str] | None
    #: channels plotted (repeatable)
    channels: list[str] | None
    #: also write plots as PDF
    pdf: bool


class ChainOptions(StepOptions):
    """Options of ``pfj chain`` (Chain)."""

    __slots__ = ()
    #: master configuration YAML; flags given beside it win
    master: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: allow writing over the results of a different configuration
    overwrite: bool
    #: target type: names the top-level folders
    ttype: str | None
    #: roster files or roster names (repeatable)
    rosters: list[str] | None
    #: spatial models of the test source (repeatable)
    spatial_models: list[str] | None
    #: file mapping long profile names to short ones
    alias_dict: str | None
    #: fermipy analysis configuration template
    config: str | None
    #: simulation scenarios to prepare; 'random' for random directions (repeatable)
    sims: list[str] | None
    #: random-direction file
    rand_config: str | None
    #: engine of the data analysis: builtin or fermipy
    backend: str | None
    #: engine of the control studies: builtin or fermipy
    sim_backend: str | None


class ValidateOptions(StepOptions):
    """Options of ``pfj validate`` (Validate)."""

    __slots__ = ()
    #: master configuration YAML; flags given beside it win
    master: str | None
    #: target type: names the top-level folders
    ttype: str | None
    #: roster files or roster names (repeatable)
    rosters: list[str] | None
    #: spatial models of the test source (repeatable)
    spatial_models: list[str] | None
    #: file mapping long profile names to short ones
    alias_dict: str | None
    #: fermipy analysis configuration template
    config: str | None
    #: simulation scenarios to prepare; 'random' for random directions (repeatable)
    sims: list[str] | None
    #: random-direction file
    rand_config: str | None
    #: engine of the data analysis: builtin or fermipy
    backend: str | None
    #: engine of the control studies: builtin or fermipy
    sim_backend: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: allow writing over the results of a different configuration
    overwrite: bool
    #: container engine the pipeline's tasks run in (docker, singularity)
    container_engine: str | None
    #: image the fermipy steps run in, with a container engine
    fermitools_container: str | None
    #: write the files the master names inside its folder here, one relative path per line (what the
    #: pipeline stages for prepare-targets)
    inputs_file: str | None


class PlanOptions(StepOptions):
    """Options of ``pfj plan`` (Plan)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str


class ReportOptions(StepOptions):
    """Options of ``pfj report`` (Report)."""

    __slots__ = ()
    #: target type: names the top-level folders
    ttype: str | None
    #: folder the analysis layout lives in
    outdir: str
    #: the pipeline's DAG file, relative to --outdir: the report links it
    dag: str | None


#: step name -> its options class
BY_STEP: dict[str, type[StepOptions]] = {
    "prepare-targets": PrepareTargetsOptions,
    "analyze-roi": AnalyzeROIOptions,
    "analyze-sed": AnalyzeSEDOptions,
    "copy-base-roi": CopyBaseROIOptions,
    "export-roi": ExportROIOptions,
    "simulate-roi": SimulateROIOptions,
    "random-dir-gen": RandomDirGenOptions,
    "collect-sed": CollectSEDOptions,
    "plot-castro": PlotCastroOptions,
    "plot-bands": PlotSEDSummaryBandsOptions,
    "plot-calibration": PlotCalibrationOptions,
    "spec-table": SpecTableOptions,
    "convert-castro": ConvertCastroOptions,
    "stack-likelihood": StackLikelihoodOptions,
    "collect-limits": CollectLimitsOptions,
    "plot-dm": PlotDMOptions,
    "plot-limits": PlotLimitsOptions,
    "plot-stacked-dm": PlotStackedDMOptions,
    "plot-stacked-limits": PlotStackedLimitsOptions,
    "plot-control-limits": PlotControlLimitsOptions,
    "plot-control-mles": PlotControlMLEsOptions,
    "plot-final-limits": PlotFinalLimitsOptions,
    "chain": ChainOptions,
    "validate": ValidateOptions,
    "plan": PlanOptions,
    "report": ReportOptions,
}
