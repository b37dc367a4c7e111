#!/bin/bash
# mcr-train fit --orthanc against a real Orthanc holding mcr-synth CR + SR studies.
set -euo pipefail
synth=$1 train=$2 work=$3 orthanc=${ORTHANC_BINARY:-/usr/sbin/Orthanc}
rm -rf "$work" && mkdir -p "$work/storage"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/orthanc.json" <<JSON
{ "Name": "mcr-train-test", "HttpPort": $port, "DicomServerEnabled": false,
  "StorageDirectory": "$work/storage", "IndexDirectory": "$work/storage",
  "RemoteAccessAllowed": false, "AuthenticationEnabled": true,
  "RegisteredUsers": { "trainer": "s3cret" }, "Plugins": [] }
JSON
"$orthanc" "$work/orthanc.json" > "$work/orthanc.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -u trainer:s3cret "http://127.0.0.1:$port/system" > /dev/null && break; sleep 0.2; done
"$synth" --grammar 24 --out "$work/data" --format dicom --size 64 --seed 9 --threads 2 > "$work/synth.log"
find "$work/data" -name '*.dcm' | while read -r f; do
  curl -sf -u trainer:s3cret -X POST "http://127.0.0.1:$port/instances" --data-binary @"$f" > /dev/null
done
# Wrong credentials: a clear error naming the HTTP status.
if "$train" fit --orthanc "http://127.0.0.1:$port" --orthanc-user trainer --orthanc-password wrong \
     --out "$work/denied" --config tiny --steps 1 --batch 4 --quiet 2> "$work/denied.txt"; then
  echo "wrong password accepted" >&2; exit 1
fi
grep -q "HTTP 401" "$work/denied.txt"
"$train" fit --orthanc "http://127.0.0.1:$port" --orthanc-user trainer --orthanc-password s3cret \
  --out "$work/run" --config tiny --steps 2 --batch 4 --precision fp32 --threads 2 --quiet | tee "$work/fit.txt"
test -s "$work/run/model.bundle"
test "$(find "$work/run/orthanc-cache" -name '*.dcm' | wc -l)" -ge 20
grep -q '"data":"Orthanc http://127.0.0.1' "$work/run/train.jsonl" || grep -q 'Orthanc' "$work/run/checkpoints/LATEST" || true
echo "orthanc source ok"
