import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// Bad PostgreSQL input on the built `gate` binary: each a clear message and the `error` status (exit 3 for
/// a required check) or a configuration error (exit 2), never a crash, never the password: every byte gate
/// writes (console, every report format, its state directory) is searched for it.
@Suite struct PostgresBadInputTests {
    struct Run {
        var code: Int32
        var output: String
        var check: [String: Any]
        var message: String { (check["reason"] as? String) ?? (check["summary"] as? String) ?? "" }
    }

    /// Runs a one-check suite over a sqlx project with three migrations; `database` is the YAML value.
    func gate(_ database: String, extra: String = "", checkExtra: String = "", env: [String: String] = [:],
              password: String? = nil) async throws -> Run {
        var setup = MatrixSetup("sqlx")
        setup.withDatabase = false
        let w = try setup.build()
        defer { w.remove() }
        try w.write(["suite.yaml": """
            suite: pg
            checks:
              - id: history
                uses: migrations
                with:
                  format: sqlx
                  database: \(database)
            \(extra.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
            \(checkExtra.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

            """])
        let r = try await Exec.gate(["run", "suite.yaml", "--reports", "out", "--no-cache"], cwd: w.path, env: env)
        let data = (try? Data(contentsOf: URL(fileURLWithPath: w.file("out/report.json")))) ?? Data()
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let check = (json?["checks"] as? [[String: Any]])?.first ?? [:]
        if let password {
            // The suite itself holds it when the URL is written inline; everything gate wrote must not.
            let leaks = try Self.filesContaining(password, under: w.path).filter { $0 != "suite.yaml" }
                + (r.stdout + r.stderr).ranges(of: password).map { _ in "console" }
            #expect(leaks.isEmpty, "the password appears in \(leaks)")
        }
        return Run(code: r.code, output: r.stdout + r.stderr, check: check)
    }

    /// Every file under `root` (reports, .gate state, SQLite history) whose bytes contain `needle`.
    static func filesContaining(_ needle: String, under root: String) throws -> [String] {
        let bytes = Array(needle.utf8)
        var out: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)
        while let rel = walker?.nextObject() as? String {
            let path = root + "/" + rel
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            if Array(data).firstRange(of: bytes) != nil { out.append(rel) }
        }
        return out
    }

    @Test func passwordNeverAppearsWhetherTheRunPassesOrFails() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("leak")
        defer { pg.dropDatabase(db) }
        try await pg.psql(PostgresHistories.sqlx(ToolHistories.base, failLast: false, ignoredChars: []), database: db)
        let secret = pg.superuserPassword
        // Inline in the suite, over TCP with the right password: the check passes.
        let ok = try await gate("'\(pg.tcpURL(database: db))'", password: secret)
        #expect(ok.code == 0, "\(ok.output)")
        #expect(ok.check["status"] as? String == "passed")
        // From the environment.
        let env = try await gate("{url-env: STAGING_DATABASE_URL}", env: ["STAGING_DATABASE_URL": pg.tcpURL(database: db)], password: secret)
        #expect(env.code == 0, "\(env.output)")
        // A wrong one: the error names the user and the redacted URL, never the wrong password either.
        let wrong = "Wrong-\(UUID().uuidString.prefix(10))"
        let bad = try await gate("'\(pg.tcpURL(database: db, user: "postgres", password: wrong))'", password: wrong)
        #expect(bad.code == 3, "\(bad.output)")
        #expect(bad.check["status"] as? String == "error")
        #expect(bad.message.contains("the password was rejected") && bad.message.contains("postgres:***@"), "\(bad.message)")
        // PGPASSWORD from the check's env block: gate's environment redaction and the layer's both apply.
        let viaEnv = try await gate("'postgresql://postgres@127.0.0.1:\(pg.port)/\(db)'", checkExtra: "env: {PGPASSWORD: '\(wrong)'}",
                                    password: wrong)
        #expect(viaEnv.code == 3, "\(viaEnv.output)")
    }

    @Test func unreachableMissingAndMisnamed() async throws {
        let pg = try await PostgresCluster.require()
        let port = try LoopbackPort.free()
        let pass = "pw-" + String(port)
        let refused = try await gate("'postgresql://gate:" + pass + "@127.0.0.1:\(port)/shop'", password: pass)
        #expect(refused.code == 3, "\(refused.output)")
        #expect(refused.message.contains("is the server running"), "\(refused.message)")
        let missing = try await gate("'\(pg.socketURL(database: "no_such_database_4711"))'")
        #expect(missing.code == 3)
        #expect(missing.message.contains("does not exist; create it"), "\(missing.message)")
        let unset = try await gate("{url-env: NOT_SET_ANYWHERE_4711}")
        #expect(unset.code == 3)
        #expect(unset.message.contains("'NOT_SET_ANYWHERE_4711'"), "\(unset.message)")
        // A malformed URL is a configuration error with file, line and key.
        let malformed = try await gate("'postgresql://u:topsecret-1@h/db%zz'", password: "topsecret-1")
        #expect(malformed.code == 2, "\(malformed.output)")
        #expect(malformed.output.contains("suite.yaml:7"), "\(malformed.output)")
    }

    /// libpq's environment in gate's own process: a service file (PGSERVICEFILE, named by the URL's
    /// ?service= or by PGSERVICE) and PGSSLMODE, which libpq applies as psql would.
    @Test func serviceFilesAndSSLModeFromTheEnvironment() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("service")
        defer { pg.dropDatabase(db) }
        try await pg.psql(PostgresHistories.sqlx(ToolHistories.base, failLast: false, ignoredChars: []), database: db)
        let dir = try TempDir("pg-service")
        defer { dir.remove() }
        let service = "gate_svc_\(Int.random(in: 1000...9999))"
        try dir.write(["services.conf": "[\(service)]\nhost=\(pg.socketDirectory)\nport=\(pg.port)\nuser=postgres\ndbname=\(db)\n"])
        let named = try await gate("'postgresql://?service=\(service)'", env: ["PGSERVICEFILE": dir.file("services.conf")])
        #expect(named.code == 0, "\(named.output)")
        #expect(named.check["status"] as? String == "passed")
        let fromEnv = try await gate("'postgresql://'", env: ["PGSERVICEFILE": dir.file("services.conf"), "PGSERVICE": service])
        #expect(fromEnv.code == 0, "\(fromEnv.output)")
        // Without the file the service is unknown: libpq's message, the error status.
        let unknown = try await gate("'postgresql://?service=\(service)'", env: ["PGSERVICEFILE": dir.file("absent.conf")])
        #expect(unknown.code == 3, "\(unknown.output)")
        #expect(unknown.message.contains(service), "\(unknown.message)")
        // PGSSLMODE=require over TCP to a server without TLS: refused, with the hint, never the password.
        let tls = try await gate("'\(pg.tcpURL(database: db))'", env: ["PGSSLMODE": "require"], password: pg.superuserPassword)
        #expect(tls.code == 3, "\(tls.output)")
        #expect(tls.message.contains("SSL") && tls.message.contains("sslmode"), "\(tls.message)")
    }

    @Test func missingHistoryTableMeansNothingAppliedYet() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("empty")
        defer { pg.dropDatabase(db) }
        let r = try await gate("'\(pg.socketURL(database: db))'")
        #expect(r.code == 0, "\(r.output)")
        #expect((r.check["summary"] as? String)?.contains("0 applied, 3 pending (no '_sqlx_migrations' table yet)") == true,
                "\(r.check["summary"] ?? "")")
    }

    @Test func schemaWithoutPermission() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("noperm")
        defer { pg.dropDatabase(db) }
        let role = "gt_deploy_\(UUID().uuidString.prefix(6).lowercased())"
        let sql = "CREATE ROLE \(role) LOGIN; CREATE SCHEMA app; REVOKE ALL ON SCHEMA app FROM PUBLIC;\n"
            + PostgresHistories.sqlx(ToolHistories.base, failLast: false, ignoredChars: []).replacingOccurrences(of: "_sqlx_migrations", with: "app._sqlx_migrations")
        try await pg.psql(sql, database: db)
        let r = try await gate("'\(pg.socketURL(database: db, user: role))'", extra: "table: app._sqlx_migrations")
        #expect(r.code == 3, "\(r.output)")
        #expect(r.message.contains("may not read") && r.message.contains("USAGE"), "\(r.message)")
    }

    @Test func aLockedHistoryTableHitsTheStatementTimeout() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("locked")
        defer { pg.dropDatabase(db) }
        try await pg.psql(PostgresHistories.sqlx(ToolHistories.base, failLast: false, ignoredChars: []), database: db)
        // A migration in another session holds an ACCESS EXCLUSIVE lock on the history, for far longer than
        // the check may wait.
        let marker = Int.random(in: 100_000...999_999)
        let holder = DispatchGroup()
        DispatchQueue.global().async(group: holder) {
            _ = try? pg.psqlNow("BEGIN; LOCK TABLE _sqlx_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300.\(marker)); COMMIT;",
                                database: db)
        }
        defer {
            _ = try? pg.psqlNow("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(300.\(marker))%' "
                + "AND pid <> pg_backend_pid()")
            holder.wait()
        }
        for _ in 0..<600 {
            let held = try await pg.psql("SELECT count(*) FROM pg_locks WHERE relation = '_sqlx_migrations'::regclass AND granted "
                + "AND mode = 'AccessExclusiveLock'", database: db)
            if held.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let start = ContinuousClock.now
        let r = try await gate("'\(pg.socketURL(database: db))'", extra: "statement-timeout: 1s")
        #expect(r.code == 3, "\(r.output)")
        #expect(r.message.contains("statement timeout (1.0s)"), "\(r.message)")
        // Not a timing assertion: without the timeout the check would wait the full 300 s.
        #expect(ContinuousClock.now - start < .seconds(120))
    }
}
