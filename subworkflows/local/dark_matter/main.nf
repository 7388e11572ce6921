// The dark-matter stage (dmpipe's pipeline), after DATA, SIMULATIONS and RANDOM_DIRECTIONS:
//   SpecTable; ConvertCastro per target x profile (data) and per realization chunk (controls);
//   StackLikelihood per chunk once every target of the area is converted; CollectLimits per study;
//   the DM plots of each plotting section, one process per plot step.
include { SPEC_TABLE       } from '../../../modules/local/spec_table/main'
include { CONVERT_CASTRO   } from '../../../modules/local/convert_castro/main'
include { STACK_LIKELIHOOD } from '../../../modules/local/stack_likelihood/main'
include { COLLECT_LIMITS   } from '../../../modules/local/collect_limits/main'
include { PLOT_DM             } from '../../../modules/local/plot_dm/main'
include { PLOT_LIMITS         } from '../../../modules/local/plot_limits/main'
include { PLOT_STACKED_DM     } from '../../../modules/local/plot_stacked_dm/main'
include { PLOT_STACKED_LIMITS } from '../../../modules/local/plot_stacked_limits/main'
include { PLOT_CONTROL_LIMITS } from '../../../modules/local/plot_control_limits/main'
include { PLOT_CONTROL_MLES   } from '../../../modules/local/plot_control_mles/main'
include { PLOT_FINAL_LIMITS   } from '../../../modules/local/plot_final_limits/main'

// the plan's entry of a control study (null: the data)
def studyOf(p, sim) { sim == null ? null : (sim == 'random' ? p.random : p.sims[sim]) }

workflow DARK_MATTER {
    take:
    data_sed    // channel: [ meta(ttype, target, profile), tree ] per target x profile (analysed, or read from a file)
    study_seds  // channel: [ meta(ttype, sim, target, profile, chunk), tree ] per realization chunk
    prepared    // value channel: the prepared layout tree
    plan        // value channel: the plan (p.darkmatter: null when the stage is off)

    main:
    dm_plan = plan.filter { p -> p.darkmatter }
    SPEC_TABLE(dm_plan.combine(prepared).map { p, tree -> [[ttype: p.ttype], [tree]] })
    spec = SPEC_TABLE.out.tree.map { meta, t -> t }.first()

    units = data_sed.map { meta, t -> [meta + [sim: null], t] }
        .mix(study_seds.map { meta, t -> [meta + [first: meta.chunk.first, nsims: meta.chunk.nsims], t] })
    CONVERT_CASTRO(units.combine(spec).combine(prepared).map { meta, t, s, tree -> [meta, [tree, s, t]] })

    // a chunk is stacked once every target x profile of its area is converted
    STACK_LIKELIHOOD(
        CONVERT_CASTRO.out.tree.combine(dm_plan)
            .map { meta, t, p ->
                def s = studyOf(p, meta.sim)
                // the data: one conversion per analysed target x profile, and one for every SED read from a file
                def n = s == null ? p.targets.sum(0) { it.profiles.size() } + (p.external ? 1 : 0) : s.targets.values().sum { it.profiles.size() }
                [groupKey([ttype: meta.ttype, sim: meta.sim, first: meta.first, nsims: meta.nsims], n), t]
            }
            .groupTuple(remainder: true)
            .combine(prepared)
            .map { key, outs, tree -> [key.getGroupTarget(), [tree] + outs] }
    )

    // a study's limits are collected once all its chunks are converted (per-target limits) and stacked
    per_study = STACK_LIKELIHOOD.out.tree.filter { meta, t -> meta.sim }
        .mix(CONVERT_CASTRO.out.tree.filter { meta, t -> meta.sim })
        .combine(dm_plan)
        .map { meta, t, p ->
            def s = studyOf(p, meta.sim)
            def n = s.chunks.size() * (1 + s.targets.values().sum { it.profiles.size() })
            [groupKey([ttype: meta.ttype, sim: meta.sim, first: s.first, nsims: s.nsims], n), t]
        }
        .groupTuple(remainder: true)
        .combine(prepared)
        .map { key, outs, tree -> [key.getGroupTarget(), [tree] + outs] }
    COLLECT_LIMITS(per_study)

    // each control study's plots (its stacked files and their summary), and the data's (with the final
    // limits over the controls' bands) once everything is there: [step, meta, trees], one process per step
    controls = per_study.join(COLLECT_LIMITS.out.tree)
        .combine(dm_plan)
        .flatMap { meta, trees, summary, p ->
            def section = meta.sim == 'random' ? 'rand_plotting' : 'sim_plotting'
            p.darkmatter.plots[section].collect { step -> [step, meta, trees + [summary]] }
        }
    everything = CONVERT_CASTRO.out.tree.filter { meta, t -> meta.sim == null }
        .mix(STACK_LIKELIHOOD.out.tree.filter { meta, t -> meta.sim == null }, COLLECT_LIMITS.out.tree)
        .map { meta, t -> t }
        .collect()
    data = dm_plan.combine(prepared).combine(everything.toList())
        .flatMap { p, tree, trees -> p.darkmatter.plots.data_plotting.collect { step -> [step, [ttype: p.ttype], [tree] + trees] } }
    plots = controls.mix(data)
        .branch { step, meta, trees ->
            dm:             step == 'plot-dm'
            limits:         step == 'plot-limits'
            stacked_dm:     step == 'plot-stacked-dm'
            stacked_limits: step == 'plot-stacked-limits'
            control_limits: step == 'plot-control-limits'
            control_mles:   step == 'plot-control-mles'
            final_limits:   step == 'plot-final-limits'
        }
    def task = { step, meta, trees -> [meta, trees] }
    PLOT_DM(plots.dm.map(task))
    PLOT_LIMITS(plots.limits.map(task))
    PLOT_STACKED_DM(plots.stacked_dm.map(task))
    PLOT_STACKED_LIMITS(plots.stacked_limits.map(task))
    PLOT_CONTROL_LIMITS(plots.control_limits.map(task))
    PLOT_CONTROL_MLES(plots.control_mles.map(task))
    PLOT_FINAL_LIMITS(plots.final_limits.map(task))
    plotted = PLOT_DM.out.tree.mix(PLOT_LIMITS.out.tree, PLOT_STACKED_DM.out.tree, PLOT_STACKED_LIMITS.out.tree,
                                   PLOT_CONTROL_LIMITS.out.tree, PLOT_CONTROL_MLES.out.tree, PLOT_FINAL_LIMITS.out.tree)
    plot_versions = PLOT_DM.out.versions.mix(PLOT_LIMITS.out.versions, PLOT_STACKED_DM.out.versions,
                                             PLOT_STACKED_LIMITS.out.versions, PLOT_CONTROL_LIMITS.out.versions,
                                             PLOT_CONTROL_MLES.out.versions, PLOT_FINAL_LIMITS.out.versions)

    emit:
    trees    = CONVERT_CASTRO.out.tree.filter { meta, t -> meta.sim == null }
        .mix(STACK_LIKELIHOOD.out.tree.filter { meta, t -> meta.sim == null }, COLLECT_LIMITS.out.tree, plotted)
    versions = SPEC_TABLE.out.versions.mix(CONVERT_CASTRO.out.versions, STACK_LIKELIHOOD.out.versions,
                                           COLLECT_LIMITS.out.versions, plot_versions)
}
