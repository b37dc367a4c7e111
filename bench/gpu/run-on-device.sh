#!/usr/bin/env bash
# Runs on the lent GPU machine (PyTorch 2.x with its bundled CUDA LibTorch, none of Debian's
# libraries). Builds mcr-train, mcr-synth and mcr-model-bench with the project's own CMake
# against that LibTorch and against Debian 12's packages carried in .gpu/debs
# (bench/gpu/pack-debs.sh), then, in order of importance, so that a cut-off run still
# returns what it finished:
#   1. mcr-model-bench: MCR vs dual-stream step time and peak allocated GPU memory; embedding
#      throughput (docs/benchmarks.md, "GPU");
#   2. mcr-synth over the IU reports in .gpu/iu (when carried; never committed), then
#      mcr-train fit + eval on cuda: the small config at its preset 128 px and at 256 px.
# Output under $OUT: summary.md (everything worth reading), build/configure logs, each
# fit's train.jsonl and eval JSON. Environment: MCR_GPU_SKIP_BENCH=1 skips step 1 (a rerun
# for the fits); MCR_GPU_SECONDS (default 570) is the time the whole run may take, which
# bounds the fits.
set -uo pipefail
out=${OUT:-/tmp/out}; mkdir -p "$out"
root=$PWD
say() { echo "$*" | tee -a "$out/summary.md"; }
stage() { say ""; say "## $* ($(date +%T))"; }
t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - t0 )); }

stage "machine"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda)'
  c++ --version | head -1; cmake --version | head -1; nproc; } 2>&1 | tee -a "$out/summary.md"

# Debian's packages go to a private prefix, not into /: the machine's own libraries stay.
ls .gpu/debs/*.deb > /dev/null 2>&1 || { say "no .gpu/debs: run bench/gpu/pack-debs.sh here and carry .gpu/debs"; exit 1; }
deb=/tmp/deb libs=/tmp/mcr-libs
mkdir -p $deb $libs
for f in .gpu/debs/*.deb; do dpkg -x "$f" $deb; done
find_lib() { find $deb/usr/lib/x86_64-linux-gnu $deb/lib/x86_64-linux-gnu -maxdepth 1 -name "$1" 2>/dev/null | head -1; }
# The libraries the project links, then whatever of their dependencies this machine lacks.
for so in 'libdcm*.so.17' 'libof*.so.17' 'libijg*.so.17' 'libi2d.so.17' 'libcmr.so.17' 'libboost_*.so.1.81.0' \
          'libfmt.so.9' 'libspdlog.so.1.10' 'libcpp-httplib.so.0.11' 'libprotobuf.so.32' 'libprotoc.so.32' \
          'libbenchmark.so.1debian'; do
  for f in $(find $deb/usr/lib/x86_64-linux-gnu -maxdepth 1 -name "$so"); do ln -sf "$f" $libs/; done
done
for round in 1 2 3 4 5; do
  missing=$(for f in $libs/*; do LD_LIBRARY_PATH=$libs ldd "$f" 2>/dev/null | awk '/not found/{print $1}'; done | sort -u)
  [ -z "$missing" ] && break
  for so in $missing; do
    f=$(find_lib "$so"); if [ -n "$f" ]; then ln -sf "$f" $libs/$so; else say "not carried: $so"; fi
  done
done
# DCMTK's CMake targets name its third-party libraries by absolute development paths
# (/usr/lib/x86_64-linux-gnu/libtiff.so, ...) that this machine lacks. Point them at the
# machine's own library of the same soname where it has one, else at the carried copy.
dev=$deb/devlinks; mkdir -p $dev
for pair in nsl:libnsl crypto:libcrypto ssl:libssl jpeg:libjpeg png:libpng16 tiff:libtiff wrap:libwrap xml2:libxml2 z:libz; do
  name=${pair%%:*}
  soname=$(find $deb/usr/lib/x86_64-linux-gnu $deb/lib/x86_64-linux-gnu -maxdepth 1 -name "${pair#*:}.so.*" -printf '%f\n' 2>/dev/null | sort | head -1)
  [ -n "$soname" ] || { say "no carried soname for lib$name"; continue; }
  target=$libs/$soname
  [ -e "$target" ] || target=$(ldconfig -p | awk -v s="$soname" '$1 == s {print $NF; exit}')
  [ -n "$target" ] || target=$(find_lib "$soname")
  ln -sf "$target" $dev/lib$name.so
done
sed -i "s|/usr/lib/x86_64-linux-gnu/lib\([a-z0-9]*\)\.so|$dev/lib\1.so|g" $deb/usr/lib/x86_64-linux-gnu/cmake/dcmtk/DCMTKTargets*.cmake
ls -l $dev | awk 'NR > 1 {print $9, $11}' | tee -a "$out/summary.md"
say "Debian libraries used from .gpu/debs: $(ls $libs | wc -l) ($(ls $libs | grep -v -E '^lib(dcm|of|ijg|i2d|cmr)' | tr '\n' ' '))"
export LD_LIBRARY_PATH=$libs

stage "configure and build"
tp=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
export PATH=$PATH:/usr/local/cuda/bin
nvcc=$(command -v nvcc)
b=/tmp/build
cmake -S "$root" -B $b -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMCR_WITH_PLUGIN=OFF -DMCR_WITH_TESTS=OFF -DMCR_WITH_BENCH=ON \
  -DCMAKE_PREFIX_PATH="$deb/usr;$tp" -DCMAKE_CUDA_COMPILER="$nvcc" -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DTORCH_CUDA_ARCH_LIST=9.0 -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
  -DProtobuf_PROTOC_EXECUTABLE=$deb/usr/bin/protoc -DProtobuf_INCLUDE_DIR=$deb/usr/include \
  -DProtobuf_LIBRARY=$deb/usr/lib/x86_64-linux-gnu/libprotobuf.so \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,--no-as-needed -L$dev -Wl,-rpath-link,$libs" > "$out/configure.log" 2>&1 \
  || { say "configure failed:"; grep -A8 -m5 "CMake Error" "$out/configure.log" | tee -a "$out/summary.md"; exit 1; }
grep -E "^(DCMTK_DIR|Boost_DIR|Torch_DIR|HNSWLIB_INCLUDE_DIR|CMAKE_CXX_COMPILER):" $b/CMakeCache.txt | tee -a "$out/summary.md"
# -k 0: one failing file does not hide the others' errors.
time cmake --build $b -j "$(nproc)" --target mcr-train mcr-synth mcr-model-bench -- -k 0 > "$out/build.log" 2>&1
rc=$?
say "build rc $rc after $(elapsed) s"
if [ $rc -ne 0 ]; then grep -B2 -A6 "error" "$out/build.log" | head -150 | tee -a "$out/summary.md"; exit 1; fi

# The build folder's RUNPATH reaches the carried Debian libraries too (libxml2 needing ICU 72,
# say): link whatever the programs themselves still miss.
for round in 1 2 3; do
  missing=$(ldd $b/trainer/mcr-train $b/synth/mcr-synth $b/bench/model/mcr-model-bench | awk '/not found/{print $1}' | sort -u)
  [ -z "$missing" ] && break
  for so in $missing; do f=$(find_lib "$so"); [ -n "$f" ] && ln -sf "$f" $libs/$so || say "not carried: $so"; done
done

if [ "${MCR_GPU_SKIP_BENCH:-0}" != 1 ]; then
stage "MCR vs dual-stream step, embedding throughput (cuda)"
bench=$b/bench/model/mcr-model-bench
for cfg in small tiny; do
  say "### step, config $cfg, batch 64, cuda, bf16"
  timeout 120 $bench step --config $cfg --batch 64 --steps 30 --device cuda --precision bf16 2>&1 | tee -a "$out/summary.md"
done
say "### embed, config small, cuda"
timeout 120 $bench embed --config small --device cuda --seconds 3 2>&1 | tee -a "$out/summary.md"

fi
[ -f .gpu/iu/indiana_reports.csv ] || { say "no IU reports carried: no fits"; exit 0; }
stage "IU-phantom data (mcr-synth) and fits on cuda"
data=/tmp/iu-png
$b/synth/mcr-synth --reports .gpu/iu/indiana_reports.csv --projections .gpu/iu/indiana_projections.csv \
  --out $data --format png --size 256 --seed 20261127 --threads "$(nproc)" 2>&1 | tail -2 | tee -a "$out/summary.md"
recipe="--config small --objective mcr --aggregation mba --steps 2600 --batch 64 --lr 1e-3 --warmup 200
  --rewrite-rate 0.5 --sentence-rate 0.3 --positives findings --seed 1 --eval-every 650 --checkpoint-every 1300
  --device cuda --threads 4 --quiet"
budget=$(( ${MCR_GPU_SECONDS:-570} - $(elapsed) ))   # seconds left of the call's limit, for the fits and evals
[ $budget -gt 150 ] || { say "only ${budget} s left: no fits"; exit 0; }
say "fits get ${budget} s (minus evals)"
fit() {  # name, extra options
  local name=$1; shift
  # SIGINT, not timeout's SIGTERM: mcr-train then checkpoints and train.jsonl keeps every evaluation.
  timeout -s INT -k 20 $((budget - 45)) $b/trainer/mcr-train fit --manifest $data/manifest.csv --out /tmp/$name $recipe "$@" \
    > "$out/$name.fit.log" 2>&1
  cp /tmp/$name/train.jsonl "$out/$name.train.jsonl" 2>/dev/null
  [ -f /tmp/$name/model.bundle ] || { echo "$name stopped before its last step: no bundle, no final eval" >> "$out/$name.fit.log"; return; }
  timeout 40 $b/trainer/mcr-train eval --model /tmp/$name/model.bundle \
    --manifest $data/manifest.csv --split val --json > "$out/$name.eval-val.txt" 2>&1
}
fit small128 &
fit small256 --image-size 256 &
wait
for name in small128 small256; do
  say "### $name"
  tail -3 "$out/$name.fit.log" | tee -a "$out/summary.md"
  grep '"type":"eval"' "$out/$name.train.jsonl" 2>/dev/null | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    m = e["metrics"]
    print("step", e["step"], "probe macro P@10 %.3f" % m["probes"]["macro_P@10"],
          "abnormal findings R@10 %.3f / %.3f" % (m["i2t"]["findings_abnormal"]["R@10"], m["t2i"]["findings_abnormal"]["R@10"]))' \
    | tee -a "$out/summary.md"
  tail -1 "$out/$name.eval-val.txt" 2>/dev/null | tee -a "$out/summary.md"
done
say "total $(elapsed) s"
