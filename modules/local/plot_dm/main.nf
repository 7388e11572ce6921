// The dark-matter plots (plot-dm, plot-limits, plot-stacked-*, plot-control-*, plot-final-limits): meta.step names one, meta.cli its where.
process PLOT_DM {
    tag "${meta.step}:${meta.sim ?: meta.target ?: 'data'}"
    label 'process_single'
    container "${params.container}"

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
    pfj-task part* -- ${meta.step} --ttype ${meta.ttype} ${meta.cli} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    
    """
    pfj-task --stub part* -- ${meta.step} --ttype ${meta.ttype} ${meta.cli} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
