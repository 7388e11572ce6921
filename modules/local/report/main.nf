// Report: one self-contained HTML page of the whole run.
process REPORT {
    tag "${meta.ttype}"
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
    def dag  = task.ext.dag ? "--dag ${task.ext.dag}" : ''
    """
    pfj-task part* -- report --ttype ${meta.ttype} ${dag} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    def dag  = task.ext.dag ? "--dag ${task.ext.dag}" : ''
    """
    pfj-task --stub part* -- report --ttype ${meta.ttype} ${dag} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
