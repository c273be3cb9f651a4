import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierHealth

/// Bad `with:` blocks: each is a ConfigError (exit 2) naming the line and key, with a way to fix it.
@Suite struct ConfigTests {
    @Test(arguments: [
        ("status: 200", "status", "applies to a target"),
        ("timeout: 5s", "with", "give something to check"),
        ("url: http://a/\ntcp: a:1", "url", "give one target, not 'url' and 'tcp'"),
        ("url: /health", "url", "give 'base-url'"),
        ("url: ftp://x/", "url", "neither an http(s) URL nor a path"),
        ("url: http://a/\nstatus: 99", "status", "a status from 100 to 599"),
        ("url: http://a/\nstatus: 6xx", "status", "a status from 100 to 599"),
        ("url: http://a/\njson: ['$.a = 1']", "json", "no operator after the path"),
        ("url: http://a/\njson: ['status == 1']", "json", "must start with '$'"),
        ("url: http://a/\njson: ['$.a > abc']", "json", "compares numbers"),
        ("url: http://a/\njson: ['$.a =~ \"[\"']", "json", "not a valid regular expression"),
        ("url: http://a/\nschema: {oneOf: []}", "schema", "uses 'oneOf', which gate does not check"),
        ("url: http://a/\nschema: {type: text}", "schema", "has type \"text\""),
        ("url: \"http://a/{job}\"", "job", "'{job}' names no value"),
        ("url: \"http://a:{port}/\"", "port", "needs a 'service' with a 'port-file'"),
        ("url: http://a/\ntoken-env: 'not a name'", "token-env", "the name of an environment variable"),
        ("url: http://a/\nsame: [$.id]", "same", "add 'repeat: 2'"),
        ("url: http://a/\nlatency: {p95: {degraded: 1s, critical: 100ms}}", "p95", "must not exceed 'critical'"),
        ("url: http://a/\nlatency: {p97: 1s}", "p97", "unknown key 'p97'"),
        ("url: http://a/\nlatency: {phase: think}", "phase", "is no phase"),
        ("run: [echo]\nstatus: 200", "status", "belongs to an HTTP request"),
        ("url: http://a/\nexit-code: 0", "exit-code", "belongs to a 'run:' target"),
        ("tcp: nohost", "tcp", "not host:port"),
        ("url: http://a/\nallow-hosts: [b]", "allow-hosts", "set 'follow-redirects' too"),
        ("url: http://a/\ninsecure: true\nca: x.pem", "ca", "no effect with 'insecure: true'"),
        ("url: http://a/\nhttp-version: 3", "http-version", "must be one of"),
        ("tls: {}", "tls", "give 'tls.url'"),
        ("url: http://a/\ntls: {min-version: '1.4'}", "min-version", "not a TLS version"),
        ("url: http://a/\ntls: {expiry: {warning: 7d, error: 30d}}", "error", "must not exceed the warning threshold"),
        ("url: http://a/\nversion: 'not a range'", "version", "not a version range"),
        ("base-url: http://a\nmetrics: {url: /m, require: ['x{a=b}']}", "require", "must be in double quotes"),
        ("openapi: api.yaml", "openapi", "needs the service's address"),
        ("url: http://a/\nallow-mutations: true", "allow-mutations", "belongs to 'openapi'"),
        ("compat-lock: c.lock", "compat-lock", "give 'run'"),
        ("url: http://a/\nrecord: true", "record", "belongs to 'compat-lock'"),
        ("requests: [{url: http://a/, colour: red}]", "colour", "unknown key 'colour' in request 1"),
        ("url: http://a/\nwait: {interval: 1m, timeout: 10s}", "interval", "must not exceed 'timeout'"),
        ("url: http://a/\nservice: {port-file: p}", "run", "missing required key 'run'"),
        ("url: http://a/\nmax-body: lots", "max-body", "a size such as 64KB"),
    ])
    func badBlocksNameTheirKey(yaml: String, key: String, text: String) throws {
        let e = try #require(configError(yaml), "\(yaml) should not load")
        #expect(e.description.contains(text), "\(yaml): \(e.description)")
        #expect(e.description.contains("'\(key)'") || e.description.contains("\(key)"), "\(yaml): \(e.description)")
        #expect(e.location?.line ?? 0 >= 1)
    }

    @Test func aGoodBlockLoadsWithItsDefaults() throws {
        let v = try makeVerifier("""
            base-url: https://127.0.0.1:8443/api/
            token-env: API_TOKEN
            requests:
              - url: /health
              - {url: /v1/items, method: post, body: {a: 1}, status: 201, response-headers: {Location: "~^/v1/items/"}}
            """)
        #expect(v.plan.probes.count == 2)
        #expect(v.plan.probes[0].expect.status == .success && v.plan.probes[0].method == "GET")
        #expect(v.plan.probes[1].method == "POST" && v.plan.probes[1].headers.contains { $0.name == "Content-Type" })
        #expect(v.plan.defaults.baseURL?.description == "https://127.0.0.1:8443/api")
        #expect(v.requiredEnvironment.map(\.name) == ["API_TOKEN"])
        #expect(v.plan.tlsURL?.description == "https://127.0.0.1:8443/api")
        #expect(v.evaluatedRules.contains("health/status") && !v.evaluatedRules.contains("health/server-error"))
    }
}
