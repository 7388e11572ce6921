// Simulation controls: the fermipy.jobs guide's second loop, for every scenario.
//   CopyBaseROI(sim, target); SimulateROI(sim, target, profile) per seed chunk; CollectSED
include { COPY_BASE_ROI    } from '../../../modules/local/copy_base_roi/main'
include { SIMULATE_ROI     } from '../../../modules/local/simulate_roi/main'
include { COLLECT_SED      } from '../../../modules/local/collect_sed/main'
include { PLOT_CALIBRATION } from '../../../modules/local/plot_calibration/main'

workflow SIMULATIONS {
    take:
    sims      // channel: [ meta(sim, injected, first, nsims, chunks) ]
    roi       // channel: [ meta(ttype, target, profiles), baseline tree ]
    prepared  // value channel: the prepared layout tree
    plan      // value channel: the plan (plots to make)

    main:
    COPY_BASE_ROI(
        sims.combine(roi).combine(prepared)
            .map { sim, meta, base, tree -> [meta + sim, [tree, base]] }
    )

    chunks = COPY_BASE_ROI.out.tree.flatMap { meta, base ->
        meta.profiles.collectMany { p ->
            meta.chunks.collect { c -> [meta + [profile: p, chunk: c], base] }
        }
    }
    SIMULATE_ROI(chunks.combine(prepared).map { meta, base, tree -> [meta, [tree, base]] })

    // one COLLECT_SED per scenario x target x profile, as soon as its chunks are done
    // (a failed chunk is let through at the end: CollectSED then records the missing seeds)
    grouped = SIMULATE_ROI.out.tree
        .map { meta, out ->
            def key = meta.subMap(['ttype', 'sim', 'injected', 'target', 'profile', 'first', 'nsims'])
            [groupKey(key, meta.chunks.size()), out]
        }
        .groupTuple(remainder: true)
        .combine(prepared)
        .map { key, outs, tree -> [key.getGroupTarget(), [tree] + outs] }
    COLLECT_SED(grouped)

    PLOT_CALIBRATION(
        COLLECT_SED.out.tree.combine(plan).filter { meta, col, p -> p.make.plot_calibration }
            .combine(prepared).map { meta, col, p, tree -> [meta, [tree, col]] }
    )

    emit:
    collected   = COLLECT_SED.out.tree   // [ meta(sim, target, profile, ...), tree ]
    chunks      = SIMULATE_ROI.out.tree  // [ meta(sim, target, profile, chunk), tree ] per realization chunk
    calibration = PLOT_CALIBRATION.out.tree
    versions    = COPY_BASE_ROI.out.versions.mix(SIMULATE_ROI.out.versions, COLLECT_SED.out.versions,
                                                 PLOT_CALIBRATION.out.versions)
}
