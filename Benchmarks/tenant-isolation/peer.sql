-- The peer: the same set-based checks gate runs on the benchmark database, as a hand-written script for
-- the sqlite3 command-line shell (what a verify-tenant-isolation.sh would do). Counts, then 5 examples
-- where a count is not zero.
.bail on
-- rows without a tenant, or naming no tenant
SELECT 'customers', COUNT(*), SUM(tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = ''),
  SUM(NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id)) FROM customers c;
SELECT 'projects', COUNT(*), SUM(tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = ''),
  SUM(NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id)) FROM projects c;
SELECT 'invoices', COUNT(*), SUM(tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = ''),
  SUM(NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id)) FROM invoices c;
SELECT 'invoice_lines', COUNT(*), SUM(tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = ''),
  SUM(NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id)) FROM invoice_lines c;
SELECT 'documents', COUNT(*), SUM(tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = ''),
  SUM(NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id)) FROM documents c;
SELECT 'document_events', COUNT(*), SUM(tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = ''),
  SUM(NOT (tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '') AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = c.tenant_id)) FROM document_events c;
SELECT id FROM document_events WHERE tenant_id IS NULL OR TRIM(CAST(tenant_id AS TEXT)) = '' ORDER BY id LIMIT 5;
-- references whose two rows belong to different tenants
SELECT 'projects.customer_id', COUNT(*) FROM projects c JOIN customers p ON c.customer_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'invoices.customer_id', COUNT(*) FROM invoices c JOIN customers p ON c.customer_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'invoices.project_id', COUNT(*) FROM invoices c JOIN projects p ON c.project_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'invoice_lines.invoice_id', COUNT(*) FROM invoice_lines c JOIN invoices p ON c.invoice_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT c.id, c.tenant_id, p.tenant_id FROM invoice_lines c JOIN invoices p ON c.invoice_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '') ORDER BY c.id LIMIT 5;
SELECT 'documents.invoice_id', COUNT(*) FROM documents c JOIN invoices p ON c.invoice_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
SELECT 'document_events.document_id', COUNT(*) FROM document_events c JOIN documents p ON c.document_id = p.id WHERE c.tenant_id <> p.tenant_id AND NOT (c.tenant_id IS NULL OR TRIM(CAST(c.tenant_id AS TEXT)) = '') AND NOT (p.tenant_id IS NULL OR TRIM(CAST(p.tenant_id AS TEXT)) = '');
-- stored paths outside tenants/{slug}/
SELECT 'storage', COUNT(*) FROM documents c JOIN tenants t ON c.tenant_id = t.id
  WHERE c.storage_key IS NOT NULL AND (substr(c.storage_key, 1, length('tenants/' || t.slug || '/')) <> 'tenants/' || t.slug || '/'
    OR instr('/' || c.storage_key || '/', '/../') > 0);
SELECT c.id, c.storage_key FROM documents c JOIN tenants t ON c.tenant_id = t.id
  WHERE c.storage_key IS NOT NULL AND (substr(c.storage_key, 1, length('tenants/' || t.slug || '/')) <> 'tenants/' || t.slug || '/'
    OR instr('/' || c.storage_key || '/', '/../') > 0) ORDER BY c.id LIMIT 5;
