// The dark-matter stage (dmpipe's pipeline), after DATA, SIMULATIONS and RANDOM_DIRECTIONS:
//   SpecTable; ConvertCastro per target x profile (data) and per realization chunk (controls);
//   StackLikelihood per chunk once every target of the area is converted; CollectLimits per study;
//   the DM plots of each plotting section.
include { SPEC_TABLE       } from '../../../modules/local/spec_table/main'
include { CONVERT_CASTRO   } from '../../../modules/local/convert_castro/main'
include { STACK_LIKELIHOOD } from '../../../modules/local/stack_likelihood/main'
include { COLLECT_LIMITS   } from '../../../modules/local/collect_limits/main'
include { PLOT_DM          } from '../../../modules/local/plot_dm/main'
include { PLOT_DM as PLOT_DM_CONTROLS } from '../../../modules/local/plot_dm/main'

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

    // each control study's plots: its stacked files and their summary
    PLOT_DM_CONTROLS(
        per_study.join(COLLECT_LIMITS.out.tree)
            .combine(dm_plan)
            .flatMap { meta, trees, summary, p ->
                def section = meta.sim == 'random' ? 'rand_plotting' : 'sim_plotting'
                p.darkmatter.plots[section].collect { step ->
                    [meta + [step: step, cli: "--sim ${meta.sim}"], trees + [summary]]
                }
            }
    )

    // the data's plots (and the final limits over the controls' bands), once everything is there
    everything = CONVERT_CASTRO.out.tree.filter { meta, t -> meta.sim == null }
        .mix(STACK_LIKELIHOOD.out.tree.filter { meta, t -> meta.sim == null }, COLLECT_LIMITS.out.tree)
        .map { meta, t -> t }
        .collect()
    PLOT_DM(
        dm_plan.combine(prepared).combine(everything.toList())
            .flatMap { p, tree, trees ->
                p.darkmatter.plots.data_plotting.collect { step -> [[ttype: p.ttype, step: step, cli: ''], [tree] + trees] }
            }
    )

    emit:
    trees    = CONVERT_CASTRO.out.tree.filter { meta, t -> meta.sim == null }
        .mix(STACK_LIKELIHOOD.out.tree.filter { meta, t -> meta.sim == null }, COLLECT_LIMITS.out.tree,
             PLOT_DM.out.tree, PLOT_DM_CONTROLS.out.tree)
    versions = SPEC_TABLE.out.versions.mix(CONVERT_CASTRO.out.versions, STACK_LIKELIHOOD.out.versions,
                                           COLLECT_LIMITS.out.versions, PLOT_DM.out.versions,
                                           PLOT_DM_CONTROLS.out.versions)
}
