#!/bin/sh
# Smoke test: start the service on a free loopback port, probe /health and a quote, stop it.
set -eu
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
python3 -m service.app --port 0 --port-file "$dir/port" &
pid=$!
i=0
while [ ! -s "$dir/port" ]; do
  i=$((i + 1))
  [ "$i" -gt 100 ] && { echo "service did not start within 10s" >&2; exit 1; }
  sleep 0.1
done
port=$(cat "$dir/port")
python3 - "$port" <<'PY'
import json, sys, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
health = json.load(urllib.request.urlopen(base + "/health", timeout=5))
assert health["status"] == "ok", health
req = urllib.request.Request(base + "/invoices/quote", method="POST",
                             data=json.dumps({"lines": [{"description": "w", "quantity": 2, "unitCents": 150}]}).encode(),
                             headers={"Content-Type": "application/json"})
quote = json.load(urllib.request.urlopen(req, timeout=5))
assert quote["totalCents"] == 360, quote
print(f"smoke ok: health={health['status']} quote={quote['totalCents']} cents")
PY
