#!/usr/bin/env bash
# The README's Slurm story (Scale-out, clusters and restarts) on a real, one-node Slurm cluster
# on this machine:
#   1. install slurm-wlm and munge from Debian's packages when missing (skip, exit 0, when that
#      is impossible: no apt, not root, no network);
#   2. start munged, slurmctld and slurmd on localhost with a private key, config, state and
#      logs in a temporary directory (nothing under /etc is used or changed);
#   3. build fpsolve, run the README's job array (shard.sh, 4 tasks over small.toml) and its
#      merge job (merge.sh, --dependency=afterok:<array>), and compare the merged CSVs with an
#      unsharded run byte for byte; check that merge refuses an incomplete shard set;
#   4. requeue an array task of a longer ensemble (requeue.toml, 2 shards) mid-run, and check
#      that the rerun keeps the members saved before the requeue, trains only the rest, and
#      that the merge equals the unsharded run byte for byte;
#   5. stop every daemon it started and remove its temporary directory, pass or fail.
# The last line is "slurm cluster test: PASSED", or "... SKIPPED: <reason>" (exit 0), or
# "... FAILED: <reason>" (exit 1).
#
# Environment: FPSOLVE_SLURM_SKIP_INSTALL=1 takes the skip path as if the packages were
# unavailable; FPSOLVE_SLURM_TIMEOUT (seconds, default 300) bounds the test after installation;
# FPSOLVE_SLURM_KEEP=1 keeps the temporary directory (its path is printed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
t_start=$SECONDS
budget=${FPSOLVE_SLURM_TIMEOUT:-300}

say() { echo "slurm cluster test: [$((SECONDS - t_start))s] $*"; }
skip() {
  echo "slurm cluster test: SKIPPED: $*"
  exit 0
}
failed="" passed=""
# fail REASON: stop here; the cleanup prints the daemons' logs and, last, "FAILED: REASON".
fail() {
  failed=$*
  exit 1
}
# remaining prints the seconds left of the test's budget (at least 1).
remaining() {
  local left=$((deadline - SECONDS))
  if [ "$left" -lt 1 ]; then left=1; fi
  echo "$left"
}

# ---- 1. packages -------------------------------------------------------------------------------
tools=(munged mungekey slurmctld slurmd sbatch squeue sinfo scontrol scancel)
missing_tools() {
  local t
  for t in "${tools[@]}"; do
    command -v "$t" >/dev/null 2>&1 || return 0
  done
  return 1
}
if [ "${FPSOLVE_SLURM_SKIP_INSTALL:-}" = 1 ]; then
  skip "FPSOLVE_SLURM_SKIP_INSTALL=1: slurm-wlm and munge treated as unavailable"
fi
if [ "$(id -u)" != 0 ]; then
  skip "not root (the test starts slurmd and installs packages as root)"
fi
if missing_tools; then
  command -v apt-get >/dev/null 2>&1 || skip "slurm-wlm/munge missing and no apt-get to install them"
  say "installing slurm-wlm and munge from the Debian archive (apt-get update, apt-get install)"
  apt_log=$(mktemp /tmp/fpsolve-slurm-apt.XXXXXX)
  apt_opts=(-o Acquire::Retries=1 -o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30)
  if ! timeout 300 apt-get "${apt_opts[@]}" update >"$apt_log" 2>&1; then
    tail -n 5 "$apt_log"
    rm -f "$apt_log"
    skip "apt-get update failed (no network or no package mirror?)"
  fi
  if ! DEBIAN_FRONTEND=noninteractive timeout 600 apt-get "${apt_opts[@]}" install -y \
    --no-install-recommends slurm-wlm munge >"$apt_log" 2>&1; then
    tail -n 5 "$apt_log"
    rm -f "$apt_log"
    skip "apt-get install -y slurm-wlm munge failed"
  fi
  rm -f "$apt_log"
  if missing_tools; then
    skip "slurm-wlm and munge installed but a command is still missing (one of ${tools[*]})"
  fi
  say "installed: $(dpkg-query -W -f='${Package} ${Version}  ' slurm-wlm munge)"
else
  say "slurm and munge already installed: $(dpkg-query -W -f='${Package} ${Version}  ' slurm-wlm munge 2>/dev/null || true)"
fi
command -v go >/dev/null 2>&1 || fail "go is not on PATH (needed to build fpsolve)"
deadline=$((SECONDS + budget))

# ---- cleanup: every daemon this script started, by its pid; the temporary directory -----------
tmp=$(mktemp -d /tmp/fpsolve-slurm.XXXXXX)
chmod 0711 "$tmp" # munged wants its socket's directories executable by all
daemon_pids=() # munged slurmctld slurmd, in start order
# stop_pid PID: SIGTERM, up to 10 s, then SIGKILL.
stop_pid() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 40); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}
# cluster_pids prints the processes whose environment holds this cluster's SLURM_CONF.
cluster_pids() {
  local e p
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/}
    p=${p%/environ}
    [ "$p" = "$$" ] && continue
    { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qxF "SLURM_CONF=$SLURM_CONF" && echo "$p"
  done
  return 0
}
cleanup() {
  local rc=$? pid i
  set +e
  if [ "$rc" -ne 0 ] && [ -d "$tmp/log" ]; then
    for f in "$tmp"/log/*; do
      [ -s "$f" ] || continue
      echo "---- last lines of $f"
      tail -n 25 "$f"
    done
  fi
  # Jobs first (their step daemons outlive slurmd), then the daemons in reverse order.
  if [ "${#daemon_pids[@]}" -ge 3 ] && kill -0 "${daemon_pids[1]}" 2>/dev/null; then
    jobs_left=$(timeout 10 squeue -h -o %A 2>/dev/null)
    if [ -n "$jobs_left" ]; then
      timeout 10 scancel $jobs_left 2>/dev/null
      for i in $(seq 60); do
        [ -z "$(timeout 5 squeue -h -o %A 2>/dev/null)" ] && break
        sleep 0.25
      done
    fi
  fi
  for ((i = ${#daemon_pids[@]} - 1; i >= 0; i--)); do
    stop_pid "${daemon_pids[i]}"
  done
  # What the cluster started and left (a step daemon, a job's process) carries this cluster's
  # SLURM_CONF in its environment; no other process does.
  if [ -n "${SLURM_CONF:-}" ]; then
    export -n SLURM_CONF
    for pid in $(cluster_pids); do
      echo "slurm cluster test: stopping $pid left by the cluster: $({ tr '\0' ' ' </proc/"$pid"/cmdline; } 2>/dev/null)"
      stop_pid "$pid"
    done
  fi
  [ "${#daemon_pids[@]}" -gt 0 ] && echo "slurm cluster test: stopped the daemons (pids ${daemon_pids[*]})"
  if [ "${FPSOLVE_SLURM_KEEP:-}" = 1 ]; then
    echo "slurm cluster test: kept $tmp"
  else
    rm -rf "$tmp"
  fi
  if [ "$rc" -eq 0 ] && [ -n "$passed" ]; then
    echo "slurm cluster test: PASSED"
  elif [ "$rc" -eq 0 ]; then
    rc=1
    echo "slurm cluster test: FAILED: the script ended early" >&2
  else
    echo "slurm cluster test: FAILED: ${failed:-a command failed (exit $rc); see above}" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for SECONDS WHAT COMMAND...: poll COMMAND every 0.5 s until it succeeds; fail after
# SECONDS (capped by the test's budget).
wait_for() {
  local limit=$1 what=$2
  shift 2
  local left
  left=$(remaining)
  [ "$limit" -gt "$left" ] && limit=$left
  local end=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -ge "$end" ] && fail "timed out after ${limit}s waiting for $what"
    sleep 0.5
  done
}
# sl runs a slurm client command with a time limit (a dead controller must not hang the test).
sl() { timeout 30 "$@"; }

# ---- 2. a one-node cluster on localhost --------------------------------------------------------
host=$(hostname -s)
cpus=$(nproc)
mem=$(free -m | awk '/^Mem:/ { print int($2 * 0.9) }')
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=""
for p in $(seq 6817 2 6899); do
  if port_free "$p" && port_free "$((p + 1))"; then
    ctld_port=$p
    break
  fi
done
[ -n "$ctld_port" ] || fail "no two free TCP ports in 6817-6900 for slurmctld and slurmd"
slurmd_port=$((ctld_port + 1))
mkdir -p "$tmp"/{munge,munge-run,state,spool,log,work}
chmod 0700 "$tmp/munge"
chmod 0755 "$tmp/munge-run"
sock=$tmp/munge-run/munge.socket

say "munge: a private key in $tmp/munge, munged on $sock"
if ! mungekey --create --keyfile="$tmp/munge/munge.key" >"$tmp/log/mungekey.log" 2>&1; then
  dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 0600 "$tmp/munge/munge.key"
munged --foreground --key-file="$tmp/munge/munge.key" --socket="$sock" \
  --pid-file="$tmp/munge-run/munged.pid" --seed-file="$tmp/munge/munged.seed" \
  --log-file="$tmp/log/munged.log" >"$tmp/log/munged.out" 2>&1 &
daemon_pids+=($!)
munged_up() {
  kill -0 "${daemon_pids[0]}" 2>/dev/null || fail "munged exited at its start"
  test -S "$sock"
}
wait_for 20 "munged's socket" munged_up
munge --socket="$sock" -n </dev/null | unmunge --socket="$sock" >/dev/null ||
  fail "munge cannot encode and decode a credential with the private munged"

export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<EOF
# cluster-test.sh: a one-node cluster on localhost; no accounting.
ClusterName=fpsolvetest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also delays a requeued job's restart (default 120 s)
AuthInfo=socket=$sock,cred_expire=10
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SchedulerType=sched/backfill
# scheduling passes every 2 s (default 60 s): a requeued task's begin time passes without an event
SchedulerParameters=sched_interval=2,bf_interval=2
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobRequeue=1
ReturnToService=2
KillWait=5
MinJobAge=600
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=fpsolve Nodes=$host Default=YES MaxTime=10 State=UP
EOF
say "slurm: $host, $cpus CPUs, RealMemory=$mem MiB, ports $ctld_port/$slurmd_port, config $SLURM_CONF"
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
daemon_pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$tmp/log/slurmd.out" 2>&1 &
daemon_pids+=($!)
node_idle() {
  local pid
  for pid in "${daemon_pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || fail "a daemon (pid $pid) exited while the cluster started"
  done
  [ "$(sl sinfo -h -n "$host" -o %T 2>/dev/null)" = idle ]
}
wait_for 60 "sinfo to show $host idle" node_idle
say "cluster up: $(sl sinfo -h -o '%P %a %D %T %N')"

# ---- 3. fpsolve, the README's array and merge jobs ------------------------------------------------
work=$tmp/work
say "building fpsolve"
(cd "$repo" && go build -o "$work/fpsolve" ./cmd/fpsolve)

# job_state ID prints the JobState of job (or array task) ID, "" when slurm forgot it.
job_state() { sl scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
# job_done ID: every task of job ID has left the queue (completed, failed or cancelled).
job_done() { [ -z "$(sl squeue -h -j "$1" -o %A 2>/dev/null)" ]; }
# all_completed ID: every task of job ID ended COMPLETED with exit code 0.
all_completed() {
  local out
  out=$(sl scontrol -o show job "$1")
  [ -n "$out" ] || return 1
  ! grep -v -q 'JobState=COMPLETED .*ExitCode=0:0' <<<"$out"
}
# show_logs DIR: print the job logs (on failure).
show_logs() {
  local f
  for f in "$1"/logs/*; do
    echo "---- $f"
    tail -n 20 "$f"
  done
}
# reference DIR CONFIG: the unsharded run of CONFIG in DIR/full.
reference() {
  (cd "$1" && ./fpsolve -config "$2" -out full >full.stdout 2>full.stderr) ||
    fail "unsharded run of $2 failed: $(tail -n 1 "$1/full.stderr")"
}
# same_csvs DIR MERGED: every CSV of DIR/full equals MERGED's (and MERGED has no other CSV).
same_csvs() {
  local d=$1 m=$2 f n=0
  [ "$(cd "$d/full" && ls ./*.csv)" = "$(cd "$m" && ls ./*.csv)" ] ||
    fail "$m holds other CSV files than the unsharded run: $(cd "$m" && ls ./*.csv | tr '\n' ' ')"
  for f in "$d"/full/*.csv; do
    cmp "$f" "$m/${f##*/}" || fail "${f##*/}: the merged file differs from the unsharded run's"
    n=$((n + 1))
  done
  say "  $n CSV files equal byte for byte: $(cd "$m" && ls ./*.csv | sed 's|^\./||' | tr '\n' ' ')"
}
setup_dir() { # setup_dir DIR CONFIG
  mkdir -p "$1/logs"
  ln -s ../fpsolve "$1/fpsolve"
  cp "$here/$2" "$here/shard.sh" "$here/merge.sh" "$1/"
}

a=$work/array
setup_dir "$a" small.toml
reference "$a" small.toml
say "unsharded run of small.toml (the reference): $(grep 'trained now' "$a/full.stdout")"
array_id=$(sl sbatch --parsable --chdir="$a" --array=0-3 --output="$a/logs/%x-%A_%a.out" \
  --error="$a/logs/%x-%A_%a.err" "$a/shard.sh" small.toml)
array_id=${array_id%%;*}
merge_id=$(sl sbatch --parsable --chdir="$a" --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
  --output="$a/logs/%x-%j.out" --error="$a/logs/%x-%j.err" "$a/merge.sh")
merge_id=${merge_id%%;*}
say "submitted the array job $array_id (tasks 0-3) and the merge job $merge_id (afterok:$array_id)"
wait_for 120 "array job $array_id and merge job $merge_id" job_done "$merge_id"
all_completed "$array_id" || {
  show_logs "$a"
  fail "array job $array_id: not every task COMPLETED with exit 0: $(sl scontrol -o show job "$array_id" | grep -o 'JobId=[0-9]* ArrayJobId=[0-9]* ArrayTaskId=[0-9]*\|JobState=[A-Z_]*' | tr '\n' ' ')"
}
all_completed "$merge_id" || {
  show_logs "$a"
  fail "merge job $merge_id did not complete (state $(job_state "$merge_id"))"
}
for i in 0 1 2 3; do
  [ -s "$a/shards/$i/shard.json" ] || fail "shards/$i has no shard.json"
done
say "array tasks and merge COMPLETED; shards/0-3 hold shard.json; $(tail -n 1 "$a/logs/fpsolve-merge-$merge_id.out")"
same_csvs "$a" "$a/results/small"
# merge's check of the shard set: a missing shard is named and nothing is written.
if (cd "$a" && ./fpsolve merge -out results/partial shards/0 shards/1 shards/3 >partial.out 2>partial.err); then
  fail "fpsolve merge accepted 3 of 4 shards"
fi
[ ! -e "$a/results/partial" ] || fail "fpsolve merge of 3 of 4 shards wrote results/partial"
say "merge of shards 0, 1, 3 refused: $(head -n 1 "$a/partial.err")"

# ---- 4. a task requeued mid-run resumes from its saved members ---------------------------------
b=$work/requeue
setup_dir "$b" requeue.toml
say "unsharded run of requeue.toml (the reference)"
reference "$b" requeue.toml
say "  $(grep 'trained now' "$b/full.stdout")"
rq_id=$(sl sbatch --parsable --chdir="$b" --array=0-1 --output="$b/logs/%x-%A_%a.out" \
  --error="$b/logs/%x-%A_%a.err" "$b/shard.sh" requeue.toml)
rq_id=${rq_id%%;*}
rq_merge=$(sl sbatch --parsable --chdir="$b" --dependency="afterok:$rq_id" --kill-on-invalid-dep=yes \
  --output="$b/logs/%x-%j.out" --error="$b/logs/%x-%j.err" "$b/merge.sh")
rq_merge=${rq_merge%%;*}
task=${rq_id}_0
store=$b/shards/0/runs/rbm
say "submitted the array job $rq_id (tasks 0-1) and the merge job $rq_merge; waiting for a member of task $task"
has_member() { compgen -G "$store/member-*.gob" >/dev/null; }
wait_for 60 "the first member under shards/0/runs/rbm" has_member
[ "$(job_state "$task")" = RUNNING ] || fail "task $task is $(job_state "$task"), not RUNNING, at its first member"
[ ! -e "$b/shards/0/shard.json" ] || fail "task $task finished before it could be requeued (make requeue.toml longer)"
# The members saved so far: name, inode and mtime. A member computed again would be a new file.
(cd "$store" && stat -c '%n %i %.9Y' member-*.gob) >"$b/before.txt"
sl scontrol requeue "$task"
say "scontrol requeue $task with $(wc -l <"$b/before.txt") of 8 members saved"
requeued_done() { [ "$(job_state "$task")" = COMPLETED ] && [ -e "$b/shards/0/shard.json" ]; }
wait_for 150 "requeued task $task to complete" requeued_done
restarts=$(sl scontrol -o show job "$task" | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
[ "${restarts:-0}" -ge 1 ] || fail "task $task shows Restarts=${restarts:-?}, expected >= 1"
err=$b/logs/fpsolve-rbm-${rq_id}_0.err
log=$b/logs/fpsolve-rbm-${rq_id}_0.out
grep -q 'interrupted by signal' "$err" ||
  fail "the first attempt of $task was not interrupted (no 'interrupted by signal' in its log): $(tail -n 2 "$err" | tr '\n' ' ')"
[ "$(grep -c 'starts at' "$log")" -ge 2 ] || fail "task $task's log shows $(grep -c 'starts at' "$log") attempts, expected 2"
last_start=$(grep 'starts at' "$log" | tail -n 1 | sed 's/.*starts at //')
while read -r name ino mtime; do
  now=$(stat -c '%n %i %.9Y' "$store/$name" 2>/dev/null | sed 's|.*/||') || fail "$name, saved before the requeue, is gone"
  [ "$now" = "$name $ino $mtime" ] || fail "$name, saved before the requeue, was written again ($now, was $name $ino $mtime)"
done <"$b/before.txt"
total=$(find "$store" -name 'member-*.gob' | wc -l)
[ "$total" -eq 8 ] || fail "shards/0 holds $total rbm members, expected 8 (runs 0, 2, ..., 14 of 16)"
trained=$(find "$store" -name 'member-*.gob' -newermt "@$last_start" | wc -l)
kept=$((total - trained))
[ "$trained" -ge 1 ] && [ "$trained" -lt 8 ] ||
  fail "the rerun of $task trained $trained of 8 members; expected between 1 and 7"
say "  $task: restarted $restarts time(s); the rerun kept $kept saved members (the $(wc -l <"$b/before.txt") seen before the requeue unchanged) and trained $trained now"
wait_for 90 "merge job $rq_merge" job_done "$rq_merge"
all_completed "$rq_id" || {
  show_logs "$b"
  fail "array job $rq_id: not every task COMPLETED"
}
all_completed "$rq_merge" || {
  show_logs "$b"
  fail "merge job $rq_merge did not complete (state $(job_state "$rq_merge"))"
}
say "merge job $rq_merge COMPLETED: $(grep 'trained now' "$b/logs/fpsolve-merge-$rq_merge.out")"
same_csvs "$b" "$b/results/small"

say "all checks passed in $((SECONDS - t_start))s"
passed=1
