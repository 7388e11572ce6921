// The pipeline's checks on the launching machine, before any task (nf-core's utils_*_pipeline):
//   validateParameters(schema)  every params key (command line, -params-file, config) against
//                               nextflow_schema.json: unknown names (with the closest valid one),
//                               types, enums, minimum/maximum; stops the run with exit status 1
//   validateMaster()            --master, --outdir and the whole master configuration (`pfj validate`)
// No plugin: nf-schema cannot be downloaded everywhere the pipeline runs.
import groovy.json.JsonSlurper

// name -> JSON schema of each parameter (nf-core layout: $defs or definitions groups, and top-level properties)
def schemaParameters(schemaPath) {
    def schema = new JsonSlurper().parse(new File(schemaPath.toString()))
    def described = [:]
    (((schema['$defs'] ?: [:]) + (schema['definitions'] ?: [:])).values()).each { group ->
        described.putAll(group['properties'] ?: [:])
    }
    described.putAll(schema['properties'] ?: [:])
    return described
}

// edit distance: insertions, deletions and substitutions
int levenshtein(String a, String b) {
    int[] previous = (0..b.length()) as int[]
    for (int i = 1; i <= a.length(); i++) {
        int[] current = new int[b.length() + 1]
        current[0] = i
        for (int j = 1; j <= b.length(); j++) {
            int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1
            current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost)
        }
        previous = current
    }
    return previous[b.length()]
}

// "did you mean" the valid name nearest to `name` (case and - vs _ ignored: --continue-on-error is
// continue_on_error); a name not close to any (more than a third of its letters differ) is told so
def closestParameter(String name, Collection<String> valid) {
    def key = { String s -> s.replaceAll(/([a-z0-9])([A-Z])/, '$1_$2').toLowerCase().replace('-', '_') }
    def nearest = valid.min { v -> levenshtein(key(name), key(v)) }
    def distance = levenshtein(key(name), key(nearest))
    return distance <= Math.max(2, name.length().intdiv(3)) ? "did you mean --${nearest}?"
                                                            : "no valid name is close to it (the closest is --${nearest})"
}

// the value as it was given, for messages
def shown(value) {
    return value instanceof CharSequence ? "'${value}'" : "${value}"
}

// a JSON schema type, in words
def typeInWords(type) {
    switch (type) {
        case 'boolean': return 'a boolean (true or false)'
        case 'integer': return 'an integer'
        case 'array':   return 'a list'
        case 'object':  return 'a map'
        default:        return "a ${type}"
    }
}

// why `value` does not fit the schema `spec` of parameter `name`, or null when it does
def parameterProblem(String name, value, Map spec) {
    if (value == null) {
        return null   // unset: the default of nextflow.config is null
    }
    def types = spec.type instanceof List ? spec.type : (spec.type ? [spec.type] : [])
    def fits = { String type ->
        switch (type) {
            // a string parameter given a number on the command line is read by Nextflow as a number
            case 'string':  return value instanceof CharSequence || value instanceof Number
            case 'boolean': return value instanceof Boolean
            case 'integer': return value instanceof Integer || value instanceof Long || value instanceof BigInteger
            case 'number':  return value instanceof Number
            case 'array':   return value instanceof List
            case 'object':  return value instanceof Map
            case 'null':    return false
            default:        return true
        }
    }
    if (types && !types.any { fits(it) }) {
        def expected = types.collect { typeInWords(it) }.join(' or ')
        def hint = value instanceof Boolean && !('boolean' in types) ? ' (given without a value?)' : ''
        return "--${name} expects ${expected}, got ${shown(value)}${hint}"
    }
    if (spec.enum && !(value.toString() in spec.enum.collect { it.toString() })) {
        return "--${name} expects one of ${spec.enum.join(', ')}, got ${shown(value)}"
    }
    if (value instanceof Number && spec.minimum != null && value < spec.minimum) {
        return "--${name} expects ${typeInWords(spec.type)} >= ${spec.minimum}, got ${value}"
    }
    if (value instanceof Number && spec.maximum != null && value > spec.maximum) {
        return "--${name} expects ${typeInWords(spec.type)} <= ${spec.maximum}, got ${value}"
    }
    return null
}

// Every params key against the schema; all problems in one message, then exit status 1.
def validateParameters(schemaPath = "${projectDir}/nextflow_schema.json") {
    def described = schemaParameters(schemaPath)
    def given = params.keySet().collect { it.toString() }
    def problems = []
    given.each { name ->
        if (described.containsKey(name)) {
            def problem = parameterProblem(name, params[name], described[name])
            if (problem) {
                problems << problem
            }
            return
        }
        // Nextflow also stores --kebab-case as camelCase: name the one given, once
        if (!name.contains('-') && given.any { it.contains('-') && it.replaceAll(/-(\w)/) { m -> m[1].toUpperCase() } == name }) {
            return
        }
        problems << "unknown parameter --${name}; ${closestParameter(name, described.keySet())}"
    }
    if (problems) {
        error "pyfermijobs: " + (problems.size() == 1 ? problems[0] : "invalid parameters:\n  " + problems.join('\n  ')) +
              "\n(the parameters are described in ${schemaPath}; Nextflow's own options take one dash, e.g. -resume)"
    }
}

// Check --master, --outdir and the whole master configuration before anything runs. Returns the master
// file and the files it names below its folder, relative to it (['.']: the whole folder, when the check
// could not run on this machine).
def validateMaster() {
    if (!params.master) {
        error "pyfermijobs: --master is required (a master configuration YAML; see README)"
    }
    def master = file(params.master)
    if (!master.exists()) {
        error "pyfermijobs: ${params.master}: master configuration not found"
    }
    if (!(params.outdir instanceof String) || !params.outdir) {
        error "pyfermijobs: --outdir must be a folder name"
    }
    // Same validation as `pfj prepare-targets` (including: --outdir must not hold another
    // configuration's results), here on the launching machine when pyfermijobs is installed
    // there; inside containers PREPARE_TARGETS, the first task, checks the configuration again.
    def outdir = file(params.outdir).toString()
    // the fermipy steps run in params.fermitools_container under a container engine, else on this machine
    // and the files the master names below its folder: PREPARE_TARGETS stages those, not the whole folder
    def listing = File.createTempFile('pfj-inputs-', '.txt')
    listing.deleteOnExit()
    def command = ["${projectDir}/bin/pfj", 'validate', '--master', master.toString(), '--outdir', outdir,
                   '--container_engine', workflow.containerEngine ?: '', '--fermitools_container', params.fermitools_container ?: '',
                   '--inputs_file', listing.toString()]
    // the tasks see $PFJ_LAT_DATA (env scope); the check on this machine must see it too
    def environment = System.getenv().collect { k, v -> "${k}=${v}" } + (params.lat_data ? ["PFJ_LAT_DATA=${params.lat_data}"] : [])
    def check = (params.overwrite ? command + ['--overwrite'] : command).execute(environment, null)
    def err = new StringBuilder()
    check.consumeProcessErrorStream(err)
    check.waitFor()
    if (check.exitValue() == 2) {
        error err.toString().trim()
    }
    if (check.exitValue() != 0) {
        def why = err.toString().trim().readLines().findAll { it.trim() }.with { it ? it.last() : "exit status ${check.exitValue()}" }
        if (!workflow.containerEngine) {
            // the tasks would run this same pfj: nothing could run, so stop before any task
            error "pyfermijobs: cannot run pfj on this machine (${why}). Install it (make install) and put its " +
                  "environment on PATH (export PATH=\$PWD/.venv/bin:\$PATH), or run the tasks in the image " +
                  "(-profile docker, singularity or apptainer)"
        }
        log.info "pyfermijobs: master configuration not checked on this machine (${why}); " +
                 "PREPARE_TARGETS checks it in the ${workflow.containerEngine} image, with the master's whole folder"
        return [master: master, inputs: ['.']]
    }
    return [master: master, inputs: listing.readLines().findAll { it }]
}

// Both checks, in order; the master file and its inputs for the pipeline.
def pipelineInitialisation() {
    validateParameters("${projectDir}/nextflow_schema.json")
    return validateMaster()
}
