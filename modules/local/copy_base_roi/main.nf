// CopyBaseROI: the baseline ROI copied into a simulation or random-direction area.
process COPY_BASE_ROI {
    tag "${meta.sim}:${meta.target}"
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
    pfj-task part* -- copy-base-roi --ttype ${meta.ttype} --target '${meta.target}' --sim ${meta.sim} ${args}
    pfj-versions "${task.process}" > versions.yml
    """

    stub:
    """
    mkdir -p 'out/${meta.ttype}_sim/sim_${meta.sim}/${meta.target}'
    touch 'out/${meta.ttype}_sim/sim_${meta.sim}/${meta.target}/fit_baseline.fits' 'out/${meta.ttype}_sim/sim_${meta.sim}/${meta.target}/fit_baseline.yaml'
    cp -rl out publish
    pfj-versions "${task.process}" > versions.yml
    """
}
