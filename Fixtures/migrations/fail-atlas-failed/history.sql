CREATE TABLE atlas_schema_revisions (
    version TEXT PRIMARY KEY NOT NULL, description TEXT NOT NULL, type INTEGER NOT NULL DEFAULT 2,
    applied INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0, executed_at DATETIME NOT NULL,
    execution_time INTEGER NOT NULL, error TEXT, error_stmt TEXT, hash TEXT NOT NULL, partial_hashes JSON,
    operator_version TEXT NOT NULL);
INSERT INTO atlas_schema_revisions VALUES ('20260105100000', 'create_users', 2, 1, 1, '2026-01-05T10:00:00Z', 1000, NULL, NULL, 'gYaZiK2DqbBo+sC7vsJQfWC/7pPrdUcksejaEkq3FNc=', NULL, 'Atlas CLI v0.30.0');
INSERT INTO atlas_schema_revisions VALUES ('20260106100000', 'create_orders', 2, 0, 1, '2026-01-05T10:00:00Z', 1000, 'table orders already exists', NULL, '1bEP1GqVvjD1Z85+gPG03ZKlsbXOyK9ZrmcuI+sC0V0=', NULL, 'Atlas CLI v0.30.0');
