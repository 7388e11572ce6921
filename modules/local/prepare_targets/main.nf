// PrepareTargets: rosters -> targets x profiles, the analysis folders, and the plan of the run.
process PREPARE_TARGETS {
    tag "${master.name}"
    label 'process_single'

    input:
    // the files the master names below its folder (relative paths), each staged on its own: a cloud
    // executor uploads only these, not the folder; ['.'] stages the whole folder
    tuple val(relpaths), path(named, stageAs: 'staged/?/*')
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
    def place = placeInputs(relpaths, named)
    """
    ${place}
    pfj-task -- prepare-targets --master config_dir/${master.name} ${args}
    pfj plan --outdir out > plan.json
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    def place = placeInputs(relpaths, named)
    """
    ${place}
    pfj-task --stub -- prepare-targets --master config_dir/${master.name} ${args}
    pfj plan --outdir out > plan.json
    pfj-versions "${task.process}" > versions.yml
    """
}

// Shell lines that move each staged file to config_dir/<its path relative to the master>: the master's
// folder as it was, holding only what the master names, so its relative paths resolve unchanged.
def placeInputs(relpaths, named) {
    def quote = { s -> "'" + s.toString().replace("'", "'\\''") + "'" }
    def files = named instanceof List ? named : [named]
    return [relpaths, files].transpose().collect { rel, staged ->
        rel == '.' ? "mv ${quote(staged)} config_dir"
                   : "mkdir -p \"\$(dirname ${quote('config_dir/' + rel)})\" && mv ${quote(staged)} ${quote('config_dir/' + rel)}"
    }.join('\n    ')
}
