#!/usr/bin/env python3
"""Deterministic migration corpora with their history as each tool writes it on PostgreSQL.

    make_history.py FORMAT DIR N    DIR/migrations/... (N files the way FORMAT lays them out) and
                                    DIR/history.sql, which psql loads into an empty database: the tool's
                                    history table (its PostgreSQL DDL) recording all N as applied.

FORMAT: native, sqlx, flyway, prisma, golang-migrate, atlas. Checksums come from hashlib and zlib (the
same definitions docs/migrations.md gives); rows are loaded with COPY. Same N, same bytes.
"""
import base64
import hashlib
import os
import shutil
import sys
import zlib


def sql(i):
    return (f"-- change {i}: the table behind feature {i % 97}, with the index its list page needs.\n"
            f"CREATE TABLE t{i} (id bigint PRIMARY KEY, owner_id bigint NOT NULL, name text NOT NULL,\n"
            f"    amount_cents integer NOT NULL DEFAULT {i % 1000}, created_at timestamptz NOT NULL DEFAULT now());\n"
            f"CREATE INDEX t{i}_owner ON t{i} (owner_id, created_at);\n").encode()


def flyway_crc(data):
    crc = zlib.crc32(data.replace(b"\r", b"").replace(b"\n", b"")) & 0xFFFFFFFF
    return crc - (1 << 32) if crc >= 1 << 31 else crc


def copy(table, columns, rows):
    out = [f"COPY {table} ({', '.join(columns)}) FROM stdin;"]
    out += ["\t".join("\\N" if v is None else str(v) for v in row) for row in rows]
    out.append("\\.")
    return "\n".join(out) + "\n"


def main():
    fmt, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root + "/migrations")
    width = max(4, len(str(n)))
    files = []
    for i in range(1, n + 1):
        v = str(i).zfill(width)
        name = {"native": f"{v}_change_{i}.sql", "sqlx": f"{i}_change_{i}.sql", "flyway": f"V{i}__change_{i}.sql",
                "prisma": f"{v}_change_{i}/migration.sql", "golang-migrate": f"{i}_change_{i}.up.sql",
                "atlas": f"{v}_change_{i}.sql"}[fmt]
        data = sql(i)
        path = f"{root}/migrations/{name}"
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        files.append((i, v, name, data))
    at = "2026-01-01 00:00:00+00"
    if fmt == "native":
        ddl = "CREATE TABLE _migrations (id text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz);\n"
        body = copy("_migrations", ["id", "name", "checksum", "applied_at"],
                    [(v, f"change_{i}", hashlib.sha256(d).hexdigest(), at) for i, v, _, d in files])
    elif fmt == "sqlx":
        ddl = ("CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL, installed_on timestamptz "
               "NOT NULL DEFAULT now(), success boolean NOT NULL, checksum bytea NOT NULL, execution_time bigint NOT NULL);\n")
        body = copy("_sqlx_migrations", ["version", "description", "success", "checksum", "execution_time"],
                    [(i, f"change {i}", "t", "\\\\x" + hashlib.sha384(d).hexdigest(), 1000) for i, _, _, d in files])
    elif fmt == "flyway":
        ddl = ('CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL PRIMARY KEY, "version" VARCHAR(50), '
               '"description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, '
               '"checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(), '
               '"execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);\n')
        body = copy("flyway_schema_history", ["installed_rank", "version", "description", "type", "script", "checksum",
                                              "installed_by", "execution_time", "success"],
                    [(i, i, f"change {i}", "SQL", name, flyway_crc(d), "deploy", 5, "t") for i, _, name, d in files])
    elif fmt == "prisma":
        ddl = ('CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY, "checksum" VARCHAR(64) NOT NULL, '
               '"finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, '
               '"started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);\n')
        body = copy("_prisma_migrations", ["id", "checksum", "finished_at", "migration_name", "started_at", "applied_steps_count"],
                    [(f"00000000-0000-4000-8000-{i:012d}", hashlib.sha256(d).hexdigest(), at, f"{v}_change_{i}", at, 1)
                     for i, v, _, d in files])
    elif fmt == "golang-migrate":
        for i, _, _, _ in files:
            with open(f"{root}/migrations/{i}_change_{i}.down.sql", "w") as f:
                f.write(f"DROP TABLE t{i};\n")
        ddl = "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);\n"
        body = f"INSERT INTO schema_migrations VALUES ({n}, false);\n"
    else:  # atlas: atlas.sum and the revisions, each with its running hash (AtlasSum.compute)
        h, lines = hashlib.sha256(), []
        for _, _, name, d in sorted(files, key=lambda f: f[2].encode()):
            h.update(name.encode())
            h.update(d)
            lines.append((name, base64.b64encode(h.copy().digest()).decode()))
        total = hashlib.sha256()
        for name, digest in lines:
            total.update(name.encode())
            total.update(digest.encode())
        with open(f"{root}/migrations/atlas.sum", "w") as f:
            f.write(f"h1:{base64.b64encode(total.digest()).decode()}\n" + "".join(f"{a} h1:{b}\n" for a, b in lines))
        by_name = dict(lines)
        ddl = ('CREATE SCHEMA atlas_schema_revisions; CREATE TABLE atlas_schema_revisions.atlas_schema_revisions ('
               '"version" varchar NOT NULL PRIMARY KEY, "description" varchar NOT NULL, "type" bigint NOT NULL DEFAULT 2, '
               '"applied" bigint NOT NULL DEFAULT 0, "total" bigint NOT NULL DEFAULT 0, "executed_at" timestamptz NOT NULL, '
               '"execution_time" bigint NOT NULL, "error" text, "error_stmt" text, "hash" varchar NOT NULL, '
               '"partial_hashes" jsonb, "operator_version" varchar NOT NULL);\n')
        body = copy("atlas_schema_revisions.atlas_schema_revisions",
                    ["version", "description", "type", "applied", "total", "executed_at", "execution_time", "hash", "operator_version"],
                    [(v, f"change_{i}", 2, 2, 2, at, 1000, by_name[name], "Atlas CLI v0.30.0") for i, v, name, _ in files])
    with open(f"{root}/history.sql", "w") as f:
        f.write(ddl + body + "ANALYZE;\n")


if __name__ == "__main__":
    main()
