-- The tenant benchmark's database on PostgreSQL: :rows rows over 6 tenant tables, 100 tenants, the same
-- shape and planted problems as Benchmarks/tenant-isolation/gen_db.py (10 cross-tenant invoice lines, 5
-- events without a tenant, 3 misfiled paths), generated in the server (setseed makes it repeatable).
-- Row-level security is on, forced, with one tenant policy per table, so the RLS rules run and pass.
\set ON_ERROR_STOP on
SELECT setseed(0.42);
CREATE TABLE tenants (id integer PRIMARY KEY, slug text NOT NULL UNIQUE);
CREATE TABLE customers (id integer PRIMARY KEY, tenant_id integer NOT NULL REFERENCES tenants(id), name text);
CREATE TABLE projects (id integer PRIMARY KEY, tenant_id integer NOT NULL REFERENCES tenants(id),
                       customer_id integer REFERENCES customers(id), name text);
CREATE TABLE invoices (id integer PRIMARY KEY, tenant_id integer NOT NULL REFERENCES tenants(id),
                       customer_id integer REFERENCES customers(id), project_id integer REFERENCES projects(id), total_cents integer);
CREATE TABLE invoice_lines (id integer PRIMARY KEY, tenant_id integer REFERENCES tenants(id),
                            invoice_id integer REFERENCES invoices(id), cents integer);
CREATE TABLE documents (id integer PRIMARY KEY, tenant_id integer REFERENCES tenants(id),
                        invoice_id integer REFERENCES invoices(id), storage_key text);
CREATE TABLE document_events (id integer PRIMARY KEY, tenant_id integer REFERENCES tenants(id),
                              document_id integer REFERENCES documents(id), kind text);
INSERT INTO tenants SELECT t, 't' || lpad(t::text, 3, '0') FROM generate_series(1, 100) t;
-- Row i belongs to tenant i % 100 + 1; a parent of the same tenant is k * 100 + (i % 100) + 1.
INSERT INTO customers SELECT i + 1, i % 100 + 1, 'c' || i FROM generate_series(0, greatest(100, :rows * 5 / 100) - 1) i;
INSERT INTO projects SELECT i + 1, i % 100 + 1, floor(random() * (SELECT count(*) / 100 FROM customers))::int * 100 + i % 100 + 1, 'p' || i
  FROM generate_series(0, greatest(100, :rows * 5 / 100) - 1) i;
INSERT INTO invoices SELECT i + 1, i % 100 + 1, floor(random() * (SELECT count(*) / 100 FROM customers))::int * 100 + i % 100 + 1,
  floor(random() * (SELECT count(*) / 100 FROM projects))::int * 100 + i % 100 + 1, 100 + floor(random() * 99900)::int
  FROM generate_series(0, greatest(100, :rows * 15 / 100) - 1) i;
INSERT INTO invoice_lines SELECT i + 1, i % 100 + 1, floor(random() * (SELECT count(*) / 100 FROM invoices))::int * 100 + i % 100 + 1,
  100 + floor(random() * 9900)::int FROM generate_series(0, greatest(100, :rows * 40 / 100) - 1) i;
INSERT INTO documents SELECT i + 1, i % 100 + 1, floor(random() * (SELECT count(*) / 100 FROM invoices))::int * 100 + i % 100 + 1,
  'tenants/t' || lpad((i % 100 + 1)::text, 3, '0') || '/docs/' || (i + 1) || '.pdf' FROM generate_series(0, greatest(100, :rows * 20 / 100) - 1) i;
INSERT INTO document_events SELECT i + 1, i % 100 + 1, floor(random() * (SELECT count(*) / 100 FROM documents))::int * 100 + i % 100 + 1,
  'viewed' FROM generate_series(0, greatest(100, :rows * 15 / 100) - 1) i;
UPDATE invoice_lines SET invoice_id = 2 + (k * 7919) % ((SELECT count(*) FROM invoices) - 2) FROM generate_series(0, 9) k WHERE id = 1 + k * 1000;
UPDATE document_events SET tenant_id = NULL WHERE id IN (3, 30, 300, 3000, 30000);
UPDATE documents SET storage_key = 'tenants/t999/stray.pdf' WHERE id IN (5, 50, 500);
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customers', 'projects', 'invoices', 'invoice_lines', 'documents', 'document_events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (tenant_id = current_setting(''app.tenant_id'')::integer)', t);
  END LOOP;
END $$;
VACUUM ANALYZE;
