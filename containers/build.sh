#!/usr/bin/env bash
# Build the pyfermijobs image with no container registry: the Debian bookworm base is made
# locally with debootstrap (minbase + python3, cached as a tarball) and imported under the
# Dockerfile's default BASE_IMAGE tag, so the Dockerfile itself stays unchanged.
#   containers/build.sh [IMAGE]        (needs a running Docker engine: scripts/docker-engine.sh)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image="${1:-pyfermijobs:0.1.0}"
base="debian:bookworm-slim"
cache="${PFJ_CACHE:-$repo/tools/cache}"
mkdir -p "$cache"

if ! docker image inspect "$base" >/dev/null 2>&1; then
    tarball="$cache/bookworm-minbase-python3.tar"
    if [ ! -s "$tarball" ]; then
        command -v debootstrap >/dev/null || {
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
        rootfs="$(mktemp -d)"
        echo "debootstrap bookworm (minbase + python3) into $rootfs"
        debootstrap --variant=minbase --include=python3 bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        tar -C "$rootfs" -c . > "$tarball.part" && mv "$tarball.part" "$tarball"
        rm -rf "$rootfs"
    fi
    docker import "$tarball" "$base" >/dev/null
    echo "base image $base imported from $tarball"
fi

# Extra CA certificates of this machine (a TLS-intercepting proxy) reach the build stage only.
rm -rf "$repo/build/extra-ca" && mkdir -p "$repo/build/extra-ca"
cp /usr/local/share/ca-certificates/*.crt "$repo/build/extra-ca/" 2>/dev/null || true

docker build --network host -q -f "$repo/containers/pyfermijobs/Dockerfile" -t "$image" "$repo" >/dev/null
echo "built $image ($(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'))"
