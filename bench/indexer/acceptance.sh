#!/usr/bin/env bash
# The indexer's acceptance measurements (issue 7), as recorded in docs/benchmarks.md.
# usage: bench/indexer/acceptance.sh [path/to/mcr-index] [--with-1m]
# Prints each run's output; the last line of each is its JSON summary. Hours on 2 cores
# with --with-1m (the 1M build is single-threaded through the logged add path).
set -euo pipefail
mcr_index=${1:-build/indexer/mcr-index}
echo "machine: $(lscpu | grep 'Model name' | sed 's/  */ /g'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$mcr_index" bench --n 100000 --dim 256 --threads 2 --data clustered --json
"$mcr_index" bench --n 100000 --dim 256 --threads 2 --data uniform --queries 200 \
    --ef 16 64 128 200 512 1024 2048 4096 --json
if [[ " $* " == *" --with-1m "* ]]; then
  "$mcr_index" bench --n 1000000 --dim 256 --threads 2 --data clustered --queries 100 --ef 16 32 64 128 --json
fi
