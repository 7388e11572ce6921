// Report: one self-contained HTML page of the whole run.
process REPORT {
    tag "${meta.ttype}"
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
    pfj-task part* -- report --ttype ${meta.ttype} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    """
    mkdir -p out && echo '<html><body>stub report</body></html>' > out/report.html
    cp -rl out publish
    pfj-versions "${task.process}" > versions.yml
    """
}
