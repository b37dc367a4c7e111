#!/usr/bin/env bash
# Prints the Debian packages that provide the shared libraries the given binaries link
# (one per line, sorted), so the runtime image installs exactly those and nothing drifts
# from the build. Usage: docker/runtime-packages.sh BINARY...
set -euo pipefail
(($#)) || { echo "usage: $0 BINARY..." >&2; exit 2; }
for binary in "$@"; do
  [[ -f $binary ]] || { echo "runtime-packages: no such file: $binary" >&2; exit 1; }
  if ldd "$binary" | grep -q 'not found'; then
    ldd "$binary" | grep 'not found' >&2
    echo "runtime-packages: $binary has unresolved libraries" >&2
    exit 1
  fi
done
for binary in "$@"; do
  ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
done | sort -u | while read -r library; do
  # Debian 12 is usr-merged: a package may have registered /lib/... or /usr/lib/....
  real=$(realpath "$library")
  for candidate in "$library" "$real" "/usr${library#/usr}" "${real#/usr}"; do
    if owner=$(dpkg-query -S "$candidate" 2>/dev/null); then
      echo "${owner%%:*}"   # "libfoo1:amd64: /path" -> "libfoo1"
      continue 2
    fi
  done
  echo "runtime-packages: no Debian package owns $library" >&2
  exit 1
done | sed 's/, /\n/g' | sort -u
