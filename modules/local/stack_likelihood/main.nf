// StackLikelihood: every roster's stacked DM likelihood (data, or a chunk of realizations).
process STACK_LIKELIHOOD {
    tag "${meta.sim ?: 'data'}${meta.sim ? ':' + meta.first : ''}"
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
    def study = meta.sim ? "--sim ${meta.sim} --seed ${meta.first} --nsims ${meta.nsims}" : ''
    """
    pfj-task part* -- stack-likelihood --ttype ${meta.ttype} ${study} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    def study = meta.sim ? "--sim ${meta.sim} --seed ${meta.first} --nsims ${meta.nsims}" : ''
    """
    pfj-task --stub part* -- stack-likelihood --ttype ${meta.ttype} ${study} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
