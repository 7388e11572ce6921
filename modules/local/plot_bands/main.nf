// PlotSEDSummaryBands: the data's limits over the control studies' bands.
process PLOT_BANDS {
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
    pfj-task part* -- plot-bands --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- plot-bands --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
