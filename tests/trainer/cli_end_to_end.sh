#!/bin/bash
# mcr-synth -> mcr-train init / fit / eval --json / export, with tiny sizes.
set -euo pipefail
synth=$1 train=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$synth" --grammar 60 --out "$work/data" --format png --size 64 --seed 3 --threads 2 > "$work/synth.log"
"$train" init --config tiny --corpus "$work/data/manifest.csv" --out "$work/init.bundle" --vocab 300
"$train" fit --manifest "$work/data/manifest.csv" --init "$work/init.bundle" --out "$work/run" --steps 4 --batch 8 \
  --eval-every 2 --checkpoint-every 2 --precision fp32 --threads 2 --quiet
test -s "$work/run/model.bundle" && test -s "$work/run/curves.svg" && test -s "$work/run/train.jsonl"
"$train" eval --model "$work/run/model.bundle" --manifest "$work/data/manifest.csv" --split all --json \
  --precision fp32 > "$work/eval.txt"
last=$(tail -n 1 "$work/eval.txt")
python3 - "$last" <<'PY'
import json, sys
m = json.loads(sys.argv[1])
assert m["n"] > 0, m
for d in ("i2t", "t2i"):
    for h in ("exact", "findings"):
        for k in ("R@1", "R@5", "R@10"):
            assert 0.0 <= m[d][h][k] <= 1.0, (d, h, k)
            assert 0.0 <= m["random"][d][h][k] <= 1.0
assert "macro_P@10" in m["probes"] and "per_query" in m["probes"]
print("eval json ok:", m["n"], "studies")
PY
"$train" export --from "$work/run" --out "$work/exported.bundle" --name mcr-ci
test -s "$work/exported.bundle"
# A bad bundle is a clear error, not a crash.
head -c 100 "$work/exported.bundle" > "$work/truncated.bundle"
if "$train" eval --model "$work/truncated.bundle" --manifest "$work/data/manifest.csv" 2> "$work/err.txt"; then
  echo "truncated bundle was accepted" >&2; exit 1
fi
grep -q "truncated" "$work/err.txt"
echo "cli end to end ok"
