// PlotControlMLEs (dmpipe): TS and best-fit sigmav across a control study's realizations (`pfj plot-control-mles`)
process PLOT_CONTROL_MLES {
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
    pfj-task part* -- plot-control-mles --ttype ${meta.ttype} ${meta.sim ? "--sim ${meta.sim}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- plot-control-mles --ttype ${meta.ttype} ${meta.sim ? "--sim ${meta.sim}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
