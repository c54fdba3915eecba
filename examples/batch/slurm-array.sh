#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One OpenScan run (a folder of scan_1.jpg ... scan_N.jpg, 8 frames per position), stacked by
# 8 Slurm array tasks, each taking one shard: every 8th stack, from its own. The shards are
# disjoint and cover the run, so the tasks need no coordination; they only share OUT.
#
#   sbatch --export=ALL,SCAN=/shared/scans/run42,OUT=/shared/stacked/run42 slurm-array.sh
#   sbatch --export=ALL,SCAN=...,OUT=...,REPORT=/shared/stacked/run42.jsonl slurm-array.sh
#
# Re-submitting the same script resumes: a stack whose result exists is skipped. Re-submitting
# only some tasks works too (`sbatch --array=3,5 ...`, or `scontrol requeue` of failed ones): a
# task's shard is its SLURM_ARRAY_TASK_ID of SHARDS, not of the tasks of this submission. A task
# exits non-zero if one of its stacks failed; its log ends with the failed stacks and why.
# REPORT (optional): every task appends one JSON line per stack to this file (fstack --report).
#
# Tested on a one-node Slurm 22.05 (Debian 12's slurm-wlm) by tests/cluster/slurm_test.cpp.
#SBATCH --job-name=fstack-batch
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --output=fstack-batch-%A_%a.log
set -euo pipefail

: "${SCAN:?set SCAN to the folder of the scan run}"
: "${OUT:?set OUT to the folder for the results}"
: "${SLURM_ARRAY_TASK_ID:?submit this script as an array job (sbatch --array=1-8)}"
# The N of --shard I/N: the size of the whole array above. Not SLURM_ARRAY_TASK_COUNT, which
# counts the tasks of this submission only (1 when one task is resubmitted).
SHARDS=${SHARDS:-8}
if [ "$SLURM_ARRAY_TASK_ID" -lt 1 ] || [ "$SLURM_ARRAY_TASK_ID" -gt "$SHARDS" ]; then
  echo "array task $SLURM_ARRAY_TASK_ID is outside 1..$SHARDS (set SHARDS to the array's size)" >&2
  exit 2
fi

# Without --max-memory fstack takes half of the memory the job's cgroup allows (here 8G; `fstack
# info` prints what it sees); --jobs follows --cpus-per-task.
exec fstack batch "$SCAN" -o "$OUT" \
    --stack-size 8 \
    --stacker focusmeasure \
    --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" \
    ${REPORT:+--report "$REPORT"}
