#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A one-node Slurm cluster on localhost for the tests: writes slurm.conf, cgroup.conf and a munge
# key into a temporary folder, starts munged, slurmctld -D and slurmd -D in the background (no
# systemd here), waits until `sinfo` shows the node idle, runs COMMAND with SLURM_CONF (and
# FSTACK_SLURM_DIR, FSTACK_SLURM_CGROUP) exported, and stops everything on any exit (trap).
#
#   tests/cluster/slurm_local.sh COMMAND [ARGS...]
#
# Exit: COMMAND's status, or 77 (CTest's SKIP_RETURN_CODE) with the reason on stderr where this
# machine cannot run a Slurm node: not root, Slurm or munge not installed, a daemon that does not
# start. Memory limits: task/cgroup with ConstrainRAMSpace where the cgroup v1 memory controller
# (or cgroup v2 with the memory controller) can be written; otherwise task/none, and
# FSTACK_SLURM_CGROUP=none tells the tests that steps have no memory limit (they say so).
set -uo pipefail

skip() { echo "slurm_local: SKIP: $*" >&2; exit 77; }
say() { echo "slurm_local: $*" >&2; }

[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd runs jobs as their user and manages cgroups)"
for tool in munged slurmctld slurmd sbatch sinfo squeue scancel srun; do
  command -v "$tool" >/dev/null || skip "$tool not found: install slurm-wlm and munge (scripts/install-deps.sh)"
done

DIR=$(mktemp -d /tmp/fstack-slurm.XXXXXX)
chmod 755 "$DIR"
PIDS=()
CGROUP_DIRS=()
cleanup() {
  local code=$?
  # The daemons first (slurmd ends its steps), then munged; each by its own pid.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  # The cgroups Slurm made for its jobs (empty once slurmd and its steps are gone).
  for d in "${CGROUP_DIRS[@]}"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  if [ "${FSTACK_SLURM_KEEP:-0}" = 1 ] || { [ $code -ne 0 ] && [ $code -ne 77 ]; }; then
    say "logs kept in $DIR"
    [ $code -ne 0 ] && [ $code -ne 77 ] && tail -n 20 "$DIR"/*.log >&2
  else
    rm -rf "$DIR"
  fi
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Two free TCP ports on localhost, so that two runs (or a real slurmd) never collide.
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo 0
}
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
[ "$SLURMD_PORT" != "$CTLD_PORT" ] || SLURMD_PORT=$((CTLD_PORT + 1))

HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
NODE_MEM=$((MEM_MB * 3 / 4))

# Which memory confinement this machine allows: Slurm's cgroup v1 plugin needs the memory (and
# freezer) hierarchies writable; its v2 plugin needs the unified hierarchy with memory
# delegated and systemd/dbus, which a container does not have.
CGROUP=none
if [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/freezer ] &&
   mkdir /sys/fs/cgroup/memory/fstack-slurm-probe.$$ 2>/dev/null; then
  rmdir /sys/fs/cgroup/memory/fstack-slurm-probe.$$
  CGROUP=v1
  CGROUP_DIRS=(/sys/fs/cgroup/{memory,freezer,cpuset,devices}/slurm_"${HOST}")
else
  say "no writable cgroup v1 memory hierarchy: steps run without a memory limit (task/none)"
fi
[ -n "${FSTACK_SLURM_CGROUP:-}" ] && CGROUP=$FSTACK_SLURM_CGROUP  # to force task/none

head -c 1024 /dev/urandom >"$DIR/munge.key"
chmod 400 "$DIR/munge.key"
mkdir -p "$DIR/state" "$DIR/spool"

if [ "$CGROUP" = v1 ]; then
  TASK="ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup"
  cat >"$DIR/cgroup.conf" <<EOF
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
ConstrainRAMSpace=yes
ConstrainSwapSpace=no
ConstrainCores=no
ConstrainDevices=no
AllowedRAMSpace=100
EOF
else
  TASK="ProctrackType=proctrack/linuxproc
TaskPlugin=task/none"
  : >"$DIR/cgroup.conf"
fi

cat >"$DIR/slurm.conf" <<EOF
ClusterName=fstack-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge.socket
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/slurmd-%n
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$TASK
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$NODE_MEM State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$DIR/slurm.conf

munged --foreground --force --key-file="$DIR/munge.key" --socket="$DIR/munge.socket" \
  --pid-file="$DIR/munged.pid" --log-file="$DIR/munged.log" --seed-file="$DIR/munge.seed" \
  >"$DIR/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$DIR/munge.socket" ] && break; sleep 0.1; done
[ -S "$DIR/munge.socket" ] || skip "munged did not start: $(tail -n 3 "$DIR/munged.out" "$DIR/munged.log" 2>/dev/null)"

slurmctld -D -i -f "$SLURM_CONF" >"$DIR/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$HOST" >"$DIR/slurmd.out" 2>&1 &
PIDS+=($!)

state=""
for _ in $(seq 150); do
  state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null)
  [ "$state" = idle ] && break
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null ||
      skip "a Slurm daemon exited at start: $(tail -n 5 "$DIR"/slurmctld.log "$DIR"/slurmd.log "$DIR"/*.out 2>/dev/null | grep -iE 'error|fatal' | head -n 5)"
  done
  sleep 0.2
done
[ "$state" = idle ] ||
  skip "the node did not become idle in 30 s (state '${state}'): $(grep -ihE 'error|fatal' "$DIR"/*.log 2>/dev/null | tail -n 5)"

say "node $HOST idle ($CPUS CPUs, ${NODE_MEM} MB, cgroup: $CGROUP, ports $CTLD_PORT/$SLURMD_PORT)"
export FSTACK_SLURM_DIR=$DIR FSTACK_SLURM_CGROUP=$CGROUP
"$@"
