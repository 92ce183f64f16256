#!/bin/bash
#SBATCH --job-name=fpsolve-merge
#SBATCH --cpus-per-task=1
#SBATCH --time=00:05:00
# The README's merge job, submitted with --dependency=afterok:<array job id>.
./fpsolve merge -out results/small shards/*
