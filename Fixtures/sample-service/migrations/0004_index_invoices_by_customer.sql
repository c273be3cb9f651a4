-- Pending in the sample: the customer page lists invoices newest first.
CREATE INDEX invoices_by_customer ON invoices (customer_id, issued_on DESC);
CREATE INDEX invoice_lines_by_invoice ON invoice_lines (invoice_id);
