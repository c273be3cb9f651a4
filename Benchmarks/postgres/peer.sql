-- The peer: the same set-based counts gate runs on the benchmark database (null-tenant, cross-tenant
-- references, storage paths, and the row-level security catalog), as a hand-written psql script. Counts,
-- then 5 examples where a count is not zero.
\set ON_ERROR_STOP on
SELECT 'customers', COUNT(*), SUM(CASE WHEN tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id) THEN 1 ELSE 0 END) FROM customers c;
SELECT 'projects', COUNT(*), SUM(CASE WHEN tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id) THEN 1 ELSE 0 END) FROM projects c;
SELECT 'invoices', COUNT(*), SUM(CASE WHEN tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id) THEN 1 ELSE 0 END) FROM invoices c;
SELECT 'invoice_lines', COUNT(*), SUM(CASE WHEN tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id) THEN 1 ELSE 0 END) FROM invoice_lines c;
SELECT 'documents', COUNT(*), SUM(CASE WHEN tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id) THEN 1 ELSE 0 END) FROM documents c;
SELECT 'document_events', COUNT(*), SUM(CASE WHEN tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id) THEN 1 ELSE 0 END) FROM document_events c;
SELECT id FROM document_events WHERE tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '' ORDER BY id LIMIT 5;
SELECT 'projects.customer_id', COUNT(*) FROM projects c JOIN customers p ON c.customer_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'invoices.customer_id', COUNT(*) FROM invoices c JOIN customers p ON c.customer_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'invoices.project_id', COUNT(*) FROM invoices c JOIN projects p ON c.project_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'invoice_lines.invoice_id', COUNT(*) FROM invoice_lines c JOIN invoices p ON c.invoice_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT c.id, c.tenant_id, p.tenant_id FROM invoice_lines c JOIN invoices p ON c.invoice_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '') ORDER BY c.id LIMIT 5;
SELECT 'documents.invoice_id', COUNT(*) FROM documents c JOIN invoices p ON c.invoice_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'document_events.document_id', COUNT(*) FROM document_events c JOIN documents p ON c.document_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'storage', COUNT(*) FROM documents c JOIN tenants t ON c.tenant_id = t.id
  WHERE c.storage_key IS NOT NULL AND (substr(c.storage_key, 1, length('tenants/' || t.slug || '/')) <> 'tenants/' || t.slug || '/'
    OR strpos('/' || c.storage_key || '/', '/../') > 0);
SELECT c.id, c.storage_key FROM documents c JOIN tenants t ON c.tenant_id = t.id
  WHERE c.storage_key IS NOT NULL AND (substr(c.storage_key, 1, length('tenants/' || t.slug || '/')) <> 'tenants/' || t.slug || '/'
    OR strpos('/' || c.storage_key || '/', '/../') > 0) ORDER BY c.id LIMIT 5;
-- row-level security in the catalog: per table, and the policies
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
  FROM pg_class c WHERE c.relkind = 'r' AND pg_table_is_visible(c.oid) AND c.relnamespace <> 'pg_catalog'::regnamespace;
SELECT c.relname, p.polname, pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid;
