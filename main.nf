#!/usr/bin/env nextflow
/*
 * pyfermijobs: multi-target Fermi-LAT analyses and their control studies.
 *
 *   nextflow run main.nf -profile <executor>,<container> --master master.yaml --outdir results
 *
 * Every step is a `pfj` command (bin/), run per target, profile and seed chunk. The master
 * configuration is checked by the same Python code as the CLI before any task starts, and the
 * parameters against nextflow_schema.json (subworkflows/local/utils_pyfermijobs_pipeline).
 */
include { PYFERMIJOBS            } from './workflows/pyfermijobs'
include { pipelineInitialisation } from './subworkflows/local/utils_pyfermijobs_pipeline'

workflow {
    // before any task: every parameter against nextflow_schema.json, then the master configuration
    // (`pfj validate` on this machine); either stops the run
    def start = pipelineInitialisation()
    PYFERMIJOBS(start.master, start.inputs)
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
