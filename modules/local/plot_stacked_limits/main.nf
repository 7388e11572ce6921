// PlotStackedLimits (dmpipe): a roster's stacked limits, with its targets' or realizations' as thin lines, for the data or a control study (`pfj plot-stacked-limits`)
process PLOT_STACKED_LIMITS {
    tag "${meta.sim ?: 'data'}"
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
    pfj-task part* -- plot-stacked-limits --ttype ${meta.ttype} ${meta.sim ? "--sim ${meta.sim}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- plot-stacked-limits --ttype ${meta.ttype} ${meta.sim ? "--sim ${meta.sim}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
