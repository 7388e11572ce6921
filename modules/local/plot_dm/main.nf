// PlotDM (dmpipe): each target's likelihood over (mass, sigmav) (`pfj plot-dm`)
process PLOT_DM {
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
    pfj-task part* -- plot-dm --ttype ${meta.ttype} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- plot-dm --ttype ${meta.ttype} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
