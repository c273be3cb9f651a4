"""Deterministic tenant database for the benchmark: ROWS rows over 6 tenant-scoped tables.

    gen_db.py OUT.db ROWS

100 tenants; customers, projects, invoices, invoice_lines, documents and document_events, linked by
foreign keys, with a storage path per document. A handful of planted problems (cross-tenant references,
rows without a tenant, a path outside its prefix) make the run exercise the example queries too.
Same ROWS, same file contents: a fixed seed and no clock.
"""
import os
import random
import sqlite3
import sys

SHARES = [("customers", 0.05), ("projects", 0.05), ("invoices", 0.15), ("invoice_lines", 0.40),
          ("documents", 0.20), ("document_events", 0.15)]
TENANTS = 100

SCHEMA = """
CREATE TABLE tenants (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE);
CREATE TABLE customers (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), name TEXT);
CREATE TABLE projects (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                       customer_id INTEGER REFERENCES customers(id), name TEXT);
CREATE TABLE invoices (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                       customer_id INTEGER REFERENCES customers(id), project_id INTEGER REFERENCES projects(id),
                       total_cents INTEGER);
CREATE TABLE invoice_lines (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id),
                            invoice_id INTEGER REFERENCES invoices(id), cents INTEGER);
CREATE TABLE documents (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id),
                        invoice_id INTEGER REFERENCES invoices(id), storage_key TEXT);
CREATE TABLE document_events (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id),
                              document_id INTEGER REFERENCES documents(id), kind TEXT);
"""


def main():
    out, total = sys.argv[1], int(sys.argv[2])
    rng = random.Random(42)
    counts = {name: max(TENANTS, int(total * share)) for name, share in SHARES}
    tmp = out + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    db = sqlite3.connect(tmp)
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
    db.executemany("INSERT INTO tenants VALUES (?, ?)", ((t, f"t{t:03d}") for t in range(1, TENANTS + 1)))

    def tenant_of(i):  # rows are spread round-robin, so row i of any table belongs to tenant i % 100 + 1
        return i % TENANTS + 1

    def same_tenant(n_parent, i):
        t = tenant_of(i)
        k = rng.randrange(max(1, n_parent // TENANTS))
        j = k * TENANTS + (t - 1)
        return j + 1 if j < n_parent else t

    n = counts
    db.executemany("INSERT INTO customers VALUES (?, ?, ?)",
                   ((i + 1, tenant_of(i), f"c{i}") for i in range(n["customers"])))
    db.executemany("INSERT INTO projects VALUES (?, ?, ?, ?)",
                   ((i + 1, tenant_of(i), same_tenant(n["customers"], i), f"p{i}") for i in range(n["projects"])))
    db.executemany("INSERT INTO invoices VALUES (?, ?, ?, ?, ?)",
                   ((i + 1, tenant_of(i), same_tenant(n["customers"], i), same_tenant(n["projects"], i),
                     rng.randrange(100, 100_000)) for i in range(n["invoices"])))
    db.executemany("INSERT INTO invoice_lines VALUES (?, ?, ?, ?)",
                   ((i + 1, tenant_of(i), same_tenant(n["invoices"], i), rng.randrange(100, 10_000))
                    for i in range(n["invoice_lines"])))
    db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?)",
                   ((i + 1, tenant_of(i), same_tenant(n["invoices"], i), f"tenants/t{tenant_of(i):03d}/docs/{i + 1}.pdf")
                    for i in range(n["documents"])))
    db.executemany("INSERT INTO document_events VALUES (?, ?, ?, ?)",
                   ((i + 1, tenant_of(i), same_tenant(n["documents"], i), "viewed") for i in range(n["document_events"])))
    # Planted problems: 10 lines pointing at another tenant's invoice, 5 events without a tenant, 3 misfiled paths.
    for k in range(10):
        db.execute("UPDATE invoice_lines SET invoice_id = ? WHERE id = ?", (2 + (k * 7919) % (n["invoices"] - 2), 1 + k * 1000))
    db.execute("UPDATE document_events SET tenant_id = NULL WHERE id IN (3, 30, 300, 3000, 30000)")
    db.execute("UPDATE documents SET storage_key = 'tenants/t999/stray.pdf' WHERE id IN (5, 50, 500)")
    db.commit()
    db.close()
    os.replace(tmp, out)
    print(f"{out}: {sum(n.values())} rows in 6 tenant tables, {TENANTS} tenants")


if __name__ == "__main__":
    main()
