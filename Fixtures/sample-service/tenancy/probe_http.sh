#!/bin/sh
# The HTTP half of the sample's tenant-isolation check: start the tenant API on a free loopback port with
# tokens made up for this run, probe it with gate's tenant-isolation verifier, stop it. The JUnit report
# (one testcase per resource) goes to build/tenant-http.junit.xml for the launch suite to ingest.
set -eu
: "${GATE_BIN:?run this through gate (it sets GATE_BIN)}"
dir=$(mktemp -d)
trap 'status=$?; kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; rm -rf "$dir"; exit $status' EXIT
for slug in acme globex initech; do
  var="SAMPLE_TOKEN_$(echo "$slug" | tr a-z A-Z)"
  export "$var=$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
done
python3 tenancy/api.py --db build/tenants.db --port 0 --port-file "$dir/port" &
pid=$!
i=0
while [ ! -s "$dir/port" ]; do
  i=$((i + 1))
  [ "$i" -gt 200 ] && { echo "the tenant API did not start within 20s" >&2; exit 1; }
  sleep 0.1
done
"$GATE_BIN" check tenant-isolation . --no-color --reports "$dir/reports" --junit build/tenant-http.junit.xml \
  --set base-url="http://127.0.0.1:$(cat "$dir/port")" \
  --set 'tenants=[{name: acme, token-env: SAMPLE_TOKEN_ACME}, {name: globex, token-env: SAMPLE_TOKEN_GLOBEX}, {name: initech, token-env: SAMPLE_TOKEN_INITECH}]' \
  --set 'resources=[{path: "/tenants/{tenant}/invoices/{id}", ids-from: {path: "/tenants/{tenant}/invoices", selector: "$.invoices[*].id"}}, {path: "/tenants/{tenant}/documents/{id}", ids-from: {path: "/tenants/{tenant}/documents", selector: "$.documents[*].id"}}]'
