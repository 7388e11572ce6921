// PlotStackedDM (dmpipe): a roster's stacked likelihood over (mass, sigmav), for the data or a control study (`pfj plot-stacked-dm`)
process PLOT_STACKED_DM {
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
    pfj-task part* -- plot-stacked-dm --ttype ${meta.ttype} ${meta.sim ? "--sim ${meta.sim}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- plot-stacked-dm --ttype ${meta.ttype} ${meta.sim ? "--sim ${meta.sim}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
