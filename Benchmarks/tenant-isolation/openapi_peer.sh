#!/usr/bin/env bash
# OpenAPI-driven HTTP mode against books_api.py with every flaw planted: gate (configured from the document
# and three users' passwords) beside schemathesis with its not_a_server_error and object_level_authorization
# checks, the same three users as peers (a Web Fuzzing Commons auth document). Each tool gets a fresh
# server: both change data (passwords, new books). Run once; prints findings and wall time side by side.
#   GATE_BIN=.build/release/gate BENCH_WORK=/tmp/w Benchmarks/tenant-isolation/openapi_peer.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$BENCH_WORK/tenant-isolation/openapi"
mkdir -p "$work"
spec="$repo/Fixtures/tenant-isolation/openapi.yaml"
users=(alice bob carol)
for u in "${users[@]}"; do export "PASS_${u^^}=pw-$u-$RANDOM$RANDOM"; done
flags=(--bola-books --bola-password --list-all --sqli --dup-500 --debug)

server=""
start() {  # a fresh server with every flaw; sets $api
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -f "$work/port"
  python3 "$repo/Fixtures/tenant-isolation/books_api.py" --port 0 --port-file "$work/port" \
    --users "$(IFS=,; echo "${users[*]}")" "${flags[@]}" &
  server=$!
  for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.1; done
  api="http://127.0.0.1:$(cat "$work/port")"
}
trap '[ -n "$server" ] && kill "$server" 2>/dev/null || true' EXIT
now() { date +%s.%N; }

start
tenants="[$(for u in "${users[@]}"; do printf '{name: %s, password-env: PASS_%s}, ' "$u" "${u^^}"; done | sed 's/, $//')]"
t0=$(now)
"$GATE_BIN" check tenant-isolation "$work" --quiet --reports "$work/gate" --set "base-url=$api" \
  --set "openapi=$spec" --set allow-mutations=true --set "tenants=$tenants" >/dev/null || true
t1=$(now)

st=$(command -v st || true)
if [ -z "$st" ]; then
  echo "schemathesis is not installed (.ci/deps bench installs it); gate alone:"
else
  start
  python3 - "$work/wfc.json" "${users[@]}" <<'PY'
import json, os, sys
auth = [{"name": u, "loginEndpointAuth": {
    "verb": "POST", "endpoint": "/users/v1/login", "contentType": "application/json",
    "payloadUserPwd": {"username": u, "password": os.environ["PASS_" + u.upper()],
                       "usernameField": "username", "passwordField": "password"},
    "token": {"extractFrom": "body", "extractSelector": "/auth_token", "sendIn": "header",
              "sendName": "Authorization", "sendTemplate": "Bearer {token}"}}} for u in sys.argv[2:]]
json.dump({"auth": auth}, open(sys.argv[1], "w"))
PY
  printf '[auth.wfc]\npath = "%s"\npeers = [%s]\n' "$work/wfc.json" \
    "$(printf '"%s", ' "${users[@]}" | sed 's/, $//')" > "$work/schemathesis.toml"
  cd "$work"
  t2=$(now)
  "$st" --config-file "$work/schemathesis.toml" run "$spec" --url "$api" \
    --checks not_a_server_error,object_level_authorization --seed 1 --no-color \
    --report junit --report-junit-path "$work/st.xml" >"$work/st.log" 2>&1 || true
  t3=$(now)
fi
rm -f "$work/wfc.json"  # it holds the passwords

python3 - "$work/gate/report.json" "$work/st.xml" "$t0" "$t1" "${t2:-0}" "${t3:-0}" <<'PY'
import json, os, re, sys, xml.etree.ElementTree as ET
findings = json.load(open(sys.argv[1]))["checks"][0]["findings"]
g = float(sys.argv[4]) - float(sys.argv[3])
crash = sorted({re.sub(r" answered.*", "", f["message"]) for f in findings if f["rule"].endswith("/server-error")})
authz = {}
for f in findings:
    if f["rule"].split("/")[1] in ("cross-tenant-read", "cross-tenant-write", "cross-tenant-list", "unauthenticated-read"):
        authz[f["rule"].split("/")[1]] = authz.get(f["rule"].split("/")[1], 0) + 1
print(f"gate:         {g:6.2f}s wall; 5xx: {len(crash)} ({'; '.join(crash)})")
print(f"              authorization: {', '.join(f'{k} {v}' for k, v in sorted(authz.items()))}")
if os.path.exists(sys.argv[2]):
    s = float(sys.argv[6]) - float(sys.argv[5])
    # The console's failure sections: "___ METHOD /path ___", then "- <check title>" and "[status] ...".
    found, title = {}, None
    for line in open(os.path.join(os.path.dirname(sys.argv[2]), "st.log"), errors="replace"):
        m = re.match(r"^_+ (.+?) _+$", line.strip())
        if m:
            title = m.group(1)
        elif title and line.startswith("- "):
            found.setdefault(line[2:].strip(), set()).add(title)
        elif line.startswith("="):
            title = None
    for kind in sorted(found):
        print(f"schemathesis: {kind}: {len(found[kind])} ({'; '.join(sorted(found[kind]))})")
    print(f"schemathesis: {s:6.2f}s wall; time ratio gate/schemathesis {g / s:.2f}")
PY
