// AnalyzeROI: the baseline fit of one target's ROI.
process ANALYZE_ROI {
    tag "${meta.target}"
    label 'process_medium'

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
    pfj-task part* -- analyze-roi --ttype ${meta.ttype} --target '${meta.target}' ${meta.make_plots ? '--make_plots' : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- analyze-roi --ttype ${meta.ttype} --target '${meta.target}' ${meta.make_plots ? '--make_plots' : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
