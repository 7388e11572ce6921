// AnalyzeSED: the castro SED of one target x profile (data, or a chunk of random directions).
process ANALYZE_SED {
    tag "${meta.target}:${meta.profile}${meta.sim ? ":" + meta.sim + ":" + meta.chunk.first : ""}"
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
    pfj-task part* -- analyze-sed --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' ${meta.sim ? "--sim ${meta.sim} --seed ${meta.chunk.first} --nsims ${meta.chunk.nsims}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- analyze-sed --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' ${meta.sim ? "--sim ${meta.sim} --seed ${meta.chunk.first} --nsims ${meta.chunk.nsims}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
