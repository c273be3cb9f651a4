-- Customers of the invoicing service, and the notes table the first release used (PostgreSQL).
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE legacy_notes (
    id bigserial PRIMARY KEY,
    customer_id bigint REFERENCES customers(id),
    body text NOT NULL
);
