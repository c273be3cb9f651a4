#!/bin/sh
# The PostgreSQL half of the sample's launch checks: start a throwaway cluster (initdb into a temporary
# directory, a Unix socket only, stopped and removed on exit), load the sample's migration history and its
# tenant data with row-level security, and run db/postgres.yaml against it. The JUnit report goes to
# build/postgres.junit.xml for the launch suite to ingest. Without a PostgreSQL server on this machine the
# report holds one skipped testcase that says why, and the check passes: install the 'postgresql' package
# (`.ci/deps test` does) to run it.
set -eu
: "${GATE_BIN:?run this through gate (it sets GATE_BIN)}"
out=build/postgres.junit.xml
mkdir -p build
skip() {
  echo "PostgreSQL checks skipped: $1" >&2
  printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
    "<testsuites><testsuite name=\"postgres\" tests=\"1\" skipped=\"1\"><testcase classname=\"postgres\" name=\"postgres\">" \
    "<skipped message=\"$1\"/></testcase></testsuite></testsuites>" > "$out"
  exit 0
}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || skip "no PostgreSQL server binaries in /usr/lib/postgresql (install the postgresql package)"
as=""
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || skip "running as root, and there is no postgres user to run the server as"
  as="runuser -u postgres --"
fi
dir=$(mktemp -d /tmp/gate-sample-pg.XXXXXX)
trap '$as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
[ -z "$as" ] || chown postgres: "$dir"
$as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync --no-instructions -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  skip "initdb failed: $(tail -1 "$dir/initdb.log")"
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-k $dir -c listen_addresses= -c fsync=off" start >/dev/null 2>&1 ||
  skip "the server did not start: $(tail -1 "$dir/server.log")"
sql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres "$@"; }
sql -d postgres -c "CREATE DATABASE sample" -c "CREATE DATABASE tenants"
# The history as production recorded it, and the schema of the migrations it records as applied.
sql -d sample -f db/postgres/history.sql
for m in $(sql -d sample -Atc "SELECT id || '_' || name FROM _migrations WHERE applied_at IS NOT NULL ORDER BY id"); do
  sql -d sample -f "db/postgres/migrations/$m.sql"
done
sql -d tenants -f tenancy/postgres.sql
# PGHOST (not the URL) names the socket directory, so the URLs in the reports are the same on every run.
export PGHOST="$dir" SAMPLE_PG_URL="postgresql://postgres@/sample" SAMPLE_PG_TENANTS_URL="postgresql://postgres@/tenants"
"$GATE_BIN" run db/postgres.yaml --no-color --no-cache --reports "$dir/reports" --junit "$out"
