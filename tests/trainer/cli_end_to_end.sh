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
# The probe ceiling fits on the train split, so it refuses to score that split.
if "$train" eval --model "$work/run/model.bundle" --manifest "$work/data/manifest.csv" --split all --probe-ceiling \
    2> "$work/err.txt"; then
  echo "--probe-ceiling accepted --split all" >&2; exit 1
fi
grep -q "train split" "$work/err.txt"
# On the 60-study set no class reaches 5 positives in the test split: said, not silent.
"$train" eval --model "$work/run/model.bundle" --manifest "$work/data/manifest.csv" --split test --probe-ceiling \
  --precision fp32 > /dev/null 2> "$work/err.txt"
grep -q "no probe was scored" "$work/err.txt"
# 400 studies (seed 4): the test split holds a class with the 5 positives a probe needs.
"$synth" --grammar 400 --out "$work/data400" --format png --size 64 --seed 4 --threads 2 > "$work/synth400.log"
"$train" eval --model "$work/run/model.bundle" --manifest "$work/data400/manifest.csv" --split test --probe-ceiling \
  --json --precision fp32 > "$work/ceiling.txt"
python3 - "$(tail -n 1 "$work/ceiling.txt")" <<'PY'
import json, sys
p = json.loads(sys.argv[1])["probes"]
assert p["per_query"], "no probe was scored: the check below would be empty"
assert set(p["image_ceiling"]["per_query"]) == set(p["per_query"]), p
assert 0.0 <= p["image_ceiling"]["macro_P@10"] <= 1.0, p
print("probe ceiling ok:", len(p["per_query"]), "probes")
PY
"$train" export --from "$work/run" --out "$work/exported.bundle" --name mcr-ci
test -s "$work/exported.bundle"
# A bad bundle is a clear error, not a crash.
head -c 100 "$work/exported.bundle" > "$work/truncated.bundle"
if "$train" eval --model "$work/truncated.bundle" --manifest "$work/data/manifest.csv" 2> "$work/err.txt"; then
  echo "truncated bundle was accepted" >&2; exit 1
fi
grep -q "truncated" "$work/err.txt"
# The training recipe's options from the command line: text and image augmentation, finding-set
# positives, mask ratio, the token-to-patch alignment loss and the image geometry reach the run
# and its log.
"$train" fit --manifest "$work/data/manifest.csv" --out "$work/recipe" --config tiny --vocab 300 --steps 3 --batch 8 \
  --rewrite-rate 0.5 --sentence-rate 0.3 --positives findings --image-augment 1 --image-mask 0.25 --local-weight 0.5 \
  --image-size 96 --patch-size 16 --patch-embedding conv --eval-every 3 --checkpoint-every 3 --precision fp32 --threads 2 --quiet
python3 - "$work/recipe/train.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
settings = next(l for l in lines if l.get("type") == "settings")
assert settings["image_augment"] == 1 and settings["positives"] == "findings", settings
assert settings["config"]["localWeight"] == 0.5 and settings["config"]["imageMaskRatio"] == 0.25, settings
assert settings["config"]["imageSize"] == 96 and settings["config"]["patchSize"] == 16, settings
assert settings["config"]["patchEmbedding"] == "conv", settings
steps = [l for l in lines if l.get("type") == "step"]
assert len(steps) == 3 and all(s["local"] > 0 for s in steps), steps
print("recipe options ok")
PY
# An out-of-range option is refused before any work.
if "$train" fit --manifest "$work/data/manifest.csv" --out "$work/bad" --config tiny --steps 2 --image-augment 3 \
  --quiet 2> "$work/err2.txt"; then
  echo "--image-augment 3 was accepted" >&2; exit 1
fi
grep -q "image-augment" "$work/err2.txt"
echo "cli end to end ok"
