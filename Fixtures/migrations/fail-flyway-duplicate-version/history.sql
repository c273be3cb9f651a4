CREATE TABLE "flyway_schema_history" (
    "installed_rank" INT NOT NULL PRIMARY KEY, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL);
INSERT INTO flyway_schema_history VALUES (1, '1', 'Create users', 'SQL', 'V1__Create_users.sql', 51675886, 'deploy', '2026-01-05T10:00:00Z', 12, 1);
INSERT INTO flyway_schema_history VALUES (2, '1.1', 'Create orders', 'SQL', 'V1_1__Create_orders.sql', 990540948, 'deploy', '2026-01-05T10:00:00Z', 12, 1);
