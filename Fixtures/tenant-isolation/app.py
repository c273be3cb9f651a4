"""A small multi-tenant JSON API for testing gate's tenant-isolation verifier (standard library only).

Every tenant owns objects of every resource. Object ids are global integers, assigned in a fixed order
(resource, then tenant, then index), so the tests and the benchmark know them without asking.

Routes (all answer GET and HEAD):
  /tenants/{tenant}/{resource}            the tenant's objects: {"<resource>": [{"id": 1, ...}, ...]}
  /tenants/{tenant}/{resource}/{id}       one object
  /mine/{resource}                        the caller's objects as a top-level array [{"id": 1}, ...]
  /objects/{resource}/{id}                one object, addressed by id alone
  /health                                 {"status": "ok"}
  /wire/chunked, /wire/close, /wire/interim   the same JSON body, sent chunked, as HTTP/1.0 until close,
                                          and after a 100 Continue (for the client's own tests)

Credentials: `Authorization: Bearer <token>`, where tenant NAME's token is read from the environment
variable TOKEN_<NAME> (upper case, '-' as '_'). No token gives 401, a token for another tenant's path 403,
an object of another tenant 404.

Switches that inject bugs:
  --idor            /tenants/{t}/{resource}/{id} checks the path's tenant, then loads the object by id alone
  --crash-malformed a non-numeric or empty id raises, and the server answers 500
  --public RES      RES needs no credentials at all (repeatable)
  --slow-id ID      /tenants/.../ID sleeps 30 s before answering, whoever asks (repeatable)
  --no-head         HEAD is not implemented: the standard library answers 501, as a plain http.server does
"""
import argparse
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


def build_objects(tenants, resources, per_tenant):
    """(resource, id) -> owner tenant, and tenant -> resource -> [ids], in a fixed order."""
    owner, owned = {}, {t: {r: [] for r in resources} for t in tenants}
    next_id = 1
    for r in resources:
        for t in tenants:
            for _ in range(per_tenant):
                owner[(r, next_id)] = t
                owned[t][r].append(next_id)
                next_id += 1
    return owner, owned


def token_env(tenant):
    return "TOKEN_" + tenant.upper().replace("-", "_")


def make_handler(args, owner, owned, tokens):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real services do
        disable_nagle_algorithm = True  # headers and body go out as separate writes
        server_version = "tenant-fixture/1.0"

        def log_message(self, fmt, *a):
            pass

        def send_json(self, status, body):
            payload = json.dumps(body, sort_keys=True).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def caller(self):
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                return None
            return tokens.get(auth[len("Bearer "):])

        def parse_id(self, text):
            if args.crash_malformed:
                return int(text)  # ValueError on 'abc', '' or '../x': the hard 500 under test
            return int(text) if text.isdigit() and text.isascii() else None

        def obj(self, resource, oid):
            return {"id": oid, "resource": resource, "tenant": owner[(resource, oid)],
                    "title": f"{resource} {oid} of {owner[(resource, oid)]}"}

        def route(self):
            path = self.path.split("?", 1)[0]
            parts = [unquote(p) for p in path.split("/")[1:]]
            if parts == ["health"]:
                return self.send_json(200, {"status": "ok"})
            if len(parts) == 2 and parts[0] == "wire":
                return self.wire(parts[1])
            who = self.caller()
            if len(parts) == 4 and parts[3].isdigit() and int(parts[3]) in args.slow_id:
                time.sleep(30)
            if len(parts) >= 2 and parts[0] == "tenants":
                tenant = parts[1]
                resource = parts[2] if len(parts) > 2 else None
                if resource not in args.resources or tenant not in owned or len(parts) > 4:
                    return self.send_json(404, {"error": "not found"})
                public = resource in args.public
                if who is None and not public:
                    return self.send_json(401, {"error": "credentials required"})
                if who != tenant and not public:
                    return self.send_json(403, {"error": "not your tenant"})
                if len(parts) == 3:
                    return self.send_json(200, {resource: [self.obj(resource, i) for i in owned[tenant][resource]]})
                oid = self.parse_id(parts[3])
                if oid is None or (resource, oid) not in owner:
                    return self.send_json(404, {"error": "no such object"})
                if not args.idor and not public and owner[(resource, oid)] != tenant:
                    return self.send_json(404, {"error": "no such object"})
                return self.send_json(200, self.obj(resource, oid))
            if len(parts) == 2 and parts[0] == "mine" and parts[1] in args.resources:
                if who is None:
                    return self.send_json(401, {"error": "credentials required"})
                return self.send_json(200, [{"id": i} for i in owned[who][parts[1]]])
            if len(parts) == 3 and parts[0] == "objects" and parts[1] in args.resources:
                resource = parts[1]
                if who is None and resource not in args.public:
                    return self.send_json(401, {"error": "credentials required"})
                oid = self.parse_id(parts[2])
                if oid is None or (resource, oid) not in owner:
                    return self.send_json(404, {"error": "no such object"})
                if resource not in args.public and owner[(resource, oid)] != who:
                    return self.send_json(404, {"error": "no such object"})
                return self.send_json(200, self.obj(resource, oid))
            return self.send_json(404, {"error": "not found"})

        def wire(self, how):
            body = json.dumps({"wire": how, "pad": "x" * 3000}).encode()
            w = self.wfile
            if how == "chunked":
                w.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n")
                for i in range(0, len(body), 1000):
                    chunk = body[i:i + 1000]
                    w.write(b"%x;ext=1\r\n%s\r\n" % (len(chunk), chunk))
                w.write(b"0\r\nX-Trailer: yes\r\n\r\n")
            elif how == "close":
                w.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body)
                self.close_connection = True
            elif how == "interim":
                w.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                w.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            else:
                self.send_json(404, {"error": "not found"})
            w.flush()

        def handle_any(self):
            try:
                self.route()
            except Exception as e:  # the injected bug surfaces as a hard 500, like an unhandled exception
                self.send_json(500, {"error": "internal server error", "detail": type(e).__name__})

        do_GET = handle_any
        do_HEAD = handle_any
        do_DELETE = handle_any

    if args.no_head:
        del Handler.do_HEAD
    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", help="write the bound port here once listening")
    p.add_argument("--tenants", default="acme,globex,initech", help="comma-separated tenant names")
    p.add_argument("--resources", default="documents,invoices", help="comma-separated resource names")
    p.add_argument("--per-tenant", type=int, default=2, help="objects per tenant and resource")
    p.add_argument("--idor", action="store_true")
    p.add_argument("--crash-malformed", action="store_true")
    p.add_argument("--public", action="append", default=[])
    p.add_argument("--slow-id", action="append", type=int, default=[])
    p.add_argument("--no-head", action="store_true")
    p.add_argument("--cert", help="serve HTTPS with this certificate (PEM) and --key")
    p.add_argument("--key")
    args = p.parse_args()
    args.resources = args.resources.split(",")
    tenants = args.tenants.split(",")
    owner, owned = build_objects(tenants, args.resources, args.per_tenant)
    tokens = {}
    for t in tenants:
        value = os.environ.get(token_env(t))
        if not value:
            sys.exit(f"app.py: set {token_env(t)} to tenant '{t}'s token")
        tokens[value] = t
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args, owner, owned, tokens))
    server.daemon_threads = True
    if args.cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
