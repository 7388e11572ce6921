// CopyBaseROI: the baseline ROI copied into a simulation or random-direction area.
process COPY_BASE_ROI {
    tag "${meta.sim}:${meta.target}"
    label 'process_single'

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
    pfj-task part* -- copy-base-roi --ttype ${meta.ttype} --target '${meta.target}' --sim ${meta.sim} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- copy-base-roi --ttype ${meta.ttype} --target '${meta.target}' --sim ${meta.sim} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
