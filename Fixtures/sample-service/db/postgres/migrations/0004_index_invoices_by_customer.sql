-- Pending in the sample: the customer page lists invoices newest first.
CREATE INDEX invoices_by_customer ON invoices (customer_id, issued_on DESC);
