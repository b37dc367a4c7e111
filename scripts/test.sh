#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine (as root) or an existing checkout:
# installs packages, fetches the real DICOM test files, builds and runs
#   1. every GoogleTest suite and integration test (g++, RelWithDebInfo),
#   2. the torch-free suites again under ASan+UBSan, and the concurrency suites under TSan,
#   3. every libFuzzer target for a bounded number of runs (clang, ASan).
# Exits non-zero on any failure. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${MCR_JOBS:-$(nproc)}

bash scripts/install-deps.sh --with-tests
bash scripts/fetch-test-data.sh

export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}   # default ccache dir: a machine that built before rebuilds from cache
export CCACHE_NOHASHDIR=1                     # let the four build trees share cache entries
export CTEST_OUTPUT_ON_FAILURE=1
status=0

step() { printf '\n==== %s\n' "$*"; }

step "main build (g++)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCR_WITH_BENCH=OFF -DMCR_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
step "tests"
ctest --test-dir build -j "$jobs" --label-exclude 'bench' || status=1

step "ASan+UBSan build of the torch-free code"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMCR_SANITIZE=address -DMCR_WERROR=ON \
      -DMCR_WITH_TORCH=OFF -DMCR_WITH_PLUGIN=OFF -DMCR_WITH_BENCH=OFF >/dev/null
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan -j "$jobs" --label-regex 'sanitize' || status=1

step "TSan build of the concurrent code"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMCR_SANITIZE=thread -DMCR_WERROR=ON \
      -DMCR_WITH_TORCH=OFF -DMCR_WITH_PLUGIN=OFF -DMCR_WITH_BENCH=OFF >/dev/null
cmake --build build-tsan -j "$jobs"
ctest --test-dir build-tsan -j "$jobs" --label-regex 'tsan' || status=1

step "libFuzzer targets (clang 14, ASan)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMCR_FUZZ=ON -DMCR_SANITIZE=address -DMCR_WERROR=ON \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DMCR_WITH_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "$jobs"
ctest --test-dir build-fuzz -j "$jobs" --label-regex 'fuzz' || status=1

if ((status)); then echo "test.sh: FAILED"; else echo "test.sh: all suites passed"; fi
exit $status
