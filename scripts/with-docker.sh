#!/usr/bin/env bash
# Run a command with a Docker engine up and the pyfermijobs image built, then stop the engine.
#   scripts/with-docker.sh COMMAND...     (make test uses it; the engine's state is under build/)
# Exports DOCKER_HOST and PFJ_DOCKER_IMAGE for the container tests.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${PFJ_DOCKER_STATE:-$repo/build/docker}"
image="${PFJ_DOCKER_IMAGE:-pyfermijobs:0.1.0}"
started="$("$repo/scripts/docker-engine.sh" start "$state")"
eval "$started"
trap '"$repo/scripts/docker-engine.sh" stop "$state"' EXIT
start=$(date +%s)
"$repo/containers/build.sh" "$image"
echo "image ready in $(( $(date +%s) - start )) s"
export PFJ_DOCKER_IMAGE="$image"
"$@"
