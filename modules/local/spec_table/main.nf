// SpecTable: dark-matter spectra per energy bin of the analysis, every channel x mass.
process SPEC_TABLE {
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
    pfj-task part* -- spec-table --ttype ${meta.ttype} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    
    """
    pfj-task --stub part* -- spec-table --ttype ${meta.ttype} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
