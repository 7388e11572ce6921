#!/usr/bin/env nextflow
/*
 * pyfermijobs: multi-target Fermi-LAT analyses and their control studies.
 *
 *   nextflow run main.nf -profile <executor>,<container> --master master.yaml --outdir results
 *
 * Every step is a `pfj` command (bin/), run per target, profile and seed chunk. The master
 * configuration is checked by the same Python code as the CLI before any task starts.
 */
nextflow.enable.dsl = 2

include { PYFERMIJOBS } from './workflows/pyfermijobs'

// Check the parameters and the whole master configuration before anything runs.
def validate() {
    if (!params.master) {
        error "pyfermijobs: --master is required (a master configuration YAML; see README)"
    }
    def master = file(params.master)
    if (!master.exists()) {
        error "pyfermijobs: ${params.master}: master configuration not found"
    }
    if (!(params.outdir instanceof String) || !params.outdir) {
        error "pyfermijobs: --outdir must be a folder name"
    }
    // Same validation as `pfj prepare-targets` (including: --outdir must not hold another
    // configuration's results), here on the launching machine when pyfermijobs is installed
    // there; inside containers PREPARE_TARGETS, the first task, checks the configuration again.
    def outdir = file(params.outdir).toString()
    // the fermipy steps run in params.fermitools_container under a container engine, else on this machine
    def command = ["${projectDir}/bin/pfj", 'validate', '--master', master.toString(), '--outdir', outdir,
                   '--container_engine', workflow.containerEngine ?: '', '--fermitools_container', params.fermitools_container ?: '']
    // the tasks see $PFJ_LAT_DATA (env scope); the check on this machine must see it too
    def environment = System.getenv().collect { k, v -> "${k}=${v}" } + (params.lat_data ? ["PFJ_LAT_DATA=${params.lat_data}"] : [])
    def check = (params.overwrite ? command + ['--overwrite'] : command).execute(environment, null)
    def err = new StringBuilder()
    check.consumeProcessErrorStream(err)
    check.waitFor()
    if (check.exitValue() == 2) {
        error err.toString().trim()
    }
    if (check.exitValue() != 0) {
        def why = err.toString().trim().readLines().findAll { it.trim() }.with { it ? it.last() : "exit status ${check.exitValue()}" }
        if (!workflow.containerEngine) {
            // the tasks would run this same pfj: nothing could run, so stop before any task
            error "pyfermijobs: cannot run pfj on this machine (${why}). Install it (make install) and put its " +
                  "environment on PATH (export PATH=\$PWD/.venv/bin:\$PATH), or run the tasks in the image " +
                  "(-profile docker, singularity or apptainer)"
        }
        log.info "pyfermijobs: master configuration not checked on this machine (${why}); " +
                 "PREPARE_TARGETS checks it in the ${workflow.containerEngine} image"
    }
    return master
}

workflow {
    PYFERMIJOBS(validate())
    // every task's versions.yml, gathered as nf-core does
    PYFERMIJOBS.out.versions
        .map { f -> f.text.trim() + '\n' }
        .unique()
        .collectFile(name: 'software_versions.yml', storeDir: "${params.outdir}/pipeline_info", sort: true)
}

workflow.onComplete {
    def status = workflow.success ? 'completed' : 'failed'
    def report = file("${params.outdir}/report.html")
    def where = report.exists() ? "report ${report}" : 'no report written'
    log.info "pyfermijobs ${status}: ${where}, run information ${params.outdir}/pipeline_info/"
}
