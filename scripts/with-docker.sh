#!/usr/bin/env bash
# Run a command with a Docker engine up and the pyfermijobs image built, then stop the engine.
# The same image is loaded into podman's store (Debian's podman, installed if missing).
#   scripts/with-docker.sh COMMAND...     (make test uses it; the engine's state is under build/)
# Exports DOCKER_HOST, PFJ_DOCKER_IMAGE and PFJ_PODMAN_IMAGE for the container tests, and
# CONTAINERS_CONF (lowered ulimits for rootful podman) unless it is set.
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

command -v podman >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null 2>&1; }
export CONTAINERS_CONF="${CONTAINERS_CONF:-$repo/containers/podman/containers.conf}"
start=$(date +%s)
docker save "$image" | podman load -q >/dev/null
echo "image loaded into podman in $(( $(date +%s) - start )) s"
export PFJ_PODMAN_IMAGE="$image"
"$@"
