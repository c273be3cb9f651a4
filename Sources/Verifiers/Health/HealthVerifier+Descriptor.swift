import GateCore

extension HealthVerifier {
    public static let descriptor = VerifierDescriptor(
        id: "health",
        summary: "A live service: HTTP(S) and JSON assertions, latency bands, smoke flows, metrics, TLS, versions, no hard 500s.",
        discussion: """
            Replaces the end of a deploy runbook (nc -z loops, curl -k -w %{http_code}, jq) with one check. Give one
            target with its expectations (`url`, `tcp` or `run`), or several under `requests`, an ordered `flow`,
            `metrics`, `tls` or `openapi`. `service` starts the program under test (and stops it afterwards); with
            `port-file` it picks a free port, which `{port}` names. `wait` first waits for the port, then for the
            startup probe to pass once, retrying every `interval` up to `timeout`; the time it took is a stat.

            Every failed expectation is a finding naming the request, the JSON path, the expected and the actual
            value (tokens and secret-looking values redacted). A request without an answer (refused, reset, timed
            out, TLS refused, headers or body past their caps) is `health/unreachable`: the check fails, it does
            not error. Redirects are answers unless `follow-redirects` allows them, and then only to the request's
            own host and `allow-hosts`. Proxies come from the check's environment as curl reads them.

            JSON assertions are strings: `$.status == "healthy"`, `$.checks.* == "ok"` (every value reached must
            pass, and reaching none fails), `$.uptime >= 0`, `$.version =~ "^1\\."`, `$.id exists`, `$.debug absent`;
            a map `{path: $.db_ms, degraded: 100, critical: 500}` judges a number in bands. `latency` samples a
            request like k6 and judges p50/p90/p95/p99/max/avg (k6's interpolated percentiles): at or past
            `degraded` is a warning, at or past `critical` an error, and a sample without an answer counts as
            critical. The stats hold each statistic and the per-phase breakdown (dns, connect, tls, firstByte,
            transfer) from libcurl's timers; the HTML report draws them.

            `flow` steps run in order; `capture: {job: $.thread_id}` fills `{job}` in later steps, `{uuid}` is one
            random id per run (an idempotency key), and `repeat: 2` with `same: [$.thread_id]` requires a repeated
            request to give the same answer rather than a new resource. `metrics` parses the Prometheus text format
            (or OpenMetrics, by Content-Type) as prometheus/common's parser does, reports what
            `promtool check metrics` lints as warnings, and `require` takes series with PromQL label matchers and
            an optional comparison. `tls` reports days to expiry (thresholds 30 d warning, 7 d error by default),
            hostname and chain (skipped with `insecure: true`, as curl -k, while expiry is still judged) and the
            lowest protocol version the server accepts, from a handshake of its own that sends no request.
            `version` takes node-semver ranges; `compat-lock` records the version and the `*_version` fields of a
            release (`record: true`) and flags a changed field without a major version change. `openapi` sweeps
            every GET operation (others with `allow-mutations: true`) with valid, malformed and boundary values
            for each path and query parameter; any 5xx is a finding with the request, as schemathesis reports.
            """,
        parameters: parameters,
        rules: rules,
        examples: examples)

    static let parameters: [ParameterSpec] = [
        ParameterSpec("url", .string, "Target: an http(s) URL, or a path under 'base-url'. {port}, {uuid} and captures are filled in."),
        ParameterSpec("tcp", .string, "Target: host:port, connected to and closed (the nc -z check)."),
        ParameterSpec("run", .command, "Target: a command whose stdout is checked like a body (JSON or text) and whose exit code must be 'exit-code'."),
        ParameterSpec("method", .string, default: "GET (POST with a body)", "The HTTP method."),
        ParameterSpec("headers", .map, "Request headers; at the top level, sent by every request."),
        ParameterSpec("body", .any, "Request body: a string, or a map or list sent as JSON (with Content-Type: application/json)."),
        ParameterSpec("token-env", .string, "Environment variable holding a bearer token; never shown. Unset or empty: exit 2."),
        ParameterSpec("auth-header", .string, default: "Authorization", "The header that carries the token."),
        ParameterSpec("auth-scheme", .string, default: "Bearer", "Written before the token; empty sends the token alone."),
        ParameterSpec("status", .any, default: "2xx", "Expected status: 200, [200, 204], or a class such as 2xx."),
        ParameterSpec("exit-code", .int, default: "0", "Expected exit code of a 'run' target."),
        ParameterSpec("response-headers", .map, "Expected headers: a value, '~regex', null (present) or false (absent)."),
        ParameterSpec("body-matches", .stringList, "Regular expressions the body must match."),
        ParameterSpec("json", .any, "JSON assertions such as '$.checks.* == \"ok\"', or bands {path, degraded, critical}."),
        ParameterSpec("schema", .any, "A JSON Schema for the body (inline, or a .json file): type, required, enum, properties, items and a few more."),
        ParameterSpec("max-size", .string, "Largest acceptable body, such as 64KB."),
        ParameterSpec("version", .any, "A semver range for '$.version' ('>=1.4.0 <2.0.0'), or {path, range}."),
        ParameterSpec("latency", .map, "{samples: 20, p95: {degraded: 100ms, critical: 500ms}}; also p50, p90, p99, max, avg and 'phase'."),
        ParameterSpec("name", .string, "How findings and stats name the request."),
        ParameterSpec("capture", .map, "Flow steps: {name: $.path} values for {name} in later steps."),
        ParameterSpec("repeat", .int, default: "1", "Send the request this many times alike (with 'same': the idempotency check)."),
        ParameterSpec("same", .stringList, "JSON paths whose values must not differ between repeats."),
        ParameterSpec("timeout", .duration, default: "10s", "Time limit of one request; a timeout is health/unreachable (critical for latency)."),
        ParameterSpec("requests", .mapList, "Several independent requests, each with the keys above."),
        ParameterSpec("flow", .mapList, "Requests run in order, with 'capture', 'repeat' and 'same'."),
        ParameterSpec("base-url", .string, "Prefix for 'url' paths, such as https://127.0.0.1:8443 (with 'service': http://127.0.0.1:{port})."),
        ParameterSpec("service", .map, "{run, port-file, cwd, env, start-timeout}: started before probing, stopped after."),
        ParameterSpec("wait", .map, "{timeout, interval, url|tcp|run, status}: wait for the port, then the startup probe (default: the first target)."),
        ParameterSpec("metrics", .any, "A Prometheus endpoint: the path, or {url, require: [series], lint: true}."),
        ParameterSpec("tls", .map, "{expiry: {warning: 30d, error: 7d}, min-version: 1.2, url, server-name}: the certificate and protocol."),
        ParameterSpec("insecure", .bool, default: "false", "Skip certificate verification, as curl -k (tls still reports expiry)."),
        ParameterSpec("ca", .path, "A PEM file of trusted CAs instead of the system's (curl --cacert)."),
        ParameterSpec("http-version", .oneOf(["auto", "1.1", "2", "2-prior-knowledge"]), default: "auto", "HTTP version; auto negotiates HTTP/2 over TLS."),
        ParameterSpec("connect-timeout", .duration, "Time limit of connecting (default: 'timeout')."),
        ParameterSpec("max-body", .string, default: "10MB", "Cap on a response body; a larger one is cut off (health/size)."),
        ParameterSpec("follow-redirects", .any, default: "0", "Redirects to follow (a number, or true for 10), to the same host or 'allow-hosts' only."),
        ParameterSpec("allow-hosts", .stringList, "Other hosts redirects may lead to."),
        ParameterSpec("compat-lock", .path, "A lock of the version and ABI/format fields of the target's JSON output."),
        ParameterSpec("compat-fields", .stringList, default: "top-level *_version numbers", "JSON paths the lock records."),
        ParameterSpec("record", .bool, default: "false", "Write 'compat-lock' from this run instead of comparing."),
        ParameterSpec("openapi", .path, "An OpenAPI 3 document to sweep for 5xx answers (needs 'base-url' or 'service')."),
        ParameterSpec("allow-mutations", .bool, default: "false", "Also sweep POST, PUT, PATCH and DELETE operations (a disposable environment only)."),
    ]

    static let rules: [RuleDescriptor] = [
        RuleDescriptor("health/not-ready", "The target did not become ready within 'wait.timeout'.",
                       help: "Start the service before the check, or raise 'wait.timeout'."),
        RuleDescriptor("health/unreachable", "A request got no answer: refused, reset, timed out, or its TLS failed.",
                       help: "Start the service, check the address, or raise 'timeout'."),
        RuleDescriptor("health/status", "An unexpected status code.", help: "Fix the endpoint, or the expected 'status'."),
        RuleDescriptor("health/redirect", "A redirect to a host the check may not contact (not followed).",
                       help: "Probe the final address, or list the host in 'allow-hosts'."),
        RuleDescriptor("health/header", "A response header is missing, present when it must not be, or has the wrong value."),
        RuleDescriptor("health/body", "The body does not match a 'body-matches' pattern."),
        RuleDescriptor("health/size", "The body is larger than 'max-size', or was cut off at 'max-body'."),
        RuleDescriptor("health/invalid-json", "The body is not JSON, so its JSON expectations cannot be judged."),
        RuleDescriptor("health/json", "A JSON assertion failed (or found nothing at its path)."),
        RuleDescriptor("health/schema", "The body does not match its JSON Schema."),
        RuleDescriptor("health/degraded", "A latency statistic or a JSON band reached its degraded threshold.", severity: .warning),
        RuleDescriptor("health/critical", "A latency statistic or a JSON band reached its critical threshold, or samples timed out."),
        RuleDescriptor("health/command", "A 'run' target exited with an unexpected code."),
        RuleDescriptor("health/capture", "A flow step's capture found nothing; later steps could not run."),
        RuleDescriptor("health/not-idempotent", "A repeated request gave a different answer (a second resource).",
                       help: "Deduplicate on the idempotency key before creating anything."),
        RuleDescriptor("health/metrics-format", "The metrics exposition does not parse (promtool check metrics rejects it)."),
        RuleDescriptor("health/metrics-lint", "A metric breaks a Prometheus naming rule (what promtool lints).", severity: .warning),
        RuleDescriptor("health/metrics-missing", "A required series is missing, or its value fails the comparison."),
        RuleDescriptor("health/cert-expiry", "The certificate expired or expires within the error threshold.", help: "Renew it."),
        RuleDescriptor("health/cert-expiry-warning", "The certificate expires within the warning threshold.", severity: .warning),
        RuleDescriptor("health/cert-hostname", "The certificate does not name the host."),
        RuleDescriptor("health/cert-chain", "The certificate chain does not verify against the trust store ('ca' or the system's)."),
        RuleDescriptor("health/tls-version", "The server negotiates or accepts a TLS version below 'min-version'."),
        RuleDescriptor("health/version", "The version is missing, not semver, or outside the range."),
        RuleDescriptor("health/compat-break", "An ABI or format field changed without a major version change.",
                       help: "Restore the field, or make a major release and re-record the lock."),
        RuleDescriptor("health/server-error", "The OpenAPI sweep got a 5xx.", help: "Validate the input and answer 4xx."),
    ]
}
