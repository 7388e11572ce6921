#!/usr/bin/env bash
# Start or stop a private Docker engine (Debian's docker.io) whose state lives in one folder.
#   eval "$(scripts/docker-engine.sh start DIR)"   -> exports DOCKER_HOST
#   scripts/docker-engine.sh stop DIR
# An engine that already answers (docker info) is used as it is and never stopped.
set -euo pipefail
action="${1:?start|stop}"
root="${2:?state folder}"
case "$action" in
start)
    if docker info >/dev/null 2>&1; then echo "# using the running Docker engine"; exit 0; fi
    command -v dockerd >/dev/null || {
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null 2>&1; }
    mkdir -p "$root"
    dockerd --data-root "$root/data" --exec-root "$root/exec" --pidfile "$root/dockerd.pid" \
        -H "unix://$root/docker.sock" >"$root/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
        if DOCKER_HOST="unix://$root/docker.sock" docker info >/dev/null 2>&1; then
            echo "export DOCKER_HOST=unix://$root/docker.sock"
            exit 0
        fi
        sleep 0.5
    done
    echo "docker-engine.sh: dockerd did not start; its log:" >&2
    tail -n 20 "$root/dockerd.log" >&2
    exit 1
    ;;
stop)
    if [ -f "$root/dockerd.pid" ]; then
        kill "$(cat "$root/dockerd.pid")" 2>/dev/null || true
        for _ in $(seq 1 60); do [ -f "$root/dockerd.pid" ] || break; sleep 0.25; done
    fi
    # a network namespace left mounted would keep the state folder from being removed
    grep -o " $root/exec/netns/[^ ]*" /proc/mounts 2>/dev/null | while read -r mnt; do umount "$mnt" || true; done
    ;;
esac
