// PrepareTargets: rosters -> targets x profiles, the analysis folders, and the plan of the run.
process PREPARE_TARGETS {
    tag "${master.name}"
    label 'process_single'
    container "${params.container}"

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
    """
    pfj-task -- prepare-targets --master config_dir/${master.name} ${params.overwrite ? '--overwrite' : ''}
    pfj plan --outdir out > plan.json
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    """
    pfj-task --stub -- prepare-targets --master config_dir/${master.name} ${params.overwrite ? '--overwrite' : ''}
    pfj plan --outdir out > plan.json
    pfj-versions "${task.process}" > versions.yml
    """
}
