CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT);
INSERT INTO _migrations VALUES ('0001', 'create_users', 'f202577af96fe5ff413f6456e176f80eb994ac7d349d89f8707fa32f79cef931', '2026-01-05T10:00:00Z');
INSERT INTO _migrations VALUES ('0002', 'create_orders', '91d6e396a3f240f5de72b83b686d89fd3bc78c9d496882b7da14ec3fceb37882', '2026-01-05T10:00:00Z');
