-- The sample service's multi-tenant data model. build_db.py creates build/tenants.db from this schema
-- and deterministic rows; Suites/launch.yaml checks it with the tenant-isolation verifier.
PRAGMA foreign_keys = ON;

-- Shared by every tenant: listed in 'global-tables'.
CREATE TABLE plans (
    id    INTEGER PRIMARY KEY,
    code  TEXT NOT NULL UNIQUE,
    seats INTEGER NOT NULL
);

-- The root of tenancy: tenant_id columns hold tenants.id; storage paths start with tenants/{slug}/.
CREATE TABLE tenants (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    plan_id INTEGER NOT NULL REFERENCES plans(id)
);

CREATE TABLE users (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    email     TEXT NOT NULL,
    UNIQUE (tenant_id, email)
);

CREATE TABLE customers (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name      TEXT NOT NULL
);

CREATE TABLE invoices (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    number      TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    UNIQUE (tenant_id, number)
);

CREATE TABLE invoice_lines (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    invoice_id  INTEGER NOT NULL REFERENCES invoices(id),
    description TEXT NOT NULL,
    cents       INTEGER NOT NULL
);

-- Files attached to invoices; storage_key must lie under tenants/{slug}/.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    invoice_id  INTEGER REFERENCES invoices(id),
    storage_key TEXT NOT NULL
);

-- The tenant travels with the key: the database itself keeps a note in its invoice's tenant.
CREATE TABLE invoice_notes (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    invoice_id INTEGER NOT NULL,
    body       TEXT NOT NULL,
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices(tenant_id, id)
);
CREATE UNIQUE INDEX invoices_tenant_id_id ON invoices(tenant_id, id);

-- An audit trail whose subject column is not a declared foreign key: 'relations' names it.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    actor_user_id   INTEGER NOT NULL REFERENCES users(id),
    subject_invoice INTEGER,
    action          TEXT NOT NULL
);
