#!/usr/bin/env bash
# Installs every Debian 12 package orthanc-mcr needs to build, test and run.
# Idempotent; run as root. Only Boost 1.81 components are installed: the
# Boost 1.74 dev packages (libboost-dev, liborthancframework-dev) conflict.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-pthread
  libdcmtk-dev dcmtk
  libhnswlib-dev
  libboost-json1.81-dev
  libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libspdlog-dev libfmt-dev libstb-dev libcpp-httplib-dev
  orthanc orthanc-dev
  zlib1g-dev
  python3            # config/systemd/mcr-finetune
)
TEST_PACKAGES=(
  clang-14 libclang-rt-14-dev      # libFuzzer targets and sanitizers
  python3-pydicom libgdcm3.0 libgdcm-tools dicom3tools  # real DICOM test files, validators
  orthanc-gdcm                     # JPEG 2000 decoder behind the plugin's fallback path (integration test)
  chromium curl
)

want=("${BUILD_PACKAGES[@]}")
if [[ "${1:-}" == "--with-tests" ]]; then
  want+=("${TEST_PACKAGES[@]}")
  # The browser tests need Node.js and npm; use the machine's own if it has them.
  command -v npm >/dev/null || want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  # Installing 'orthanc' would start its system service on 8042/4242; keep it off.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# LibTorch calls whatever libblas.so.3 is selected: prefer OpenBLAS (pthread), ~10x reference BLAS.
blas=$(ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 2>/dev/null || true)
if [[ -n "$blas" ]]; then
  update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas" >/dev/null
  lapack=/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3
  [[ -e $lapack ]] && update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$lapack" >/dev/null || true
fi
# A system Orthanc service (if systemd runs here) must not hold the default ports.
if command -v systemctl >/dev/null && systemctl is-active --quiet orthanc 2>/dev/null; then
  systemctl disable --now orthanc >/dev/null 2>&1 || true
fi
echo "install-deps: all packages present"
