// CollectLimits: a control study's stacked limits across realizations (expected limits).
process COLLECT_LIMITS {
    tag "${meta.sim}"
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
    pfj-task part* -- collect-limits --ttype ${meta.ttype} --sim ${meta.sim} --seed ${meta.first} --nsims ${meta.nsims} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    
    """
    pfj-task --stub part* -- collect-limits --ttype ${meta.ttype} --sim ${meta.sim} --seed ${meta.first} --nsims ${meta.nsims} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
