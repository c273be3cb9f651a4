"""The sample service's tenant API, served from the tenant database (standard library only).

    python3 tenancy/api.py --db build/tenants.db --port 0 --port-file build/api.port

Routes (GET and HEAD), each behind `Authorization: Bearer <token>`; tenant SLUG's token is read from the
environment variable SAMPLE_TOKEN_<SLUG>:
  /tenants/{slug}/invoices            {"invoices": [{"id": ..., "number": ...}, ...]}
  /tenants/{slug}/invoices/{id}       one invoice
  /tenants/{slug}/documents           {"documents": [...]}
  /tenants/{slug}/documents/{id}      one document

Every query filters by the caller's tenant, so another tenant's object is a 404, a path of another tenant
a 403, and a missing token a 401. Ids that are not numbers are a 404, never a crash.
"""
import argparse
import json
import os
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

QUERIES = {
    "invoices": "SELECT id, number, total_cents FROM invoices WHERE tenant_id = ?",
    "documents": "SELECT id, invoice_id, storage_key FROM documents WHERE tenant_id = ?",
}


def make_handler(db_path, tokens, slugs):
    local = threading.local()

    def db():
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            local.conn.row_factory = sqlite3.Row
        return local.conn

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        server_version = "sample-tenancy/1.0"

        def log_message(self, fmt, *args):
            pass

        def send_json(self, status, body):
            payload = json.dumps(body, sort_keys=True).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def do_GET(self):
            parts = [unquote(p) for p in self.path.split("?", 1)[0].split("/")[1:]]
            if len(parts) not in (3, 4) or parts[0] != "tenants" or parts[2] not in QUERIES:
                return self.send_json(404, {"error": "not found"})
            auth = self.headers.get("Authorization", "")
            caller = tokens.get(auth[len("Bearer "):]) if auth.startswith("Bearer ") else None
            if caller is None:
                return self.send_json(401, {"error": "credentials required"})
            if parts[1] != caller:
                return self.send_json(403, {"error": "not your tenant"})
            tenant_id = slugs[caller]
            sql = QUERIES[parts[2]]
            if len(parts) == 3:
                rows = db().execute(sql + " ORDER BY id", (tenant_id,)).fetchall()
                return self.send_json(200, {parts[2]: [dict(r) for r in rows]})
            if not parts[3].isdigit() or not parts[3].isascii() or len(parts[3]) > 18:
                return self.send_json(404, {"error": "no such object"})
            row = db().execute(sql + " AND id = ?", (tenant_id, int(parts[3]))).fetchone()
            if row is None:
                return self.send_json(404, {"error": "no such object"})
            return self.send_json(200, dict(row))

        do_HEAD = do_GET

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    args = p.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    slugs = dict(conn.execute("SELECT slug, id FROM tenants").fetchall())
    conn.close()
    tokens = {}
    for slug in slugs:
        token = os.environ.get("SAMPLE_TOKEN_" + slug.upper())
        if token:
            tokens[token] = slug
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.db, tokens, slugs))
    server.daemon_threads = True
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
