import Foundation
import Testing

/// A throwaway PostgreSQL cluster for tests: `initdb` into a temporary directory, `pg_ctl start` on a Unix
/// socket in that directory and a free TCP port on 127.0.0.1, stopped (and the directory removed) when the
/// test process exits, by an `atexit` handler and, should the process die without running it, by a
/// watchdog that polls for the process and stops the cluster when it is gone.
///
/// One cluster serves the whole test process; each test makes its own database (`createDatabase`). Local
/// (socket) connections are trusted; TCP connections need a password (scram-sha-256), so the wrong-password
/// cases are real. The server binaries come from `/usr/lib/postgresql/<version>/bin` (the `postgresql`
/// package; `.ci/deps test` installs it), or `GATE_PG_BIN`. PostgreSQL refuses to run as root: when the
/// tests run as root (CI), the server runs as the `postgres` user the package creates.
public final class PostgresCluster: Sendable {
    public let binDirectory: String
    public let directory: String
    public let port: Int
    public let superuser = "postgres"
    /// For TCP connections as `superuser`.
    public let superuserPassword: String
    public let version: Int
    /// The user the server runs as when the tests run as root.
    let runAs: String?

    public var socketDirectory: String { directory }

    init(binDirectory: String, directory: String, port: Int, password: String, version: Int, runAs: String?) {
        self.binDirectory = binDirectory
        self.directory = directory
        self.port = port
        superuserPassword = password
        self.version = version
        self.runAs = runAs
    }

    /// Why the cluster cannot start.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    private static let startup = Task<PostgresCluster, any Error> {
        try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async {
                do { done.resume(returning: try PostgresClusterStart.start()) } catch { done.resume(throwing: error) }
            }
        }
    }

    /// The process's cluster, started on first use.
    public static func shared() async throws -> PostgresCluster { try await startup.value }

    /// The cluster, or the test stops here: cancelled (shown as skipped) with the reason, or failed when
    /// `GATE_REQUIRE_POSTGRES=1` (set by `make test`, which installs the server first).
    public static func require(sourceLocation: SourceLocation = #_sourceLocation) async throws -> PostgresCluster {
        do {
            return try await shared()
        } catch {
            let reason = "needs a PostgreSQL server, which cannot start here: \(error)"
            if ProcessInfo.processInfo.environment["GATE_REQUIRE_POSTGRES"] == "1" {
                Issue.record(Comment(rawValue: reason), sourceLocation: sourceLocation)
                throw error
            }
            try Test.cancel(Comment(rawValue: reason), sourceLocation: sourceLocation)
        }
    }

    // MARK: URLs and databases

    /// A URL over the Unix socket (trusted: no password).
    public func socketURL(database: String, user: String? = nil, extra: String = "") -> String {
        "postgresql://\(user ?? superuser)@/\(database)?host=\(directory)&port=\(port)" + (extra.isEmpty ? "" : "&" + extra)
    }

    /// A URL over TCP to 127.0.0.1; the password is percent-encoded.
    public func tcpURL(database: String, user: String? = nil, password: String? = nil, extra: String = "") -> String {
        let pass = (password ?? (user == nil ? superuserPassword : nil)).map {
            ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)
        } ?? ""
        return "postgresql://\(user ?? superuser)\(pass)@127.0.0.1:\(port)/\(database)" + (extra.isEmpty ? "" : "?" + extra)
    }

    /// A new empty database with a unique name such as `gt_matrix_3fa9c1d2`.
    public func createDatabase(_ label: String = "test") async throws -> String {
        let clean = label.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined().prefix(30)
        let name = "gt_\(clean)_\(UUID().uuidString.prefix(8).lowercased())"
        try await psql("CREATE DATABASE \(name)")
        return name
    }

    /// Drops a test's database in the background (usable from `defer`); the cluster goes at exit anyway.
    public func dropDatabase(_ name: String) {
        let sql = "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"
        DispatchQueue.global().async { _ = try? self.psqlNow(sql) }
    }

    /// Runs SQL through `psql` as the superuser (or `user`) over the socket, off the cooperative pool;
    /// returns its unaligned output. Throws with psql's message when a statement fails (ON_ERROR_STOP).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres", user: String? = nil) async throws -> String {
        try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async {
                do { done.resume(returning: try self.psqlNow(sql, database: database, user: user)) } catch { done.resume(throwing: error) }
            }
        }
    }

    /// `psql`, blocking the calling thread.
    public func psqlNow(_ sql: String, database: String = "postgres", user: String? = nil) throws -> String {
        let r = try PostgresClusterStart.run(
            [binDirectory + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port),
             "-U", user ?? superuser, "-d", database, "-f", "-"], stdin: sql)
        guard r.code == 0 else { throw Unavailable(description: "psql failed (\(r.code)): \(r.stderr)") }
        return r.stdout
    }

    /// Starts a hot standby of this cluster (streaming replication, read-only, in recovery) and returns its
    /// port; it shares the socket directory and stops with the cluster.
    public func startReplica() async throws -> Int {
        try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async {
                do { done.resume(returning: try PostgresClusterStart.replica(of: self)) } catch { done.resume(throwing: error) }
            }
        }
    }

    /// A command line for a server binary (`pg_dump`, `psql`) as the tests' user.
    public func binary(_ name: String) -> String { binDirectory + "/" + name }
}
