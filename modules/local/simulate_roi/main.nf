// SimulateROI: one chunk of seeds of one scenario x target x profile. The study's options
// (non_null_src, do_find_src, the simulated profile) come from the prepared configuration.
process SIMULATE_ROI {
    tag "${meta.sim}:${meta.target}:${meta.profile}:${meta.chunk.first}"
    label 'process_medium'

    input:
    tuple val(meta), path(parts, stageAs: 'part*')

    output:
    tuple val(meta), path("out"), emit: tree
    path "publish/**"           , emit: files
    path "versions.yml"         , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    """
    pfj-task part* -- simulate-roi --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' --sim ${meta.sim} --seed ${meta.chunk.first} --nsims ${meta.chunk.nsims} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- simulate-roi --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' --sim ${meta.sim} --seed ${meta.chunk.first} --nsims ${meta.chunk.nsims} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
