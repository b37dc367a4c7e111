#!/usr/bin/env bash
# One-command demo of orthanc-mcr (the README's first command).
#
#   bash scripts/demo.sh            # then open the printed URL; Ctrl-C stops everything
#
# 1. installs the Debian packages (scripts/install-deps.sh; needs root when some are missing),
# 2. configures and builds the plugin and mcr-synth in build/ (reused when present),
# 3. generates synthetic demo studies with mcr-synth's own report grammar into .cache/demo
#    (reused when present),
# 4. starts Debian's Orthanc with the plugin and the default model on 127.0.0.1,
# 5. stores the studies over REST, waits until they are indexed (progress shown),
# 6. prints the URL of the search page and serves until Ctrl-C.
#
# Environment: MCR_DEMO_PORT (HTTP, default 8042), MCR_DEMO_DICOM_PORT (default 4242),
# MCR_DEMO_STUDIES (default 300), MCR_DEMO_MODEL (default: the model bundle under models/),
# MCR_DEMO_BUILD_DIR (default build), MCR_JOBS (build parallelism, default nproc).
# Every image is a synthetic phantom and every report is generated text: no patient data.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

http_port=${MCR_DEMO_PORT:-8042}
dicom_port=${MCR_DEMO_DICOM_PORT:-4242}
studies=${MCR_DEMO_STUDIES:-300}
build=${MCR_DEMO_BUILD_DIR:-$root/build}
jobs=${MCR_JOBS:-$(nproc)}
demo=$root/.cache/demo
data=$demo/studies
state=$demo/orthanc
url=http://127.0.0.1:$http_port

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

for port in "$http_port" "$dicom_port"; do
  [[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "port '$port' is not a TCP port number"
done
[[ $studies =~ ^[0-9]+$ ]] && ((studies > 0)) || die "MCR_DEMO_STUDIES='$studies' is not a positive number"

# ---- 1. packages ---------------------------------------------------------------------
say "Checking Debian packages (scripts/install-deps.sh)"
if ! bash scripts/install-deps.sh; then
  die "installing packages failed; run as root (sudo bash scripts/demo.sh) on Debian 12"
fi

# ---- 2. build --------------------------------------------------------------------------
export CCACHE_NOHASHDIR=1   # share ccache entries with the test build (default ccache dir)
if [[ ! -f $build/CMakeCache.txt ]]; then
  say "Configuring $build"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
say "Building the plugin and mcr-synth (incremental)"
cmake --build "$build" -j "$jobs" --target OrthancMCR mcr-synth
plugin=$(find "$build" -name 'libOrthancMCR.so' \( -type f -o -type l \) -print -quit)  # a symlink to the versioned file
synth=$(find "$build" -name 'mcr-synth' -type f -perm -u+x -print -quit)
[[ -n $plugin ]] || die "the build produced no libOrthancMCR.so under $build"
[[ -n $synth ]] || die "the build produced no mcr-synth under $build"

# ---- the model --------------------------------------------------------------------------
model=${MCR_DEMO_MODEL:-}
if [[ -z $model ]]; then
  model=$(find "$root/models" -maxdepth 1 -name '*.bundle' -type f 2>/dev/null | sort | head -n 1)
fi
if [[ -z $model || ! -f $model ]]; then
  die "no model bundle found (looked for models/*.bundle). The default model is committed under
      models/ (see docs/model.md for the command that trains it); or point MCR_DEMO_MODEL at a
      bundle made with 'mcr-train export'."
fi
model=$(realpath "$model")
say "Model: $model"

# ---- 3. demo studies -------------------------------------------------------------------
# Generated into a temporary folder and moved into place when complete, so an interrupted
# run is never mistaken for a finished one.
if [[ -f $data/.complete ]] && [[ $(cat "$data/.complete") == "$studies" ]]; then
  say "Reusing $studies demo studies in $data"
else
  say "Generating $studies synthetic studies with mcr-synth (report grammar)"
  rm -rf "$data.partial" "$data"
  mkdir -p "$demo"
  "$synth" --grammar "$studies" --out "$data.partial" --seed 2026 --format dicom
  echo "$studies" > "$data.partial/.complete"
  mv "$data.partial" "$data"
  rm -rf "$state"  # a new set of studies goes into a new Orthanc storage
fi

# An index embedded with another model cannot serve this one: start from fresh storage.
model_sum=$(sha256sum "$model" | cut -d' ' -f1)
if [[ -f $state/model.sha256 && $(cat "$state/model.sha256") != "$model_sum" ]]; then
  say "The model changed since the last run: storing and indexing the studies again"
  rm -rf "$state"
fi

# ---- 4. Orthanc --------------------------------------------------------------------------
if (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; then
  die "something already listens on 127.0.0.1:$http_port; choose another port with MCR_DEMO_PORT=..."
fi
mkdir -p "$state/storage"
echo "$model_sum" > "$state/model.sha256"
cat > "$state/orthanc.json" <<JSON
{
  "Name": "orthanc-mcr demo",
  "StorageDirectory": "$state/storage",
  "IndexDirectory": "$state/storage",
  "HttpPort": $http_port,
  "DicomPort": $dicom_port,
  "DicomAet": "MCRDEMO",
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "StableAge": 5,
  "SaveJobs": false,
  "Plugins": ["$plugin"],
  "MCR": { "ModelPath": "$model", "IndexDirectory": "$state/mcr-index" }
}
JSON

orthanc_pid=
stop() {
  trap - INT TERM EXIT
  if [[ -n $orthanc_pid ]] && kill -0 "$orthanc_pid" 2>/dev/null; then
    printf '\n'
    say "Stopping Orthanc"
    kill -TERM "$orthanc_pid" 2>/dev/null || true
    wait "$orthanc_pid" 2>/dev/null || true
  fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

say "Starting Orthanc on $url (log: $state/orthanc.log)"
/usr/sbin/Orthanc "$state/orthanc.json" >"$state/orthanc.log" 2>&1 &
orthanc_pid=$!
for _ in $(seq 1 300); do
  curl -sf "$url/system" >/dev/null 2>&1 && break
  kill -0 "$orthanc_pid" 2>/dev/null || { tail -n 30 "$state/orthanc.log" >&2; die "Orthanc exited at start (log above)"; }
  sleep 0.2
done
curl -sf "$url/system" >/dev/null || die "Orthanc did not answer on $url within 60 s"
curl -sf "$url/plugins/mcr/status" >/dev/null || die "Orthanc runs but the MCR plugin is not loaded (see $state/orthanc.log)"

# Crude JSON field readers (the demo must not need jq or python): first "key": value.
json_number() { grep -o "\"$1\" *: *[0-9]*" <<<"$2" | head -n 1 | grep -o '[0-9]*$' || echo 0; }
json_bool() { grep -o "\"$1\" *: *\(true\|false\)" <<<"$2" | head -n 1 | grep -o '[a-z]*$' || echo false; }
json_string() { grep -o "\"$1\" *: *\"[^\"]*\"" <<<"$2" | head -n 1 | sed 's/.*: *"\(.*\)"/\1/'; }

# ---- 5. store and index ----------------------------------------------------------------
mapfile -d '' files < <(find "$data" -name '*.dcm' -type f -print0 | sort -z)
((${#files[@]})) || die "no DICOM files under $data"
stored=$(json_number CountInstances "$(curl -sf "$url/statistics")")
if ((stored >= ${#files[@]})); then
  say "All ${#files[@]} instances already stored (reused storage)"
else
  say "Storing ${#files[@]} DICOM instances over REST"
  done_count=0
  for file in "${files[@]}"; do
    curl -sf -X POST -H 'Content-Type: application/dicom' --data-binary "@$file" "$url/instances" >/dev/null \
      || die "storing $file failed"
    done_count=$((done_count + 1))
    if ((done_count % 25 == 0 || done_count == ${#files[@]})); then
      printf '\r  stored %d/%d' "$done_count" "${#files[@]}"
    fi
  done
  printf '\n'
fi

total=$(json_number CountInstances "$(curl -sf "$url/statistics")")
say "Waiting until the plugin has indexed them"
while :; do
  status=$(curl -sf "$url/plugins/mcr/status") || die "the status route stopped answering (see $state/orthanc.log)"
  if [[ $(json_bool ready "$status") != true ]]; then
    die "the plugin cannot search: $(json_string unavailableReason "$status") (see $state/orthanc.log)"
  fi
  images=$(json_number images "$status"); reports=$(json_number reports "$status")
  skipped=$(json_number total "$(grep -o '"skipped" *: *{[^}]*' <<<"$status")")
  ignored=$(json_number ignored "$status"); queue=$(json_number queueLength "$status"); lag=$(json_number lag "$status")
  # Every stored instance ends up embedded, skipped (undecodable) or ignored (other modality).
  done_count=$((images + reports + skipped + ignored))
  printf '\r  indexed %d/%d instances (%d images, %d reports, %d skipped; queue %d, %d changes behind)  ' \
    "$done_count" "$total" "$images" "$reports" "$skipped" "$queue" "$lag"
  if ((lag == 0 && queue == 0 && done_count >= total)); then break; fi
  sleep 1
done
printf '\n'

# ---- 6. serve -----------------------------------------------------------------------------
cat <<EOF2

  The search page is ready:   $url/mcr/app/
  Try for example:            $url/mcr/app/#text=small+right+pleural+effusion
  Orthanc Explorer:           $url/app/explorer.html

  (synthetic phantoms and generated reports only; Ctrl-C stops Orthanc)
EOF2
wait "$orthanc_pid" || true
orthanc_pid=
die "Orthanc stopped unexpectedly (see $state/orthanc.log)"
