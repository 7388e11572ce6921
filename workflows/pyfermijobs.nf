// The whole analysis: prepare, data, simulation and random-direction controls, bands, dark matter, report.
import groovy.json.JsonSlurper

include { PREPARE_TARGETS   } from '../modules/local/prepare_targets/main'
include { PLOT_BANDS        } from '../modules/local/plot_bands/main'
include { REPORT            } from '../modules/local/report/main'
include { DATA              } from '../subworkflows/local/data/main'
include { SIMULATIONS       } from '../subworkflows/local/simulations/main'
include { RANDOM_DIRECTIONS } from '../subworkflows/local/random_directions/main'
include { DARK_MATTER       } from '../subworkflows/local/dark_matter/main'

workflow PYFERMIJOBS {
    take:
    master    // path of the master configuration
    inputs    // the files it names below its folder, relative to it (['.']: the whole folder)

    main:
    def named = inputs.collect { rel -> rel == '.' ? master.parent : master.parent.resolve(rel) }
    PREPARE_TARGETS(Channel.value([inputs, named]), master)
    prepared = PREPARE_TARGETS.out.tree
    plan     = PREPARE_TARGETS.out.plan.map { f -> new JsonSlurper().parse(f) }

    targets = plan.flatMap { p -> p.targets.collect { t -> [ttype: p.ttype, target: t.target, profiles: t.profiles] } }
    DATA(targets, prepared, plan)

    sims = plan.flatMap { p ->
        p.sims.collect { name, s ->
            [sim: name, injected: s.injected, first: s.first, nsims: s.nsims, chunks: s.chunks, backend: p.sim_backend]
        }
    }
    SIMULATIONS(sims, DATA.out.roi, prepared, plan)

    random_study = plan.flatMap { p ->
        p.random ? [[sim: 'random', injected: false, first: p.random.first, nsims: p.random.nsims,
                     chunks: p.random.chunks, backend: p.sim_backend,
                     study_profiles: p.random.targets.collectEntries { t, v -> [t, v.profiles] }]] : []
    }
    // what each control study runs with, as the prepared configuration says
    plan.subscribe { p ->
        (p.sims + (p.random ? [random: p.random] : [:])).each { name, s ->
            def profiles = s.targets.collect { t, v -> "${t}: ${v.sim_profile ?: v.profiles.join('+')}" }.join(', ')
            log.info "pyfermijobs: study ${name}: seeds ${s.first}-${s.last} in ${s.chunks.size()} tasks, " +
                     "non_null_src ${s.options.non_null_src}, do_find_src ${s.options.do_find_src}, engine ${s.engine}, " +
                     "${name == 'random' ? 'profiles' : (s.injected ? 'simulated profile' : 'profiles')} ${profiles}"
        }
    }
    RANDOM_DIRECTIONS(random_study, DATA.out.roi, prepared)
    // SEDs read from files (sed_files / sed_file) are in the prepared tree: the dark-matter stage only,
    // all of them converted in one task (a fraction of a second each)
    external_seds = plan.filter { p -> p.external }
        .map { p -> [ttype: p.ttype, targetlist: p.external_list, target: 'external', profile: 'all'] }
        .combine(prepared)
    DARK_MATTER(DATA.out.sed.mix(external_seds), SIMULATIONS.out.chunks.mix(RANDOM_DIRECTIONS.out.chunks), prepared, plan)

    // bands: the data SED with the null and random-direction summaries of the same target x profile
    controls = SIMULATIONS.out.collected.filter { meta, tree -> !meta.injected }
        .mix(RANDOM_DIRECTIONS.out.collected)
        .map { meta, tree -> [[meta.target, meta.profile], tree] }
        .groupTuple()
    bands_in = DATA.out.sed
        .map { meta, tree -> [[meta.target, meta.profile], meta, tree] }
        .join(controls)
        .combine(plan)
        .filter { key, meta, sed, trees, p -> p.make.plot_bands }
        .map { key, meta, sed, trees, p -> [key, meta, sed, trees] }
        .combine(prepared)
        .map { key, meta, sed, trees, tree -> [meta, [tree, sed] + trees] }
    PLOT_BANDS(bands_in)

    everything = DATA.out.roi.mix(DATA.out.sed, DATA.out.castro, SIMULATIONS.out.collected, SIMULATIONS.out.calibration,
                                  RANDOM_DIRECTIONS.out.collected, PLOT_BANDS.out.tree, DARK_MATTER.out.trees)
        .map { meta, tree -> tree }
        .collect()
        .ifEmpty([])
    REPORT(plan.combine(prepared).combine(everything.toList())
               .map { p, tree, trees -> [[ttype: p.ttype], [tree] + trees] })

    emit:
    report   = REPORT.out.tree
    versions = PREPARE_TARGETS.out.versions.mix(DATA.out.versions, SIMULATIONS.out.versions,
                                                RANDOM_DIRECTIONS.out.versions, PLOT_BANDS.out.versions,
                                                DARK_MATTER.out.versions,
                                                REPORT.out.versions)
}
