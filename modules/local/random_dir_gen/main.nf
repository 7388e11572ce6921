// RandomDirGen: the random directions of one target.
process RANDOM_DIR_GEN {
    tag "${meta.target}"
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
    pfj-task part* -- random-dir-gen --ttype ${meta.ttype} --target '${meta.target}' ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- random-dir-gen --ttype ${meta.ttype} --target '${meta.target}' ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
