import GateCore

/// The runbook requirements of issue 25, each as a runnable example: `gate explain health` prints them and
/// a test runs every one (the service is the small app below, started by the example itself).
extension HealthVerifier {
    static let app = #"""
        import argparse, json, os, re, ssl, time, uuid
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        p = argparse.ArgumentParser()
        for flag in ("--port-file", "--cert", "--key", "--degrade", "--slow"):
            p.add_argument(flag, default="")
        p.add_argument("--no-metrics", action="store_true")
        p.add_argument("--non-idempotent", action="store_true")
        a = p.parse_args()
        slow = dict((k, int(v)) for k, v in (s.split("=") for s in a.slow.split(",") if s))
        jobs, keys = {}, {}
        METRICS = ('# HELP tai_http_requests_total Requests served.\n# TYPE tai_http_requests_total counter\n'
                   'tai_http_requests_total{code="200"} 12\ntai_http_requests_total{code="500"} 0\n')

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def reply(self, code, body, ctype="application/json"):
                data = (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def do_GET(self):
                if self.path == "/health":
                    return self.reply(200, {"status": "ok"})
                if self.path == "/api/health":
                    checks = {c: "degraded" if c == a.degrade else "ok" for c in ("database", "cas", "engine")}
                    return self.reply(200, {"status": "degraded" if a.degrade else "healthy", "checks": checks})
                m = re.fullmatch(r"/components/(\w+)", self.path)
                if m:
                    time.sleep(slow.get(m[1], 0) / 1000)
                    return self.reply(200, {"component": m[1], "status": "ok"})
                if self.path == "/webhook":
                    return self.reply(405, {"error": "use POST"})
                m = re.fullmatch(r"/v1/jobs/(\w+)", self.path)
                if m and m[1] in jobs:
                    return self.reply(200, jobs[m[1]])
                if self.path == "/metrics" and not a.no_metrics:
                    return self.reply(200, METRICS, "text/plain; version=0.0.4")
                self.reply(404, {"error": "not found"})
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if self.path != "/v1/jobs/run":
                    return self.reply(404, {"error": "not found"})
                key = self.headers.get("Idempotency-Key")
                if key in keys and not a.non_idempotent:
                    return self.reply(200, jobs[keys[key]])
                job = uuid.uuid4().hex[:12]
                jobs[job] = {"thread_id": job, "status": "queued", "input": body}
                keys[key] = job
                self.reply(201, jobs[job])

        server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        server.daemon_threads = True
        if a.cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(a.cert, a.key)
            server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(a.port_file + ".tmp", a.port_file)
        server.serve_forever()
        """#

    static let requiem = #"""
        #!/bin/sh
        # Stands in for the engine binary: `requiem version` prints its version and ABI fields.
        echo '{"version": "'"${REQUIEM_VERSION:-1.4.0}"'", "engine_abi_version": '"${ENGINE_ABI:-2}"', "hash_algorithm_version": 1, "cas_format_version": 2, "protocol_framing_version": 1}'
        """#

    static let lock = """
        {
          "fields": {
            "$.cas_format_version": 2,
            "$.engine_abi_version": 2,
            "$.hash_algorithm_version": 1,
            "$.protocol_framing_version": 1
          },
          "schema": "gate-compat-lock/1",
          "version": "1.4.0"
        }
        """

    static func service(_ flags: String = "") -> String {
        "service: {run: \"python3 app.py --port-file port\(flags.isEmpty ? "" : " " + flags)\", port-file: port}"
    }

    static func tlsService(days: Int) -> String {
        """
        service:
          run: >-
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days \(days)
            -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1
            -keyout key.pem -out cert.pem 2>/dev/null
            && exec python3 app.py --port-file port --cert cert.pem --key key.pem
          port-file: port
        """
    }

    static let files = ["app.py": app]

    static let examples: [VerifierExample] = [
        VerifierExample("Wait for the port, then for /health, then check /api/health's JSON", with: """
            \(service())
            wait: {timeout: 5m, interval: 10s, url: /health, status: 200}
            url: /api/health
            json:
              - $.status == "healthy"
              - $.checks.* == "ok"
            """, files: files, expect: .passed),
        VerifierExample("A component reports degraded", with: """
            \(service("--degrade cas"))
            url: /api/health
            json: ['$.status == "healthy"', '$.checks.* == "ok"']
            """, files: files, expect: .failed, expectRules: ["health/json"]),
        VerifierExample("Latency bands per component", with: """
            \(service())
            requests:
              - {name: database, url: /components/database, latency: {samples: 5, p95: {degraded: 2s, critical: 10s}}}
              - {name: cas, url: /components/cas, latency: {samples: 5, p95: {degraded: 1s, critical: 8s}}}
              - {name: engine, url: /components/engine, latency: {samples: 3, p95: {degraded: 3s, critical: 15s}}}
            """, files: files, expect: .passed),
        VerifierExample("A database slower than 500 ms is critical", with: """
            \(service("--slow database=600"))
            name: database
            url: /components/database
            latency: {samples: 3, p95: {degraded: 100ms, critical: 500ms}}
            """, files: files, expect: .failed, expectRules: ["health/critical"]),
        VerifierExample("A POST-only webhook answers 405 to GET", with: """
            \(service())
            url: /webhook
            status: 405
            """, files: files, expect: .passed),
        VerifierExample("HTTPS with a self-signed certificate (curl -k) and its expiry", with: """
            \(tlsService(days: 365))
            base-url: https://localhost:{port}
            insecure: true
            url: /health
            tls: {expiry: {warning: 30d, error: 7d}}
            """, files: files, expect: .passed),
        VerifierExample("A certificate that expires in 5 days", with: """
            \(tlsService(days: 5))
            base-url: https://localhost:{port}
            insecure: true
            url: /health
            tls: {expiry: {warning: 30d, error: 7d}}
            """, files: files, expect: .failed, expectRules: ["health/cert-expiry"]),
        VerifierExample("/metrics parses and carries the named series", with: """
            \(service())
            metrics:
              url: /metrics
              require: ['tai_http_requests_total{code="200"} >= 1', 'tai_http_requests_total{code=~"5.."} == 0']
            """, files: files, expect: .passed),
        VerifierExample("A required series is missing", with: """
            \(service())
            metrics: {url: /metrics, require: [tai_queue_depth]}
            """, files: files, expect: .failed, expectRules: ["health/metrics-missing"]),
        VerifierExample("Smoke flow: run a job with an idempotency key, read it back, and repeat the POST", with: """
            \(service())
            flow:
              - name: run job
                url: /v1/jobs/run
                method: POST
                headers: {Idempotency-Key: "{uuid}"}
                body: {engine: demo, input: [1, 2, 3]}
                status: [200, 201]
                capture: {job: $.thread_id}
                repeat: 2
                same: [$.thread_id]
              - {name: read job, url: "/v1/jobs/{job}", json: ['$.status == "queued"']}
            """, files: files, expect: .passed),
        VerifierExample("The same POST creates a second job", with: """
            \(service("--non-idempotent"))
            flow:
              - url: /v1/jobs/run
                headers: {Idempotency-Key: "{uuid}"}
                body: {engine: demo}
                status: [200, 201]
                repeat: 2
                same: [$.thread_id]
            """, files: files, expect: .failed, expectRules: ["health/not-idempotent"]),
        VerifierExample("The engine's version and ABI fields match this release", with: """
            run: [sh, requiem, version]
            json: ['$.engine_abi_version == 2', '$.cas_format_version == 2']
            version: ">=1.4.0 <2.0.0"
            compat-lock: compat.lock
            """, files: ["requiem": requiem, "compat.lock": lock], expect: .passed),
        VerifierExample("An ABI field changed without a major version change", with: """
            run: "ENGINE_ABI=3 REQUIEM_VERSION=1.5.0 sh requiem version"
            compat-lock: compat.lock
            """, files: ["requiem": requiem, "compat.lock": lock], expect: .failed, expectRules: ["health/compat-break"]),
        VerifierExample("The port accepts connections (nc -z)", with: """
            \(service())
            tcp: "127.0.0.1:{port}"
            """, files: files, expect: .passed),
    ]
}
