// PlotCastro: the castro plot of one target x profile.
process PLOT_CASTRO {
    tag "${meta.target}:${meta.profile}"
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
    pfj-task part* -- plot-castro --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- plot-castro --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
