#!/bin/bash
# Integration test of the Slurm scripts on this machine: installs Debian's Slurm (slurmctld,
# slurmd) and MUNGE, starts a one-node cluster, submits a 4-task array of the baseline
# (remsim-array.sbatch), merges it (remsim-merge.sbatch, as a dependent job), and checks
# that the merged folder equals an unsharded run byte for byte.
#
#   sudo scripts/slurm/local-cluster-test.sh [TRIALS]      (default 40 trials; run as root)
#
# Exit status: 0 passed; 1 failed; 77 Slurm could not run here (the reason is printed, and
# the same shard/merge path is checked without Slurm instead). The daemons it starts are
# stopped on exit; the packages stay installed.
set -uo pipefail

TRIALS=${1:-40}
SHARDS=4
SEED=${SEED:-42}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/tmp/remsim-slurm-test}
STATE=$WORK/state
REMSIM=${REMSIM:-$REPO/target/release/remsim}

say() { echo "[slurm-test] $*"; }
fail() { say "FAILED: $*"; exit 1; }

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    [[ -f $STATE/slurmctld.pid ]] && kill "$(cat "$STATE/slurmctld.pid")" 2>/dev/null
    [[ -f $STATE/slurmd.pid ]] && kill "$(cat "$STATE/slurmd.pid")" 2>/dev/null
    [[ -f /run/munge/remsim-test.pid ]] && kill "$(cat /run/munge/remsim-test.pid)" 2>/dev/null
}
trap cleanup EXIT

# Without Slurm: the same four shards and merge, run directly, so the data path is still
# verified when the cluster cannot start.
without_slurm() {
    say "Slurm cannot run here: $1"
    say "checking the same 4-shard run and merge without Slurm instead"
    local dir=$WORK/direct
    rm -rf "$dir"
    for ((k = 0; k < SHARDS; k++)); do
        "$REMSIM" run --trials "$TRIALS" --seed "$SEED" --shard "$k/$SHARDS" \
            --out "$dir/shard-$k-of-$SHARDS" --quiet || fail "shard $k"
    done
    "$REMSIM" merge "$dir"/shard-*-of-$SHARDS --out "$dir/merged" --quiet || fail "merge"
    compare "$dir/merged"
    say "direct shards + merge equal the unsharded run; Slurm itself was NOT exercised"
    exit 77
}

compare() {
    local merged=$1 whole=$WORK/whole
    rm -rf "$whole"
    "$REMSIM" run --trials "$TRIALS" --seed "$SEED" --out "$whole" --quiet || fail "unsharded run"
    for f in manifest.json summary.csv trials.csv aggregates.bin; do
        cmp -s "$merged/$f" "$whole/$f" || fail "$f of the merge differs from the unsharded run"
    done
    say "the merged manifest.json, summary.csv, trials.csv and aggregates.bin equal the unsharded run byte for byte"
}

[[ $(id -u) == 0 ]] || { say "run as root (it installs packages and starts daemons)"; exit 1; }
mkdir -p "$WORK" "$STATE"

if [[ ! -x $REMSIM ]]; then
    say "building remsim (release)"
    (cd "$REPO" && cargo build --release --quiet) || fail "cargo build --release"
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge (apt-get)"
    if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge) \
        >"$WORK/apt.log" 2>&1; then
        without_slurm "apt-get could not install slurm-wlm and munge (see $WORK/apt.log)"
    fi
fi

# MUNGE: a key and a daemon (authentication between slurmctld, slurmd and the clients).
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge 2>/dev/null
chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key
if ! munge -n >/dev/null 2>&1; then
    runuser -u munge -- munged --pid-file=/run/munge/remsim-test.pid 2>"$WORK/munged.err" ||
        munged --force --pid-file=/run/munge/remsim-test.pid 2>>"$WORK/munged.err" ||
        without_slurm "munged does not start: $(tail -1 "$WORK/munged.err")"
    sleep 1
fi
munge -n | unmunge >/dev/null 2>&1 || without_slurm "munge cannot encode/decode a credential"

# A one-node cluster: this host is controller and compute node; no cgroups, no accounting.
HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p /etc/slurm "$STATE/spool" "$STATE/ctld"
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=remsim-local
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
# Slurm 22.05 (Debian 12) always loads a cgroup plugin; v1 is what this kind of VM mounts.
if [[ -d /sys/fs/cgroup/unified || ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
    printf 'CgroupPlugin=cgroup/v1\nCgroupAutomount=no\n' >/etc/slurm/cgroup.conf
else
    printf 'CgroupPlugin=cgroup/v2\n' >/etc/slurm/cgroup.conf
fi

say "starting slurmctld and slurmd on $HOST ($CPUS CPUs)"
slurmctld -c 2>"$WORK/slurmctld.err" || without_slurm "slurmctld does not start: $(tail -1 "$WORK/slurmctld.err")"
sleep 2
slurmd -c 2>"$WORK/slurmd.err" || without_slurm "slurmd does not start: $(tail -1 "$WORK/slurmd.err"; tail -3 "$WORK/slurmd.log" 2>/dev/null)"
for _ in $(seq 30); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1)
    [[ $state == idle* || $state == mixed* ]] && break
    sleep 1
done
[[ $state == idle* || $state == mixed* ]] ||
    without_slurm "the node never became idle (state '${state:-none}'); $(tail -2 "$WORK/slurmd.log" 2>/dev/null)"
sinfo

RESULTS=$WORK/cluster
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
cd "$WORK" || fail "cd $WORK"
say "submitting a $SHARDS-task array of the baseline: $TRIALS trials, seed $SEED"
array=$(sbatch --parsable --array=0-$((SHARDS - 1)) --cpus-per-task=1 --mem=500M \
    --export=ALL,REMSIM="$REMSIM",TRIALS="$TRIALS",SEED="$SEED",SHARDS=$SHARDS,RESULTS="$RESULTS" \
    "$HERE/remsim-array.sbatch") || fail "sbatch of the array"
merge=$(sbatch --parsable --wait --dependency=afterok:"$array" --mem=500M \
    --export=ALL,REMSIM="$REMSIM",SHARDS=$SHARDS,RESULTS="$RESULTS" \
    "$HERE/remsim-merge.sbatch") || {
    cat "$WORK"/remsim-*.log 2>/dev/null | tail -20
    fail "the array ($array) or the merge job ($merge) failed"
}
say "array job $array and merge job $merge finished"
sacct >/dev/null 2>&1 || true
compare "$RESULTS/merged"
say "PASSED: Slurm ran the 4-task array and the merge; the merge equals the unsharded run"
