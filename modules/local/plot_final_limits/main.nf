// PlotFinalLimits (dmpipe): the data's stacked limits over the expected bands of the null controls (`pfj plot-final-limits`)
process PLOT_FINAL_LIMITS {
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
    """
    pfj-task part* -- plot-final-limits --ttype ${meta.ttype} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- plot-final-limits --ttype ${meta.ttype} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
