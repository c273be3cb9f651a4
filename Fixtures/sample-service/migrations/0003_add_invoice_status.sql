ALTER TABLE invoices ADD COLUMN status TEXT NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'sent', 'paid', 'void'));

UPDATE invoices SET status = 'sent' WHERE issued_on <= date('now');
