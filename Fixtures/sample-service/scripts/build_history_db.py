#!/usr/bin/env python3
"""Builds build/history.sqlite, the sample's stand-in for the production database: the recorded history
from db/history.sql, then every migration it records as applied, run in order, so that the schema matches
what production has and the pending migrations can be dry-run against it. Deterministic; rebuilt from
scratch each time.

    python3 scripts/build_history_db.py [HISTORY_SQL] [DATABASE]
"""
import os
import sqlite3
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
history_sql = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "db", "history.sql")
database = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "build", "history.sqlite")

os.makedirs(os.path.dirname(database), exist_ok=True)
for suffix in ("", "-journal", "-wal", "-shm"):
    if os.path.exists(database + suffix):
        os.remove(database + suffix)

db = sqlite3.connect(database)
with open(history_sql, encoding="utf-8") as f:
    db.executescript(f.read())
applied = db.execute("SELECT id, name FROM _migrations WHERE applied_at IS NOT NULL ORDER BY id").fetchall()
for version, name in applied:
    path = os.path.join(root, "migrations", f"{version}_{name}.sql")
    with open(path, encoding="utf-8") as f:
        db.executescript(f.read())
db.execute("INSERT INTO customers (id, name, email, created_at) VALUES (1, 'Acme GmbH', 'billing@acme.example', '2026-09-02')")
db.execute("INSERT INTO invoices (id, customer_id, number, currency, total_cents, issued_on, status) "
           "VALUES (1, 1, 'INV-0001', 'EUR', 125000, '2026-10-01', 'paid')")
db.commit()
db.close()
print(f"{os.path.relpath(database, root)}: {len(applied)} applied migrations recorded")
