#!/usr/bin/env python3
"""A service with switchable faults, for the health verifier's and the HTTP client's tests.

Binds 127.0.0.1 (port 0 picks a free one; --port-file receives it), speaks HTTP/1.1 with keep-alive, and
TLS with --cert/--key. Routes:
  /health                      200 {"status": "ok"}
  /api/health                  {"status": "healthy", "checks": {...}}; --degrade NAME marks a component
  /components/NAME             a component probe; --slow NAME=MS delays it
  /status/CODE                 that status; /size/N an N-byte body; /sleep/MS a delay
  /webhook                     POST only (GET is 405)
  /v1/jobs/run  POST           creates a job, idempotent by Idempotency-Key unless --non-idempotent
  /v1/jobs/ID   GET            the job
  /items/ID     GET            a numeric id is found or 404; a malformed one is 400, or 500 with --crash-malformed
  /metrics                     Prometheus text; --metrics missing|malformed|openmetrics
  /bad-json                    200 with a broken JSON body
  /echo                        the request's headers as JSON
  /redirect/away, /redirect/local, /redirect/loop
  /hang, /reset, /trickle, /header-flood, /endless, /gzip
  /headers/LINESxSIZE          200 with LINES extra header lines of SIZE bytes each
Faults never stop the server: each request runs on its own thread.
"""
import argparse
import gzip
import json
import os
import re
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
JOBS = {}
KEYS = {}
LOCK = threading.Lock()
STARTED = time.time()

METRICS = """# HELP tai_http_requests_total Requests served.
# TYPE tai_http_requests_total counter
tai_http_requests_total{method="GET",code="200"} 1027
tai_http_requests_total{method="POST",code="201"} 3
# HELP tai_queue_depth Jobs waiting.
# TYPE tai_queue_depth gauge
tai_queue_depth 4
# HELP tai_request_seconds Request latency.
# TYPE tai_request_seconds histogram
tai_request_seconds_bucket{le="0.1"} 900
tai_request_seconds_bucket{le="0.5"} 1020
tai_request_seconds_bucket{le="+Inf"} 1030
tai_request_seconds_sum 41.5
tai_request_seconds_count 1030
"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Head and body go out in two writes: without TCP_NODELAY, Nagle's algorithm holds the body until the
    # client's delayed ACK (40 ms on Linux), and every kept-alive answer would take 40 ms more than it should.
    disable_nagle_algorithm = True
    server_version = "health-fixture/1.0"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body=b"", ctype="application/json", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, sort_keys=True).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def target(self):
        """The request path; an absolute-form target (as sent to a proxy) is answered as if relayed."""
        m = re.match(r"https?://[^/]+(/.*)?$", self.path)
        return (m.group(1) or "/") if m else self.path

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.target().split("?", 1)[0]
        if path == "/health":
            return self.send(200, {"status": "ok"})
        if path == "/api/health":
            checks = {name: ("degraded" if name in ARGS.degrade else "ok") for name in ("database", "cas", "engine")}
            status = "healthy" if all(v == "ok" for v in checks.values()) else "degraded"
            return self.send(200, {"status": status, "checks": checks, "version": "1.4.0",
                                   "uptime_seconds": int(time.time() - STARTED)})
        m = re.fullmatch(r"/components/(\w+)", path)
        if m:
            time.sleep(ARGS.slow.get(m.group(1), 0) / 1000)
            return self.send(200, {"component": m.group(1), "status": "ok"})
        m = re.fullmatch(r"/status/(\d{3})", path)
        if m:
            return self.send(int(m.group(1)), {"status": int(m.group(1))})
        m = re.fullmatch(r"/size/(\d+)", path)
        if m:
            return self.send(200, b"x" * int(m.group(1)), ctype="text/plain")
        m = re.fullmatch(r"/sleep/(\d+)", path)
        if m:
            time.sleep(int(m.group(1)) / 1000)
            return self.send(200, {"slept": int(m.group(1))})
        if path == "/webhook":
            return self.send(405, {"error": "use POST"}, headers=[("Allow", "POST")])
        m = re.fullmatch(r"/v1/jobs/([^/]+)", path)
        if m:
            with LOCK:
                job = JOBS.get(m.group(1))
            return self.send(200, job) if job else self.send(404, {"error": "no such job"})
        m = re.fullmatch(r"/items/([^/]*)", path)
        if m:
            raw = m.group(1)
            if re.fullmatch(r"[0-9]{1,9}", raw):
                n = int(raw)
                return self.send(200, {"id": n, "name": f"item {n}"}) if n <= 100 else self.send(404, {"error": "no such item"})
            if ARGS.crash_malformed:
                return self.send(500, {"error": "int() failed"})
            return self.send(400, {"error": "id must be a number"})
        if path == "/items":
            limit = (re.search(r"limit=([^&]*)", self.path) or [None, "10"])[1]
            if not re.fullmatch(r"[0-9]{1,3}", limit):
                if ARGS.crash_malformed:
                    return self.send(500, {"error": "bad limit"})
                return self.send(400, {"error": "limit must be a number"})
            return self.send(200, [{"id": i} for i in range(1, min(int(limit), 100) + 1)])
        if path == "/metrics":
            return self.metrics()
        if path == "/bad-json":
            return self.send(200, '{"status": "healthy", "checks": {')
        if path == "/echo":
            return self.send(200, {k.lower(): v for k, v in self.headers.items()})
        if path == "/gzip":
            body = gzip.compress(json.dumps({"status": "ok"}).encode())
            return self.send(200, body, headers=[("Content-Encoding", "gzip")])
        if path == "/redirect/away":
            return self.send(302, b"", headers=[("Location", "http://elsewhere.invalid/health")])
        if path == "/redirect/local":
            return self.send(302, b"", headers=[("Location", "/health")])
        if path == "/redirect/loop":
            return self.send(302, b"", headers=[("Location", "/redirect/loop")])
        if path == "/hang":
            time.sleep(3600)
            return None
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return None
        if path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
            return None
        m = re.fullmatch(r"/headers/(\d+)x(\d+)", path)
        if m:
            lines, size = int(m.group(1)), int(m.group(2))
            return self.send(200, b"ok", headers=[("X-H%d" % i, "h" * size) for i in range(lines)])
        if path == "/header-flood":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            line = b"X-Flood: " + b"a" * 1000 + b"\r\n"
            try:
                for _ in range(200 * 1024):  # 200 MB of headers
                    self.wfile.write(line)
            except OSError:
                pass
            self.close_connection = True
            return None
        if path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            chunk = b"[" + b"0," * 32768
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
            return None
        return self.send(404, {"error": "not found"})

    def metrics(self):
        mode = ARGS.metrics
        if mode == "missing":
            return self.send(404, {"error": "no metrics"})
        text = METRICS
        if mode == "malformed":
            text = text.replace("tai_queue_depth 4", "tai_queue_depth four") + "tai_request_seconds_bucket{le=\"0.1\"} 900\n"
        if mode == "openmetrics":
            text = text.replace("# TYPE tai_http_requests_total counter", "# TYPE tai_http_requests counter")
            return self.send(200, text + "# EOF\n", ctype="application/openmetrics-text; version=1.0.0; charset=utf-8")
        return self.send(200, text, ctype="text/plain; version=0.0.4; charset=utf-8")

    def do_POST(self):
        path = self.target().split("?", 1)[0]
        body = self.read_body()
        if path == "/webhook":
            return self.send(202, {"accepted": True})
        if path == "/v1/jobs/run":
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                return self.send(400, {"error": "invalid JSON"})
            key = self.headers.get("Idempotency-Key")
            with LOCK:
                if key and key in KEYS and not ARGS.non_idempotent:
                    return self.send(200, JOBS[KEYS[key]], headers=[("Location", "/v1/jobs/" + KEYS[key])])
                job_id = uuid.uuid4().hex[:12]
                JOBS[job_id] = {"thread_id": job_id, "status": "queued", "request": request}
                if key:
                    KEYS[key] = job_id
            # Location as an absolute path, or (X-Absolute-Location: 1) as a URL on this origin, as frameworks do.
            where = "/v1/jobs/" + job_id
            if self.headers.get("X-Absolute-Location"):
                where = "%s://%s:%d%s" % ("https" if ARGS.cert else "http", self.server.server_address[0],
                                          self.server.server_address[1], where)
            return self.send(201, JOBS[job_id], headers=[("Location", where)])
        if path == "/echo":
            return self.send(200, {"method": "POST", "body": body.decode("utf-8", "replace")})
        return self.send(404, {"error": "not found"})

    def do_PUT(self):
        self.read_body()
        self.send(405, {"error": f"no {self.command}"}, headers=[("Allow", "GET, HEAD, POST")])

    # Methods the service does not offer (schemathesis tries TRACE, QUERY and others) get 405, as a web
    # framework answers, rather than http.server's 501.
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.do_PUT
        raise AttributeError(name)


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--degrade", action="append", default=[])
    p.add_argument("--slow", action="append", default=[], help="NAME=MS")
    p.add_argument("--metrics", choices=["ok", "missing", "malformed", "openmetrics"], default="ok")
    p.add_argument("--non-idempotent", action="store_true")
    p.add_argument("--crash-malformed", action="store_true")
    ARGS = p.parse_args()
    ARGS.slow = {k: int(v) for k, v in (s.split("=", 1) for s in ARGS.slow)}
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        # The handshake runs on the request's thread (first read), not in accept(): a client that connects
        # and says nothing must not stall the server.
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    if ARGS.port_file:
        with open(ARGS.port_file + ".tmp", "w", encoding="utf-8") as f:
            f.write(str(server.server_address[1]))
        os.replace(ARGS.port_file + ".tmp", ARGS.port_file)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
