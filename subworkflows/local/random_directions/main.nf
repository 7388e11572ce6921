// Random-direction controls: the fermipy.jobs guide's third loop.
//   CopyBaseROI(target); RandomDirGen(target); AnalyzeSED per direction chunk; CollectSED
include { COPY_BASE_ROI as COPY_BASE_ROI_RANDOM } from '../../../modules/local/copy_base_roi/main'
include { RANDOM_DIR_GEN                        } from '../../../modules/local/random_dir_gen/main'
include { ANALYZE_SED as ANALYZE_SED_RANDOM     } from '../../../modules/local/analyze_sed/main'
include { COLLECT_SED as COLLECT_SED_RANDOM     } from '../../../modules/local/collect_sed/main'

workflow RANDOM_DIRECTIONS {
    take:
    study     // value channel: meta(sim: 'random', first, nsims, chunks, study_profiles: {target: [profile]})
    roi       // channel: [ meta(ttype, target, profiles), baseline tree ]
    prepared  // value channel: the prepared layout tree

    main:
    COPY_BASE_ROI_RANDOM(
        study.combine(roi).combine(prepared).map { s, meta, base, tree -> [meta + s, [tree, base]] }
    )
    RANDOM_DIR_GEN(COPY_BASE_ROI_RANDOM.out.tree.combine(prepared).map { meta, base, tree -> [meta, [tree, base]] })

    directions = COPY_BASE_ROI_RANDOM.out.tree
        .join(RANDOM_DIR_GEN.out.tree)
        .flatMap { meta, base, dirs ->
            // the profiles the random study analyses (random.profile), per target
            (meta.study_profiles[meta.target] ?: []).collectMany { p ->
                meta.chunks.collect { c -> [meta + [profile: p, chunk: c], base, dirs] }
            }
        }
    ANALYZE_SED_RANDOM(directions.combine(prepared).map { meta, base, dirs, tree -> [meta, [tree, base, dirs]] })

    grouped = ANALYZE_SED_RANDOM.out.tree
        .map { meta, out ->
            def key = meta.subMap(['ttype', 'sim', 'target', 'profile', 'first', 'nsims'])
            [groupKey(key, meta.chunks.size()), out]
        }
        .groupTuple(remainder: true)
        .combine(prepared)
        .map { key, outs, tree -> [key.getGroupTarget(), [tree] + outs] }
    COLLECT_SED_RANDOM(grouped)

    emit:
    collected = COLLECT_SED_RANDOM.out.tree
    chunks    = ANALYZE_SED_RANDOM.out.tree  // per direction chunk
    versions  = COPY_BASE_ROI_RANDOM.out.versions.mix(RANDOM_DIR_GEN.out.versions, ANALYZE_SED_RANDOM.out.versions,
                                                      COLLECT_SED_RANDOM.out.versions)
}
