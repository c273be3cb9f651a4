-- An invoice's status, as an enum type.
CREATE TYPE invoice_status AS ENUM ('draft', 'sent', 'paid');
ALTER TABLE invoices ADD COLUMN status invoice_status NOT NULL DEFAULT 'draft';
UPDATE invoices SET status = 'sent' WHERE issued_on <= current_date;
