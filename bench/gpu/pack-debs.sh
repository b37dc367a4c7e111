#!/usr/bin/env bash
# Run here (Debian 12, with apt) before a GPU run: puts into .gpu/ (git-ignored) what
# bench/gpu/run-on-device.sh needs on a machine that has PyTorch's CUDA LibTorch but none of
# Debian's libraries:
#   .gpu/debs/  the Debian 12 packages the project builds against (headers, CMake configs,
#               shared libraries) and their runtime dependencies, about 38 MB;
#   .gpu/iu/    the shared IU report tables, when they sit beside the checkout. They travel
#               to the lent machine for the fits and are never committed (PROVENANCE.md).
# Then: device run with carry [".gpu/debs", ".gpu/iu"] and command
#   bash bench/gpu/run-on-device.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$root/.gpu/debs"
cd "$root/.gpu/debs"
rm -f ./*.deb
# Build dependencies (the same list as scripts/install-deps.sh's, less Orthanc and LibTorch).
build_pkgs="libdcmtk-dev libdcmtk17 libboost1.81-dev libboost-json1.81-dev libboost-json1.81.0
  libboost-container1.81-dev libboost-container1.81.0 libfmt-dev libfmt9 libspdlog-dev libspdlog1.10
  libcli11-dev libstb-dev libstb0 libcpp-httplib-dev libcpp-httplib0.11 libhnswlib-dev libprotobuf-dev
  libprotobuf32 libprotoc32 protobuf-compiler zlib1g-dev libgtest-dev libbenchmark-dev libbenchmark1debian"
# Runtime dependencies of those libraries (DCMTK: libxml2, libtiff, libpng, libwrap, OpenSSL;
# cpp-httplib: brotli). The device script links only those the machine lacks.
runtime_pkgs="libbrotli1 libbrotli-dev libcom-err2 libdeflate0 libgssapi-krb5-2 libicu72 libjbig0 libjpeg62-turbo
  libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0 liblerc4 liblzma5 libnsl2 libpng16-16 libssl3
  libtiff6 libtirpc3 libwebp7 libwrap0 libxml2 libzstd1 zlib1g"
# shellcheck disable=SC2086
apt-get download $build_pkgs $runtime_pkgs
du -sh "$root/.gpu/debs"
iu="$root/../shared/data/iu_xray_reports"
if [ -f "$iu/indiana_reports.csv" ]; then
  mkdir -p "$root/.gpu/iu"
  cp "$iu/indiana_reports.csv" "$iu/indiana_projections.csv" "$root/.gpu/iu/"
fi
