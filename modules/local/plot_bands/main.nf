// PlotSEDSummaryBands: the data's limits over the control studies' bands.
process PLOT_BANDS {
    tag "${meta.target}:${meta.profile}"
    label 'process_single'
    container "${params.container}"

    input:
    tuple val(meta), path(parts, stageAs: 'part*')

    output:
    tuple val(meta), path("out"), emit: tree
    path "publish/**"           , emit: files
    path "versions.yml"         , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    pfj-task part* -- plot-bands --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    """
    mkdir -p 'out/${meta.ttype}/${meta.target}'
    touch 'out/${meta.ttype}/${meta.target}/bands_${meta.profile}.png'
    cp -rl out publish
    pfj-versions "${task.process}" > versions.yml
    """
}
