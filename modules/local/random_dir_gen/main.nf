// RandomDirGen: the random directions of one target.
process RANDOM_DIR_GEN {
    tag "${meta.target}"
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
    pfj-task part* -- random-dir-gen --ttype ${meta.ttype} --target '${meta.target}' ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    """
    mkdir -p 'out/${meta.ttype}_sim/sim_random/${meta.target}'
    touch 'out/${meta.ttype}_sim/sim_random/${meta.target}/skydirs.yaml'
    cp -rl out publish
    pfj-versions "${task.process}" > versions.yml
    """
}
