// CollectSED: statistics across the realizations of one scenario x target x profile.
process COLLECT_SED {
    tag "${meta.sim}:${meta.target}:${meta.profile}"
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
    pfj-task part* -- collect-sed --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' --sim ${meta.sim} --seed ${meta.first} --nsims ${meta.nsims} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    def args = task.ext.args ?: ''
    """
    pfj-task --stub part* -- collect-sed --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' --sim ${meta.sim} --seed ${meta.first} --nsims ${meta.nsims} ${args}
    pfj-versions "${task.process}" > versions.yml
    """
}
