#!/usr/bin/env bash
# Runs on the lent GPU machine (PyTorch 2.x with CUDA, no Debian libraries): builds the
# model benchmark against PyTorch's bundled LibTorch and records MCR vs dual-stream step
# time / peak memory and embedding throughput on the GPU. Output: $OUT/gpu-bench.md
set -uo pipefail
out=${OUT:-/tmp/out}; mkdir -p "$out"
hdr=/tmp/mcr-headers; mkdir -p $hdr && tar xJf .gpu/headers.tar.xz -C $hdr
prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda)'; } | tee "$out/gpu-bench.md"
cmake -S bench/gpu -B /tmp/gpu-build -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DMCR_HEADERS=$hdr \
  -DCMAKE_CUDA_ARCHITECTURES=90 > "$out/configure.log" 2>&1 || { tail -40 "$out/configure.log"; exit 1; }
cmake --build /tmp/gpu-build -j 16 > "$out/build.log" 2>&1 || { grep -m20 -A5 'error' "$out/build.log"; exit 1; }
b=/tmp/gpu-build/mcr-model-bench
for cfg in small tiny; do
  echo "## step, config $cfg, batch 64, cuda, bf16" | tee -a "$out/gpu-bench.md"
  $b step --config $cfg --batch 64 --steps 20 --device cuda --precision bf16 2>&1 | tee -a "$out/gpu-bench.md"
done
echo "## embed, config small, cuda" | tee -a "$out/gpu-bench.md"
$b embed --config small --device cuda --seconds 3 2>&1 | tee -a "$out/gpu-bench.md"
