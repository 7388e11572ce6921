#!/usr/bin/env bash
# A one-node SLURM cluster on this machine (controller and compute node), state in one folder.
#   eval "$(scripts/slurm-cluster.sh start DIR)"   -> exports SLURM_CONF; waits until the node is idle
#   scripts/slurm-cluster.sh stop DIR
# Debian's slurm-wlm and munge; as root. proctrack/linuxproc and task/none: no cgroups needed.
set -euo pipefail
action="${1:?start|stop}"
root="$(mkdir -p "${2:?state folder}" && cd "$2" && pwd)"
case "$action" in
start)
    command -v slurmctld >/dev/null && command -v munged >/dev/null || {
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1; }
    host="$(hostname -s)"
    cpus="$(nproc)"
    mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 3 / 4 ))
    mkdir -p "$root"/{state,spool,log} /run/munge /etc/munge
    chown munge:munge /run/munge /etc/munge
    if [ ! -s /etc/munge/munge.key ]; then
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
        chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
    fi
    pgrep -x munged >/dev/null || su -s /bin/sh munge -c "/usr/sbin/munged"
    cat > "$root/slurm.conf" <<CONF
ClusterName=pfj
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$root/state
SlurmdSpoolDir=$root/spool
SlurmctldPidFile=$root/slurmctld.pid
SlurmdPidFile=$root/slurmd.pid
SlurmctldLogFile=$root/log/slurmctld.log
SlurmdLogFile=$root/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
InactiveLimit=0
KillWait=5
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$root/slurm.conf"
    slurmctld -D -f "$SLURM_CONF" >"$root/log/slurmctld.out" 2>&1 &
    echo $! > "$root/slurmctld.bg"
    slurmd -D -f "$SLURM_CONF" >"$root/log/slurmd.out" 2>&1 &
    echo $! > "$root/slurmd.bg"
    for _ in $(seq 1 60); do
        if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then
            echo "export SLURM_CONF=$SLURM_CONF"
            exit 0
        fi
        sleep 0.5
    done
    echo "slurm-cluster.sh: the node did not become idle; logs:" >&2
    tail -n 15 "$root"/log/*.log "$root"/log/*.out >&2 || true
    exit 1
    ;;
stop)
    for daemon in slurmd slurmctld; do
        [ -f "$root/$daemon.bg" ] && kill "$(cat "$root/$daemon.bg")" 2>/dev/null || true
    done
    ;;
esac
