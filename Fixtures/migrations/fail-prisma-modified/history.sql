CREATE TABLE "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
    "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0);
INSERT INTO _prisma_migrations VALUES ('row-0', 'f202577af96fe5ff413f6456e176f80eb994ac7d349d89f8707fa32f79cef931', 1767607200050, '20260105100000_init', NULL, NULL, 1767607200000, 1);
INSERT INTO _prisma_migrations VALUES ('row-1', '91d6e396a3f240f5de72b83b686d89fd3bc78c9d496882b7da14ec3fceb37882', 1767607201050, '20260106100000_orders', NULL, NULL, 1767607201000, 1);
