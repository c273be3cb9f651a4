-- Invoices, in cents, dated the day they are issued.
CREATE TABLE invoices (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers(id),
    total_cents integer NOT NULL CHECK (total_cents >= 0),
    issued_on date NOT NULL DEFAULT current_date
);
