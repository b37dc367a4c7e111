#!/usr/bin/env bash
# Installs the browser tests' npm packages (playwright-core, pinned by package-lock.json) into
# tests/webviewer/node_modules with `npm ci`, unless exactly those versions are already there.
# Used as the CTest fixture of the browser tests; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")"
command -v npm >/dev/null || { echo "ensure-node-deps: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
installed=node_modules/.package-lock.json
# npm ci writes node_modules/.package-lock.json; if its package entries equal the lockfile's,
# nothing needs installing.
if [[ -f $installed ]] && node -e '
  const fs = require("fs");
  const want = JSON.parse(fs.readFileSync("package-lock.json")).packages;
  const have = JSON.parse(fs.readFileSync(process.argv[1])).packages;
  const key = (p) => JSON.stringify(Object.entries(p).filter(([k]) => k).map(([k, v]) => [k, v.version, v.integrity]).sort());
  process.exit(key(want) === key(have) ? 0 : 1);' "$installed"; then
  echo "ensure-node-deps: node_modules matches package-lock.json"
  exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund
