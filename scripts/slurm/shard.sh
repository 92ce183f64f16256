#!/bin/bash
#SBATCH --job-name=fpsolve-rbm
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --time=00:05:00
#SBATCH --requeue
#SBATCH --open-mode=append
# The README's array task (Scale-out) with a config argument (default small.toml) in place of
# big.toml and the array's size in place of 16. Each array task trains the runs with
# index = task mod N; a requeued or restarted task resumes from the runs it has already saved.
# --open-mode=append keeps the log of every attempt of a requeued task.
config=${1:-small.toml}
echo "fpsolve-rbm: task $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT attempt ${SLURM_RESTART_COUNT:-0} starts at $(date +%s.%N)"
./fpsolve -config "$config" -out shards/$SLURM_ARRAY_TASK_ID -shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT
