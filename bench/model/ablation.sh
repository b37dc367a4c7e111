#!/usr/bin/env bash
# The four-variant ablation of issue 4: MCR / dual-stream x MbA / AbM trained with the same
# data, seed, steps and recipe, then evaluated on the same split with `mcr-train eval --json`.
#
#   bench/model/ablation.sh MCR_TRAIN MANIFEST OUT_DIR [--split val|test] [-- extra fit args]
#
# Example (docs/benchmarks.md, "Four-variant ablation"):
#   bench/model/ablation.sh build/trainer/mcr-train /tmp/iu-png/manifest.csv /tmp/ablation \
#     --split test -- --config tiny --steps 1500 --batch 64 --lr 2e-3 --warmup 150 --threads 2
#
# Writes OUT_DIR/<variant>/ (fit output), OUT_DIR/<variant>.eval.json (the eval's JSON line)
# and OUT_DIR/ablation.md (one table, random baseline beside each number). Variants run one
# after another so each has the machine to itself; wall time and median step time are
# recorded from the fit's own log.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  sed -n 2,13p "$0" >&2
  exit 2
fi
train=$1 manifest=$2 out=$3
shift 3
split=test
if [[ ${1:-} == --split ]]; then split=$2; shift 2; fi
if [[ ${1:-} == -- ]]; then shift; fi
mkdir -p "$out"

for objective in mcr dual-stream; do
  for aggregation in mba abm; do
    variant=$objective-$aggregation
    if [[ -f $out/$variant.eval.json ]]; then
      echo "== $variant: already done ($out/$variant.eval.json)"
      continue
    fi
    echo "== $variant"
    rm -rf "${out:?}/$variant"
    start=$(date +%s)
    "$train" fit --manifest "$manifest" --out "$out/$variant" --objective "$objective" --aggregation "$aggregation" \
      --quiet "$@" >"$out/$variant.fit.log" 2>&1
    end=$(date +%s)
    echo $((end - start)) >"$out/$variant.wall_s"
    "$train" eval --model "$out/$variant/model.bundle" --manifest "$manifest" --split "$split" --json \
      >"$out/$variant.eval.txt" 2>"$out/$variant.eval.err"
    tail -n 1 "$out/$variant.eval.txt" >"$out/$variant.eval.json"
  done
done

python3 - "$out" "$split" <<'PY'
import json, statistics, sys, pathlib
out, split = pathlib.Path(sys.argv[1]), sys.argv[2]
variants = ["mcr-mba", "mcr-abm", "dual-stream-mba", "dual-stream-abm"]
rows, random = [], None
for v in variants:
    e = json.loads((out / f"{v}.eval.json").read_text())
    steps = [json.loads(l) for l in (out / v / "train.jsonl").read_text().splitlines()]
    secs = [s["seconds"] for s in steps if s.get("type") == "step"]
    rows.append((v, e, statistics.median(secs), len(secs), int((out / f"{v}.wall_s").read_text())))
    random = e["random"]
def r(d, direction, kind):
    x = d[direction][kind]
    return x["R@10"] if x else float("nan")
lines = [f"Split: {split}, n = {rows[0][1]['n']} studies (whole split as gallery).", "",
         "| variant | steps | median s/step | wall s | i2t R@10 exact | t2i R@10 exact | i2t R@10 findings | t2i R@10 findings "
         "| i2t R@10 findings, abnormal | t2i R@10 findings, abnormal | probe macro P@10 |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
def row(name, e, extra):
    p = e["probes"]["macro_P@10"]
    cells = [r(e, "i2t", "exact"), r(e, "t2i", "exact"), r(e, "i2t", "findings"), r(e, "t2i", "findings"),
             r(e, "i2t", "findings_abnormal"), r(e, "t2i", "findings_abnormal"), p if p is not None else float("nan")]
    return f"| {name} | {extra} | " + " | ".join(f"{c:.3f}" for c in cells) + " |"
for v, e, med, n, wall in rows:
    lines.append(row(v, e, f"{n} | {med:.3f} | {wall}"))
lines.append(row("random ranking", random, "– | – | –"))
lines += ["", "Per-probe P@10:", "", "| probe | " + " | ".join(v for v, *_ in rows) + " | random |",
          "|---|" + "---|" * (len(rows) + 1)]
for q in rows[0][1]["probes"]["per_query"]:
    lines.append(f"| {q} | " + " | ".join(f"{e['probes']['per_query'][q]:.1f}" for _, e, *_ in rows) +
                 f" | {random['probes']['per_query'][q]:.3f} |")
(out / "ablation.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
PY
