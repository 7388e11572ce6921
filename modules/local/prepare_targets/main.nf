// PrepareTargets: rosters -> targets x profiles, the analysis folders, and the plan of the run.
process PREPARE_TARGETS {
    tag "${master.name}"
    label 'process_single'

    input:
    path config_dir, stageAs: 'config_dir'
    val master

    output:
    path "out"        , emit: tree
    path "publish/**"  , emit: files
    path "plan.json"  , emit: plan
    path "versions.yml", emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    """
    pfj-task -- prepare-targets --master config_dir/${master.name} ${args}
    pfj plan --outdir out > plan.json
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub -- prepare-targets --master config_dir/${master.name} ${args}
    pfj plan --outdir out > plan.json
    pfj-versions "${task.process}" > versions.yml
    """
}
