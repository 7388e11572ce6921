// CollectSED: statistics across the realizations of one scenario x target x profile.
process COLLECT_SED {
    tag "${meta.sim}:${meta.target}:${meta.profile}"
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
    pfj-task part* -- collect-sed --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' --sim ${meta.sim} --seed ${meta.first} --nsims ${meta.nsims} ${params.continue_on_error ? '--allow_missing' : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    """
    dir='out/${meta.ttype}_sim/sim_${meta.sim}/${meta.target}'
    range=\$(printf '%06d_%06d' ${meta.first} \$(( ${meta.first} + ${meta.nsims} - 1 )))
    mkdir -p "\$dir" && touch "\$dir/sed_${meta.profile}_collected_\$range.fits" "\$dir/sed_${meta.profile}_summary_\$range.fits"
    cp -rl out publish
    pfj-versions "${task.process}" > versions.yml
    """
}
