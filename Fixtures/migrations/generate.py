#!/usr/bin/env python3
"""Writes the migrations verifier's fixtures: one folder per case, each with its migration files, a
history.sql that builds the tool's history database (the test runs it into a fresh SQLite file), and a
case.yaml with the check's `with:` block and the expected status and rules.

The checksums in history.sql are computed here with Python's hashlib and zlib, independently of gate's
Swift code, so a passing `pass-*` case shows that both agree on each tool's algorithm. Deterministic:
run it again and `git diff` shows nothing.

    python3 Fixtures/migrations/generate.py
"""
import base64
import hashlib
import os
import shutil
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {}


def case(name, expect, rules, with_, files, history=None, note=""):
    CASES[name] = dict(expect=expect, rules=rules, with_=with_, files=files, history=history, note=note)


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def sha384(b):
    return hashlib.sha384(b).hexdigest()


def flyway_crc(b):
    if b.startswith(b"\xef\xbb\xbf"):
        b = b[3:]
    v = zlib.crc32(bytes(x for x in b if x not in (10, 13)))
    return v - (1 << 32) if v >= 1 << 31 else v


def atlas_sum(files):
    h = hashlib.sha256()
    lines = []
    for name, data in sorted(files.items()):
        h.update(name.encode())
        h.update(data)
        lines.append((name, base64.b64encode(h.copy().digest()).decode()))
    total = hashlib.sha256()
    for n, x in lines:
        total.update(n.encode())
        total.update(x.encode())
    text = "h1:" + base64.b64encode(total.digest()).decode() + "\n" + "".join(f"{n} h1:{x}\n" for n, x in lines)
    return text, dict(lines)


def q(s):
    return "'" + s.replace("'", "''") + "'"


T = "'2026-01-05T10:00:00Z'"
USERS = b"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
ORDERS = b"CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), total INTEGER);\n"
INDEX = b"CREATE INDEX orders_user ON orders(user_id);\n"
EMAIL = b"ALTER TABLE users ADD COLUMN email TEXT;\n"


# --- native ---------------------------------------------------------------------------------------
def native_history(rows, schema=b""):
    out = ["CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT);"]
    if schema:
        out.append(schema.decode().strip())
    for id_, name, content, applied in rows:
        out.append(f"INSERT INTO _migrations VALUES ({q(id_)}, {q(name)}, {q(sha256(content))}, {T if applied else 'NULL'});")
    return "\n".join(out) + "\n"


NATIVE = {"0001_create_users.sql": USERS, "0002_create_orders.sql": ORDERS}
APPLIED2 = [("0001", "create_users", USERS, True), ("0002", "create_orders", ORDERS, True)]

case("pass-native", "passed", ["migrations/pending"], "format: native\ndatabase: history.sqlite\ndry-run: true",
     {**NATIVE, "0003_index_orders.sql": INDEX}, native_history(APPLIED2, USERS + ORDERS),
     "Two applied migrations unchanged; the third is pending and applies cleanly to a copy.")
case("fail-native-modified", "failed", ["migrations/modified"], "format: native\ndatabase: history.sqlite",
     {**NATIVE, "0002_create_orders.sql": ORDERS.replace(b"total INTEGER", b"total INTEGER NOT NULL")},
     native_history(APPLIED2), "0002 was edited after it was applied.")
case("fail-native-missing-file", "failed", ["migrations/missing-file"], "format: native\ndatabase: history.sqlite",
     {"0001_create_users.sql": USERS, "0003_index_orders.sql": INDEX},
     native_history(APPLIED2 + [("0003", "index_orders", INDEX, True)]), "0002's file was deleted.")
case("warn-native-unknown-applied", "passed", ["migrations/unknown-applied"], "format: native\ndatabase: history.sqlite",
     NATIVE, native_history(APPLIED2 + [("0009", "from_another_branch", b"SELECT 1;\n", True)]),
     "0009 is applied but newer than every file: a warning.")
case("fail-native-failed", "failed", ["migrations/failed"], "format: native\ndatabase: history.sqlite",
     NATIVE, native_history([APPLIED2[0], ("0002", "create_orders", ORDERS, False)]), "0002 has applied_at NULL.")
case("fail-native-out-of-order", "failed", ["migrations/out-of-order"], "format: native\ndatabase: history.sqlite",
     {**NATIVE, "0003_index_orders.sql": INDEX},
     native_history([APPLIED2[0], ("0003", "index_orders", INDEX, True)]), "0002 was never applied, 0003 was.")
case("fail-native-duplicate-version", "failed", ["migrations/duplicate-version", "migrations/pending"],
     "format: native\ndatabase: history.sqlite",
     {**NATIVE, "0003_index_orders.sql": INDEX, "0003_add_email.sql": EMAIL}, native_history(APPLIED2),
     "Two files claim version 0003.")
case("fail-native-pending-not-allowed", "failed", ["migrations/pending"],
     "format: native\ndatabase: history.sqlite\nallow-pending: false",
     {**NATIVE, "0003_index_orders.sql": INDEX}, native_history(APPLIED2), "allow-pending: false makes 0003 an error.")
case("fail-native-destructive", "failed", ["migrations/destructive", "migrations/pending"],
     "format: native\ndatabase: history.sqlite\ndestructive: deny",
     {**NATIVE, "0003_drop_orders.sql": b"DROP TABLE orders;\n"}, native_history(APPLIED2),
     "destructive: deny makes an unannotated DROP TABLE an error.")
case("pass-native-destructive-allowed", "passed", ["migrations/destructive", "migrations/pending"],
     "format: native\ndatabase: history.sqlite\ndestructive: deny",
     {**NATIVE, "0003_drop_orders.sql": b"-- gate:allow-destructive orders moved to the billing service in 2026-10\nDROP TABLE orders;\n"},
     native_history(APPLIED2), "The annotation turns the DROP into a note that carries the reason.")
case("fail-native-dry-run", "failed", ["migrations/dry-run-failed", "migrations/pending"],
     "format: native\ndatabase: history.sqlite\ndry-run: true",
     {**NATIVE, "0003_bad_index.sql": b"CREATE INDEX orders_missing ON orders(missing_column);\n"},
     native_history(APPLIED2, USERS + ORDERS), "0003 names a column that does not exist.")
case("fail-native-too-slow", "failed", ["migrations/too-slow", "migrations/pending"],
     "format: native\ndatabase: history.sqlite\ndry-run: true\nmax-duration: 300ms",
     {**NATIVE, "0003_slow.sql":
      b"CREATE TABLE numbers AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) SELECT i FROM n;\n"},
     native_history(APPLIED2, USERS + ORDERS), "0003 would run for minutes; the dry run stops it at max-duration.")

# --- prisma ---------------------------------------------------------------------------------------
PRISMA_TABLE = """CREATE TABLE "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
    "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0);"""
P1, P2 = "20260105100000_init", "20260106100000_orders"
P_CRLF = USERS.replace(b"\n", b"\r\n")


def prisma_history(rows):
    out = [PRISMA_TABLE]
    for i, (name, checksum, finished, rolled_back, logs) in enumerate(rows):
        ms = 1767607200000 + i * 1000
        out.append(f"INSERT INTO _prisma_migrations VALUES ({q('row-%d' % i)}, {q(checksum)}, "
                   f"{ms + 50 if finished else 'NULL'}, {q(name)}, {q(logs) if logs else 'NULL'}, "
                   f"{ms + 60 if rolled_back else 'NULL'}, {ms}, {1 if finished else 0});")
    return "\n".join(out) + "\n"


case("pass-prisma", "passed", [], "format: prisma\ndatabase: history.sqlite",
     {f"{P1}/migration.sql": P_CRLF, f"{P2}/migration.sql": ORDERS, "migration_lock.toml": b'provider = "sqlite"\n'},
     prisma_history([(P1, sha256(USERS), True, False, None),
                     (P2, sha256(b"garbage"), False, True, "rolled back by hand"),
                     (P2, sha256(ORDERS), True, False, None)]),
     "The init file has CRLF line endings but was applied with LF (Prisma accepts both); a rolled-back row is ignored.")
case("fail-prisma-modified", "failed", ["migrations/strict-modified"], "format: prisma\ndatabase: history.sqlite",
     {f"{P1}/migration.sql": USERS, f"{P2}/migration.sql": ORDERS + INDEX},
     prisma_history([(P1, sha256(USERS), True, False, None), (P2, sha256(ORDERS), True, False, None)]),
     "The orders migration gained an index after it was applied; 'prisma migrate deploy' would not notice (strict).")
case("fail-prisma-failed", "failed", ["migrations/failed"], "format: prisma\ndatabase: history.sqlite",
     {f"{P1}/migration.sql": USERS, f"{P2}/migration.sql": ORDERS},
     prisma_history([(P1, sha256(USERS), True, False, None),
                     (P2, sha256(ORDERS), False, False, "Database error: table orders already exists")]),
     "finished_at and rolled_back_at are both NULL.")

# --- flyway ---------------------------------------------------------------------------------------
FLYWAY_TABLE = """CREATE TABLE "flyway_schema_history" (
    "installed_rank" INT NOT NULL PRIMARY KEY, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL);"""
VIEW = b"CREATE VIEW IF NOT EXISTS big_orders AS SELECT * FROM orders WHERE total > 1000;\n"


def flyway_history(rows):
    out = [FLYWAY_TABLE]
    for rank, (version, desc, type_, script, content, success) in enumerate(rows, start=1):
        checksum = "NULL" if content is None else str(flyway_crc(content))
        out.append(f"INSERT INTO flyway_schema_history VALUES ({rank}, {q(version) if version else 'NULL'}, {q(desc)}, "
                   f"{q(type_)}, {q(script)}, {checksum}, 'deploy', {T}, 12, {1 if success else 0});")
    return "\n".join(out) + "\n"


FW = {"V1__Create_users.sql": USERS, "V1_1__Create_orders.sql": ORDERS}
FW_ROWS = [("1", "Create users", "SQL", "V1__Create_users.sql", USERS, True),
           ("1.1", "Create orders", "SQL", "V1_1__Create_orders.sql", ORDERS, True)]

case("pass-flyway", "passed", ["migrations/pending"], "format: flyway\ndatabase: history.sqlite",
     {"V0_9__Legacy.sql": b"SELECT 1;\n",
      "V1__Create_users.sql": b"\xef\xbb\xbf" + USERS.replace(b"\n", b"\r\n") + b"\r\n\r\n",
      "sub/V1_1__Create_orders.sql": ORDERS, "V1_2__Index_orders.sql": INDEX, "R__Big_orders.sql": VIEW},
     flyway_history([("0.9", "<< Flyway Baseline >>", "BASELINE", "<< Flyway Baseline >>", None, True),
                     FW_ROWS[0], ("1.1", "Create orders", "SQL", "sub/V1_1__Create_orders.sql", ORDERS, True),
                     (None, "Big orders", "SQL", "R__Big_orders.sql", VIEW, True)]),
     "A BOM, CRLF and blank lines do not change Flyway's checksum; V0.9 is below the baseline; V1.2 is pending.")
case("fail-flyway-modified", "failed", ["migrations/modified"], "format: flyway\ndatabase: history.sqlite",
     {**FW, "V1_1__Create_orders.sql": ORDERS.replace(b"total INTEGER", b"total  INTEGER")},
     flyway_history(FW_ROWS), "Whitespace inside a line changes the checksum.")
case("fail-flyway-failed", "failed", ["migrations/failed"], "format: flyway\ndatabase: history.sqlite",
     FW, flyway_history([FW_ROWS[0], FW_ROWS[1][:5] + (False,)]), "V1.1 has success = 0.")
case("fail-flyway-out-of-order", "failed", ["migrations/out-of-order", "migrations/pending"],
     "format: flyway\ndatabase: history.sqlite",
     {**FW, "V1_0_5__Add_email.sql": EMAIL, "V1_10__Index_orders.sql": INDEX}, flyway_history(FW_ROWS),
     "V1.0.5 sorts before the applied V1.1; V1.10 sorts after it (numeric, not text, order).")
case("fail-flyway-duplicate-version", "failed", ["migrations/duplicate-version"], "format: flyway\ndatabase: history.sqlite",
     {**FW, "V1_0__Create_users_again.sql": USERS}, flyway_history(FW_ROWS), "1.0 and 1 are the same Flyway version.")

# --- sqlx -----------------------------------------------------------------------------------------
SQLX_TABLE = """CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);"""


def sqlx_history(rows):
    out = [SQLX_TABLE]
    for version, desc, content, success in rows:
        out.append(f"INSERT INTO _sqlx_migrations VALUES ({version}, {q(desc)}, {T}, {1 if success else 0}, "
                   f"X'{sha384(content)}', 2500000);")
    return "\n".join(out) + "\n"


SX = {"20260105100000_create_users.sql": USERS, "20260106100000_create_orders.up.sql": ORDERS,
      "20260106100000_create_orders.down.sql": b"DROP TABLE orders;\n"}
SX_ROWS = [(20260105100000, "create users", USERS, True), (20260106100000, "create orders", ORDERS, True)]
case("pass-sqlx", "passed", [], "format: sqlx\ndatabase: history.sqlite", SX, sqlx_history(SX_ROWS),
     "Plain and reversible files; the .down.sql file is not hashed.")
case("fail-sqlx-modified", "failed", ["migrations/modified"], "format: sqlx\ndatabase: history.sqlite",
     {**SX, "20260105100000_create_users.sql": USERS.replace(b"\n", b"\r\n")}, sqlx_history(SX_ROWS),
     "sqlx hashes the exact bytes: CRLF line endings are a change.")
case("fail-sqlx-failed", "failed", ["migrations/failed"], "format: sqlx\ndatabase: history.sqlite",
     SX, sqlx_history([SX_ROWS[0], SX_ROWS[1][:3] + (False,)]), "success = false: partially applied.")

# --- golang-migrate -------------------------------------------------------------------------------
def gm_history(version, dirty):
    return ("CREATE TABLE schema_migrations (version uint64, dirty bool);\n"
            "CREATE UNIQUE INDEX version_unique ON schema_migrations (version);\n"
            f"INSERT INTO schema_migrations VALUES ({version}, {1 if dirty else 0});\n")


GM = {"1_create_users.up.sql": USERS, "1_create_users.down.sql": b"DROP TABLE users;\n",
      "2_create_orders.up.sql": ORDERS, "2_create_orders.down.sql": b"DROP TABLE orders;\n"}
case("pass-golang-migrate", "passed", ["migrations/pending"], "format: golang-migrate\ndatabase: history.sqlite",
     {**GM, "3_index_orders.up.sql": INDEX, "3_index_orders.down.sql": b"DROP INDEX orders_user;\n"}, gm_history(2, False),
     "At version 2, clean; 3 is pending.")
case("fail-golang-migrate-dirty", "failed", ["migrations/failed"], "format: golang-migrate\ndatabase: history.sqlite",
     GM, gm_history(2, True), "dirty = true: version 2 failed part-way.")
case("fail-golang-migrate-missing-file", "failed", ["migrations/missing-file", "migrations/pending"],
     "format: golang-migrate\ndatabase: history.sqlite",
     {"1_create_users.up.sql": USERS, "3_index_orders.up.sql": INDEX}, gm_history(2, False),
     "The database is at version 2, whose file is gone.")
case("fail-golang-migrate-duplicate-version", "failed", ["migrations/duplicate-version"],
     "format: golang-migrate\ndatabase: history.sqlite",
     {**GM, "2_add_email.up.sql": EMAIL}, gm_history(2, False), "Two up files for version 2.")

# --- atlas ----------------------------------------------------------------------------------------
AT = {"20260105100000_create_users.sql": USERS, "20260106100000_create_orders.sql": ORDERS}
AT_SUM, AT_HASHES = atlas_sum(AT)
REVISIONS = """CREATE TABLE atlas_schema_revisions (
    version TEXT PRIMARY KEY NOT NULL, description TEXT NOT NULL, type INTEGER NOT NULL DEFAULT 2,
    applied INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0, executed_at DATETIME NOT NULL,
    execution_time INTEGER NOT NULL, error TEXT, error_stmt TEXT, hash TEXT NOT NULL, partial_hashes JSON,
    operator_version TEXT NOT NULL);"""


def atlas_history(rows):
    out = [REVISIONS]
    for version, desc, applied, total, error, hash_ in rows:
        out.append(f"INSERT INTO atlas_schema_revisions VALUES ({q(version)}, {q(desc)}, 2, {applied}, {total}, {T}, "
                   f"1000, {q(error) if error else 'NULL'}, NULL, {q(hash_)}, NULL, 'Atlas CLI v0.30.0');")
    return "\n".join(out) + "\n"


case("pass-atlas", "passed", [], "format: atlas", {**AT, "atlas.sum": AT_SUM.encode()},
     note="atlas.sum matches the files; no database is needed for that.")
case("fail-atlas-file-edited", "failed", ["migrations/sum-mismatch"], "format: atlas",
     {**AT, "20260105100000_create_users.sql": USERS.replace(b"name", b"full_name"), "atlas.sum": AT_SUM.encode()},
     note="A file changed after 'atlas migrate hash'.")
case("fail-atlas-sum-edited", "failed", ["migrations/sum-mismatch"], "format: atlas",
     {**AT, "atlas.sum": AT_SUM.replace("create_orders.sql h1:", "create_orders.sql h1:A", 1).encode()},
     note="Someone edited a line of atlas.sum by hand: its total no longer matches.")
case("fail-atlas-file-added", "failed", ["migrations/sum-mismatch"], "format: atlas",
     {**AT, "20260107100000_index_orders.sql": INDEX, "atlas.sum": AT_SUM.encode()},
     note="A new file was added without re-hashing.")
_edited = {**AT, "20260106100000_create_orders.sql": ORDERS + INDEX}
_edited_sum, _ = atlas_sum(_edited)
case("fail-atlas-modified", "failed", ["migrations/strict-modified"], "format: atlas\ndatabase: history.sqlite",
     {**_edited, "atlas.sum": _edited_sum.encode()},
     atlas_history([("20260105100000", "create_users", 1, 1, None, AT_HASHES["20260105100000_create_users.sql"]),
                    ("20260106100000", "create_orders", 1, 1, None, AT_HASHES["20260106100000_create_orders.sql"])]),
     "An applied file was edited and re-hashed: atlas.sum is consistent, the revisions table is not; Atlas would not notice (strict).")
case("fail-atlas-failed", "failed", ["migrations/failed"], "format: atlas\ndatabase: history.sqlite",
     {**AT, "atlas.sum": AT_SUM.encode()},
     atlas_history([("20260105100000", "create_users", 1, 1, None, AT_HASHES["20260105100000_create_users.sql"]),
                    ("20260106100000", "create_orders", 0, 1, "table orders already exists",
                     AT_HASHES["20260106100000_create_orders.sql"])]),
     "The second revision stopped at its first statement with an error.")


def main():
    for name in sorted(os.listdir(HERE)):
        path = os.path.join(HERE, name)
        if os.path.isdir(path) and (name.startswith("pass-") or name.startswith("fail-") or name.startswith("warn-")):
            shutil.rmtree(path)
    for name, c in sorted(CASES.items()):
        root = os.path.join(HERE, name)
        for rel, data in sorted(c["files"].items()):
            full = os.path.join(root, "migrations", rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
        if c["history"]:
            with open(os.path.join(root, "history.sql"), "w") as f:
                f.write(c["history"])
        rules = ", ".join(c["rules"])
        with open(os.path.join(root, "case.yaml"), "w") as f:
            f.write(f"# {c['note']}\n" if c["note"] else "")
            f.write("with:\n" + "".join(f"  {line}\n" for line in c["with_"].splitlines()))
            f.write(f"expect: {c['expect']}\nrules: [{rules}]\n")


if __name__ == "__main__":
    main()
