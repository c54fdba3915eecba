#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One OpenScan run (a folder of scan_1.jpg ... scan_N.jpg, 8 frames per position), stacked by
# 8 Slurm array tasks, each taking one shard: every 8th stack, from its own. The shards are
# disjoint and cover the run, so the tasks need no coordination; they only share OUT.
#
#   sbatch --export=ALL,SCAN=/shared/scans/run42,OUT=/shared/stacked/run42 slurm-array.sh
#
# Re-submitting the same script (or `scontrol requeue` of failed tasks) resumes: a stack whose
# result exists is skipped. A task exits non-zero if one of its stacks failed; its log ends with
# the list of the failed stacks and why.
#SBATCH --job-name=fstack-batch
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --output=fstack-batch-%A_%a.log
set -euo pipefail

: "${SCAN:?set SCAN to the folder of the scan run}"
: "${OUT:?set OUT to the folder for the results}"

# --shard I/N with I = this task's index, N = the number of tasks. Without --max-memory fstack
# takes half of the memory the job's cgroup allows (here 8G); --jobs follows --cpus-per-task.
exec fstack batch "$SCAN" -o "$OUT" \
    --stack-size 8 \
    --stacker focusmeasure \
    --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
    --jobs "${SLURM_CPUS_PER_TASK}"
