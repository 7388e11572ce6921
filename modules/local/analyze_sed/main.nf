// AnalyzeSED: the castro SED of one target x profile (data, or a chunk of random directions).
process ANALYZE_SED {
    tag "${meta.target}:${meta.profile}${meta.sim ? ":" + meta.sim + ":" + meta.seed : ""}"
    label 'process_medium'
    // the Fermitools image when this step's engine is fermipy (meta.backend, from the plan)
    container { meta.backend == 'fermipy' ? params.fermitools_container : params.container }

    input:
    tuple val(meta), path(parts, stageAs: 'part*')

    output:
    tuple val(meta), path("out"), emit: tree
    path "publish/**"           , emit: files
    path "versions.yml"         , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    pfj-task part* -- analyze-sed --ttype ${meta.ttype} --target '${meta.target}' --profile '${meta.profile}' ${meta.sim ? "--sim ${meta.sim} --seed ${meta.seed} --nsims ${meta.count}" : ''} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    """
    if [ -z "${meta.sim ?: ''}" ]; then
        mkdir -p 'out/${meta.ttype}/${meta.target}' && touch 'out/${meta.ttype}/${meta.target}/sed_${meta.profile}.fits'
    else
        mkdir -p 'out/${meta.ttype}_sim/sim_${meta.sim}/${meta.target}'
        for s in \$(seq ${meta.seed ?: 0} \$(( ${meta.seed ?: 0} + ${meta.count ?: 1} - 1 ))); do
            touch "out/${meta.ttype}_sim/sim_${meta.sim}/${meta.target}/sed_${meta.profile}_\$(printf %06d \$s).fits"
        done
    fi
    cp -rl out publish
    pfj-versions "${task.process}" > versions.yml
    """
}
