-- The sample's migration history in PostgreSQL (gate's native format), as production recorded it:
-- db/postgres.sh loads it, then applies the migrations it records, into a throwaway cluster.
CREATE TABLE _migrations (id text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz);
INSERT INTO _migrations (id, name, checksum, applied_at) VALUES
    ('0001', 'create_customers', 'f99aab5c90ef6fa0eaa2a6005436ce34caa03f3cf97a26a8c4406340513fd336', '2026-09-01 09:12:44+00'),
    ('0002', 'create_invoices', 'f0812b9f961664b99d81b93cafbc4014ea39d6770f601b49e89f67234595f1a6', '2026-09-15 08:03:10+00'),
    ('0003', 'add_invoice_status', 'e32ef86269aeb6582d6726f2756d6671e094629ee02c17677d5f9941def4ea77', '2026-10-20 07:45:31+00');
