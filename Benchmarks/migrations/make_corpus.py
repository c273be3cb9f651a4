#!/usr/bin/env python3
"""Deterministic corpora for the migrations benchmark.

    make_corpus.py native DIR N     DIR/migrations/NNNNN_change_N.sql and DIR/history.sqlite, a native
                                    `_migrations` history recording all N as applied (hashlib SHA-256)
    make_corpus.py sqitch DIR N     the same N changes as a sqitch project (plan, deploy, revert, verify)

Each run rewrites the corpus from scratch; the content depends only on N.
"""
import hashlib
import os
import shutil
import sqlite3
import sys


def sql(i):
    return (f"-- change {i}: the table behind feature {i % 97}, with the index its list page needs.\n"
            f"-- Reviewed in release {i // 100}.{i % 100}; safe to run online.\n"
            f"CREATE TABLE t{i} (\n"
            f"    id INTEGER PRIMARY KEY,\n"
            f"    owner_id INTEGER NOT NULL,\n"
            f"    name TEXT NOT NULL,\n"
            f"    amount_cents INTEGER NOT NULL DEFAULT {i % 1000},\n"
            f"    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
            f");\n"
            f"CREATE INDEX t{i}_owner ON t{i} (owner_id, created_at);\n").encode()


def native(root, n):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root + "/migrations")
    width = max(4, len(str(n)))
    rows = []
    for i in range(1, n + 1):
        version = str(i).zfill(width)
        data = sql(i)
        with open(f"{root}/migrations/{version}_change_{i}.sql", "wb") as f:
            f.write(data)
        rows.append((version, f"change_{i}", hashlib.sha256(data).hexdigest(), "2026-01-01T00:00:00Z"))
    db = sqlite3.connect(root + "/history.sqlite")
    db.execute("CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT)")
    db.executemany("INSERT INTO _migrations VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def sqitch(root, n):
    shutil.rmtree(root, ignore_errors=True)
    for d in ("deploy", "revert", "verify"):
        os.makedirs(f"{root}/{d}")
    with open(f"{root}/sqitch.conf", "w") as f:
        f.write('[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:bench.db\n')
    with open(f"{root}/sqitch.plan", "w") as plan:
        plan.write("%syntax-version=1.0.0\n%project=bench\n\n")
        for i in range(1, n + 1):
            plan.write(f"change_{i} 2026-01-01T00:00:00Z bench <bench@example.invalid> # change {i}\n")
            with open(f"{root}/deploy/change_{i}.sql", "wb") as f:
                f.write(sql(i))
            with open(f"{root}/revert/change_{i}.sql", "w") as f:
                f.write(f"DROP TABLE t{i};\n")
            with open(f"{root}/verify/change_{i}.sql", "w") as f:
                f.write(f"SELECT id, owner_id, name FROM t{i} WHERE 0;\n")


if __name__ == "__main__":
    kind, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"native": native, "sqitch": sqitch}[kind](root, n)
