import Foundation
import GateCore

/// A loopback service started by a test: a Python script that takes `--port 0 --port-file FILE` (such as
/// Fixtures/health/server.py), on a free port, stopped by `stop()`.
public final class FixtureService: @unchecked Sendable {
    public let dir: TempDir
    public let port: Int
    public let scheme: String
    private let process = Process()

    /// Starts `script` (relative to the repository) with `arguments`; with `tls`, over HTTPS; `environment`
    /// adds to the inherited variables.
    public init(script: String = "Fixtures/health/server.py", arguments: [String] = [], tls: TLSMaterial? = nil,
                environment: [String: String] = [:]) async throws {
        dir = try TempDir("fixture-service")
        scheme = tls == nil ? "http" : "https"
        var args = ["python3", Repo.path(script), "--port", "0", "--port-file", dir.file("port")] + arguments
        if let tls { args += ["--cert", tls.certFile, "--key", tls.keyFile] }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = args
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b } }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var port: Int?
        for _ in 0..<600 {  // python can take seconds to start on a loaded machine
            if let text = try? String(contentsOfFile: dir.file("port"), encoding: .utf8), let p = Int(text) {
                port = p
                break
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            throw VerifierError("the fixture service \(script) did not start")
        }
        self.port = port
    }

    /// scheme://127.0.0.1:port + path.
    public func url(_ path: String, host: String = "127.0.0.1") -> String { "\(scheme)://\(host):\(port)\(path)" }

    public func stop() {
        if process.isRunning {
            // SIGKILL: the test runner's children may inherit an ignored or blocked SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        dir.remove()
    }
}

/// Certificates made by `openssl` at test time: a CA, and a server certificate it signs for
/// localhost and 127.0.0.1 (or a self-signed one).
public struct TLSMaterial: Sendable {
    public let dir: String
    /// The CA certificate to trust (the certificate itself when self-signed).
    public let caFile: String
    public let certFile: String
    public let keyFile: String

    /// - Parameters:
    ///   - days: validity of the server certificate from now.
    ///   - backdate: with `faketime`, issue the certificate this many days in the past (an expired one).
    ///   - names: subject alternative names.
    ///   - selfSigned: no CA; the server certificate signs itself.
    public static func make(in dir: String, days: Int = 365, backdate: Int = 0,
                            names: String = "DNS:localhost,IP:127.0.0.1", selfSigned: Bool = false) async throws -> TLSMaterial {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let prefix: [String] = backdate > 0 ? ["faketime", "-f", "-\(backdate)d"] : []
        func run(_ args: [String]) async throws {
            let r = try await Exec.run(prefix + ["openssl"] + args, cwd: dir)
            guard r.code == 0 else { throw VerifierError("openssl \(args.first ?? "") failed: \(r.stderr)") }
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        if selfSigned {
            try await run(["req", "-x509"] + ec + ["-keyout", "server.key", "-out", "server.pem", "-days", "\(days)",
                           "-subj", "/CN=localhost", "-addext", "subjectAltName=\(names)"])
            return TLSMaterial(dir: dir, caFile: dir + "/server.pem", certFile: dir + "/server.pem", keyFile: dir + "/server.key")
        }
        try await run(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
                       "-subj", "/CN=gate test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                       "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try await run(["req", "-new"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"])
        try "subjectAltName=\(names)\n".write(toFile: dir + "/ext.cnf", atomically: true, encoding: .utf8)
        try await run(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                       "-days", "\(days)", "-out", "server.pem", "-extfile", "ext.cnf"])
        return TLSMaterial(dir: dir, caFile: dir + "/ca.pem", certFile: dir + "/server.pem", keyFile: dir + "/server.key")
    }

    /// True when `faketime` is installed (needed for expired certificates).
    public static var canBackdate: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime")
    }
}
