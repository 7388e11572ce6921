// ConvertCastro: one target x profile's castro (data, or a chunk of realizations) -> DM likelihoods.
process CONVERT_CASTRO {
    tag "${meta.sim ?: 'data'}:${meta.target}:${meta.profile}${meta.sim ? ':' + meta.first : ''}"
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
    def which = meta.targetlist ? "--targetlist layout/${meta.targetlist}" : "--target '${meta.target}' --profile '${meta.profile}'"
    """
    pfj-task part* -- convert-castro --ttype ${meta.ttype} ${which} ${study} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    def study = meta.sim ? "--sim ${meta.sim} --seed ${meta.first} --nsims ${meta.nsims}" : ''
    def which = meta.targetlist ? "--targetlist layout/${meta.targetlist}" : "--target '${meta.target}' --profile '${meta.profile}'"
    """
    pfj-task --stub part* -- convert-castro --ttype ${meta.ttype} ${which} ${study} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
