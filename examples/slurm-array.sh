#!/bin/bash
# A sweep split over the tasks of a SLURM job array: task i runs shard i of N (the points
# p with p mod N = i) on all the CPUs it is given, into results/<run>/shard-i-of-N/;
# a requeued task continues its shard from its journal (--resume).
#   jobid=$(sbatch --parsable examples/slurm-array.sh)
#   sbatch --dependency=afterok:$jobid --wrap "npx cyclops merge results/systolic-space"
#SBATCH --job-name=cyclops-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=8
#SBATCH --mem=4G
#SBATCH --time=02:00:00
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
npx cyclops sweep examples/sweep-systolic.yaml \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
  --workers "${SLURM_CPUS_PER_TASK:-1}" --resume --out results
