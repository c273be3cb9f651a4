"""Builds the sample tenant database from schema.sql and deterministic rows (a fixed seed, no clock).

    python3 tenancy/build_db.py build/tenants.db [--tenants 3]

Every row belongs to its tenant and every reference stays inside it, so the launch suite's
tenant-isolation check passes. Running it twice gives the same rows.
"""
import argparse
import os
import random
import sqlite3

HERE = os.path.dirname(os.path.abspath(__file__))
SLUGS = ["acme", "globex", "initech", "umbrella", "hooli", "stark"]


def build(path, tenants):
    rng = random.Random(7)
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    db = sqlite3.connect(tmp)
    with open(os.path.join(HERE, "schema.sql")) as f:
        db.executescript(f.read())
    db.executemany("INSERT INTO plans VALUES (?, ?, ?)", [(1, "starter", 5), (2, "business", 50)])
    ids = {"user": 0, "customer": 0, "invoice": 0, "line": 0, "document": 0, "note": 0, "event": 0}

    def next_id(kind):
        ids[kind] += 1
        return ids[kind]

    for t in range(1, tenants + 1):
        slug = SLUGS[t - 1]
        db.execute("INSERT INTO tenants VALUES (?, ?, ?, ?)", (t, slug, slug.title() + " Ltd", 1 + t % 2))
        users = [next_id("user") for _ in range(4)]
        for u in users:
            db.execute("INSERT INTO users VALUES (?, ?, ?)", (u, t, f"user{u}@{slug}.example"))
        customers = [next_id("customer") for _ in range(5)]
        for c in customers:
            db.execute("INSERT INTO customers VALUES (?, ?, ?)", (c, t, f"Customer {c}"))
        for n in range(1, 9):
            inv = next_id("invoice")
            lines = [rng.randint(100, 50_000) for _ in range(rng.randint(1, 4))]
            db.execute("INSERT INTO invoices VALUES (?, ?, ?, ?, ?)",
                       (inv, t, rng.choice(customers), f"{slug.upper()}-{n:04d}", sum(lines)))
            for cents in lines:
                db.execute("INSERT INTO invoice_lines VALUES (?, ?, ?, ?, ?)",
                           (next_id("line"), t, inv, "consulting", cents))
            doc = next_id("document")
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)", (doc, t, inv, f"tenants/{slug}/invoices/{inv}.pdf"))
            db.execute("INSERT INTO invoice_notes VALUES (?, ?, ?, ?)", (next_id("note"), t, inv, "sent"))
            db.execute("INSERT INTO audit_events VALUES (?, ?, ?, ?, ?)",
                       (next_id("event"), t, rng.choice(users), inv, "invoice.sent"))
    db.commit()
    db.execute("VACUUM")
    db.close()
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path")
    p.add_argument("--tenants", type=int, default=3, choices=range(2, len(SLUGS) + 1))
    args = p.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.path)), exist_ok=True)
    build(args.path, args.tenants)
    print(f"built {args.path}")


if __name__ == "__main__":
    main()
