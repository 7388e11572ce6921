// Data analysis: the fermipy.jobs guide's first loop.
//   for target in targets: AnalyzeROI(target); for profile in target.profiles: AnalyzeSED, PlotCastro
include { ANALYZE_ROI } from '../../../modules/local/analyze_roi/main'
include { ANALYZE_SED } from '../../../modules/local/analyze_sed/main'
include { PLOT_CASTRO } from '../../../modules/local/plot_castro/main'

workflow DATA {
    take:
    targets   // channel: [ meta(ttype, target, profiles) ]
    prepared  // value channel: the prepared layout tree
    plan      // value channel: the plan (plots to make)

    main:
    ANALYZE_ROI(
        targets.combine(prepared).combine(plan)
            .map { meta, tree, p -> [meta + [make_plots: p.make.plot_roi, backend: p.backend], [tree]] }
    )

    per_profile = ANALYZE_ROI.out.tree
        .flatMap { meta, roi -> meta.profiles.collect { p -> [meta + [profile: p], roi] } }
    ANALYZE_SED(per_profile.combine(prepared).map { meta, roi, tree -> [meta, [tree, roi]] })

    PLOT_CASTRO(
        ANALYZE_SED.out.tree.combine(plan).filter { meta, sed, p -> p.make.plot_castro }
            .combine(prepared).map { meta, sed, p, tree -> [meta, [tree, sed]] }
    )

    emit:
    roi      = ANALYZE_ROI.out.tree     // [ meta, tree ] per target
    sed      = ANALYZE_SED.out.tree     // [ meta, tree ] per target x profile
    castro   = PLOT_CASTRO.out.tree
    versions = ANALYZE_ROI.out.versions.mix(ANALYZE_SED.out.versions, PLOT_CASTRO.out.versions)
}
