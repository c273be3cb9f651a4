-- The migration history as production recorded it (gate's native format; see docs/migrations.md).
-- scripts/build_history_db.py turns this into build/history.sqlite and applies the recorded migrations,
-- so the database has the schema production has. The checksums are the files' SHA-256 when they were
-- applied: edit an applied migration and the launch suite's 'migrations' check fails.
CREATE TABLE _migrations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT
);

INSERT INTO _migrations (id, name, checksum, applied_at) VALUES
    ('0001', 'create_customers', '7642efaa28a3fd4c6a8f6ca00fea10800c722cd96c307cf61c0a17cd3db32dde', '2026-09-01T09:12:44Z'),
    ('0002', 'create_invoices', '6d44d1d9f67be3dcfbccd202cdabf6181eb5d79f093c6ec9fb50bbefc0bcd668', '2026-09-15T08:03:10Z'),
    ('0003', 'add_invoice_status', '9caf31f49b16c387339b5af2a7a621a541045e3b1fc622395cc1b6891060746d', '2026-10-20T07:45:31Z');
