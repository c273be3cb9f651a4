-- The sample's tenant data on PostgreSQL, the way a multi-tenant service protects it there: row-level
-- security on every tenant table, forced, with one policy per table on the tenant the application sets
-- per request (SET app.tenant_id), and an application role without BYPASSRLS that owns nothing.
-- db/postgres.sh loads it into a throwaway cluster; db/postgres.yaml checks it.
CREATE ROLE sample_app NOLOGIN;
CREATE TABLE plans (id integer PRIMARY KEY, code text NOT NULL UNIQUE);
CREATE TABLE tenants (id integer PRIMARY KEY, slug text NOT NULL UNIQUE, plan_id integer NOT NULL REFERENCES plans(id));
CREATE TABLE customers (id integer PRIMARY KEY, tenant_id integer NOT NULL REFERENCES tenants(id), name text NOT NULL);
CREATE TABLE invoices (id integer PRIMARY KEY, tenant_id integer NOT NULL REFERENCES tenants(id),
                       customer_id integer NOT NULL REFERENCES customers(id), number text NOT NULL, total_cents integer NOT NULL,
                       UNIQUE (tenant_id, number));
CREATE TABLE documents (id integer PRIMARY KEY, tenant_id integer NOT NULL REFERENCES tenants(id),
                        invoice_id integer REFERENCES invoices(id), storage_key text NOT NULL);
INSERT INTO plans VALUES (1, 'basic'), (2, 'pro');
INSERT INTO tenants VALUES (1, 'acme', 2), (2, 'globex', 1), (3, 'initech', 1);
INSERT INTO customers SELECT i, i % 3 + 1, 'customer ' || i FROM generate_series(1, 33) i;
INSERT INTO invoices SELECT i, i % 3 + 1, (i % 10) * 3 + i % 3 + 3, 'INV-' || i, 1000 + i FROM generate_series(1, 60) i;
INSERT INTO documents SELECT i, i % 3 + 1, i, 'tenants/' || (ARRAY['acme', 'globex', 'initech'])[i % 3 + 1] || '/invoices/' || i || '.pdf'
  FROM generate_series(1, 60) i;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO sample_app;
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customers', 'invoices', 'documents'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''app.tenant_id'')::integer)', t);
  END LOOP;
END $$;
