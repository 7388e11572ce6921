// PlotControlLimits (dmpipe): a control study's expected limits (median, 68 and 95 percent bands), injected signal marked (`pfj plot-control-limits`)
process PLOT_CONTROL_LIMITS {
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
    pfj-task part* -- plot-control-limits --ttype ${meta.ttype} ${meta.sim ? "--sim ${meta.sim}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- plot-control-limits --ttype ${meta.ttype} ${meta.sim ? "--sim ${meta.sim}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
