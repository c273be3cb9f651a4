import Foundation
import GateCore
import GateDatabase

extension PostgresDryRun {
    /// What the dry run needs to know about the target before anything is created.
    struct Setup: Sendable {
        var url: PostgresURL
        var context: CheckContext
        var maxDuration: Duration
        var lockTimeout: Duration
    }

    /// Row estimates of the target's tables (`schema.table` → `reltuples`), read before the dry run so that
    /// lock warnings can name a table's size whichever way the scratch database was made.
    static func estimates(_ history: HistoryDatabase) throws(VerifierError) -> [String: Int64] {
        do {
            var out: [String: Int64] = [:]
            try history.connection.query("""
                SELECT n.nspname || '.' || c.relname, c.reltuples::bigint FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                """, []) { row in
                if let name = row[0].text, let n = row[1].int { out[name] = n }
                return true
            }
            return out
        } catch {
            throw VerifierError(error.message)
        }
    }

    /// A replica cannot take the dry run's writes (nor create a database); say so before trying.
    static func requirePrimary(_ history: HistoryDatabase) throws(VerifierError) {
        let recovering: Bool
        do {
            recovering = try history.connection.first("SELECT pg_catalog.pg_is_in_recovery()")?[0].bool ?? false
        } catch {
            throw VerifierError(error.message)
        }
        guard !recovering else {
            throw VerifierError("'\(history.displayName)' is a replica in recovery (a hot standby): the dry run cannot create a "
                + "scratch database or write there. Point 'database' at the primary for the dry run, or set 'dry-run: false' "
                + "to check only the history on the replica")
        }
    }

    /// The schema the tool runs migrations in, when its URL says (Prisma's `schema`, Atlas's `search_path`):
    /// set on the dry run's session so that unqualified names land where the tool would put them.
    static func useToolSchema(_ setup: Setup, _ c: any DatabaseConnection) throws(DatabaseFailure) {
        guard let path = setup.url.toolParameters["search_path"] ?? setup.url.toolParameters["schema"], !path.isEmpty else { return }
        let schemas = path.split(separator: ",").map { TableName.quote($0.trimmingCharacters(in: .whitespaces)) }
        try c.execute("SET search_path = " + schemas.joined(separator: ", "))
    }

    static func options(_ setup: Setup, database: String? = nil) -> ConnectionOptions {
        // The server's statement_timeout is only a backstop, 10 s behind max-duration: gate's own timer stops a
        // slow migration first and reports it as stopped (with both at max-duration, a loaded machine decided
        // which fired first, and the finding said "took 1.0s" instead).
        var o = ConnectionOptions(statementTimeout: setup.maxDuration + .seconds(10), environment: setup.context.environment,
                                  root: setup.context.root)
        o.readOnly = false
        o.database = database
        o.applicationName = "gate migrations dry run"
        return o
    }

    /// `dry-run: transaction`: one transaction on the target, rolled back by `discard`.
    static func transaction(_ setup: Setup) throws(VerifierError) -> PostgresDryRun {
        do throws(DatabaseFailure) {
            let c = try DatabaseLocation.postgres(setup.url).open(options(setup))
            do throws(DatabaseFailure) {
                try c.execute("BEGIN READ WRITE; SET LOCAL lock_timeout = \(max(1, setup.lockTimeout.milliseconds))")
                try useToolSchema(setup, c)
            } catch {
                c.close()
                throw error
            }
            return PostgresDryRun(mode: .transaction, connection: c, admin: nil, scratchName: nil,
                                  madeBy: "a transaction on the target, rolled back")
        } catch {
            throw VerifierError("cannot start the dry run's transaction: \(error.message)")
        }
    }

    /// The default: a scratch database from the target's schema, dropped by `discard`.
    static func scratch(_ setup: Setup, target history: HistoryDatabase) async throws -> PostgresDryRun {
        let location = DatabaseLocation.postgres(setup.url)
        let targetName: String
        do {
            targetName = try history.connection.first("SELECT pg_catalog.current_database()")?[0].text ?? ""
        } catch {
            throw VerifierError(error.message)
        }
        // CREATE DATABASE runs on a maintenance connection; 'postgres' when the role may connect to it,
        // so that the target itself can serve as the template (nobody may be connected to a template).
        let admin: any DatabaseConnection
        do throws(DatabaseFailure) {
            if let maintenance = try? location.open(options(setup, database: "postgres")) {
                admin = maintenance
            } else {
                admin = try location.open(options(setup))
            }
        } catch {
            throw VerifierError("cannot connect for the dry run: \(error.message)")
        }
        dropStale(admin)
        let name = "gate_dry_run_\(Int(Date().timeIntervalSince1970))_\(UUID().uuidString.prefix(8).lowercased())"
        let quoted = TableName.quote(name)
        history.close()
        var madeBy = "CREATE DATABASE … TEMPLATE"
        var templateRefusal = ""
        do {
            try admin.execute("CREATE DATABASE \(quoted) TEMPLATE \(TableName.quote(targetName))")
        } catch {
            templateRefusal = error.message
            do {
                try admin.execute("CREATE DATABASE \(quoted)")
            } catch {
                admin.close()
                throw VerifierError("the dry run cannot create a scratch database: \(error.message). Give the role CREATEDB, "
                    + "or use 'dry-run: transaction' to dry-run inside a rolled-back transaction on the target")
            }
            madeBy = "pg_dump --schema-only"
            do {
                try await restoreSchema(setup, into: name, templateRefusal: templateRefusal)
            } catch {
                try? admin.execute("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
                admin.close()
                throw error
            }
        }
        try? admin.execute("COMMENT ON DATABASE \(quoted) IS 'gate migrations dry run; dropped when the check ends'")
        do {
            let c = try location.open(options(setup, database: name))
            try useToolSchema(setup, c)
            return PostgresDryRun(mode: .scratch, connection: c, admin: admin, scratchName: name, madeBy: madeBy)
        } catch {
            try? admin.execute("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
            admin.close()
            throw VerifierError("cannot connect to the dry run's scratch database: \(error.message)")
        }
    }

    /// Scratch databases a killed gate left behind more than a day ago (their names carry the time).
    static func dropStale(_ admin: any DatabaseConnection) {
        let cutoff = Int(Date().timeIntervalSince1970) - 86_400
        let names = (try? admin.rows("SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE 'gate\\_dry\\_run\\_%'")) ?? []
        for row in names {
            guard let name = row[0].text, let stamp = Int(name.split(separator: "_").dropFirst(3).first ?? ""), stamp < cutoff else { continue }
            try? admin.execute("DROP DATABASE IF EXISTS \(TableName.quote(name)) WITH (FORCE)")
        }
    }

    /// `pg_dump --schema-only` of the target, restored into `database` with psql (both from the newest
    /// PostgreSQL client installed). The password travels in PGPASSWORD, never on a command line.
    static func restoreSchema(_ setup: Setup, into database: String, templateRefusal: String) async throws {
        guard let dump = Self.client("pg_dump"), let psql = Self.client("psql") else {
            throw VerifierError("the dry run cannot copy the schema: CREATE DATABASE … TEMPLATE was refused (\(templateRefusal)), "
                + "and pg_dump/psql are not installed (install the PostgreSQL client), or use 'dry-run: transaction'")
        }
        let directory = setup.context.stateDirectory + "/tmp"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/gate-dry-run-schema-\(UUID().uuidString).sql"
        defer { unlink(file) }
        let source = setup.url.forCommand(), target = setup.url.forCommand(database: database)
        let environment = setup.context.environment.merging(source.environment) { _, new in new }
        let steps: [(String, [String])] = [
            ("pg_dump --schema-only", [dump, "--schema-only", "--no-owner", "--no-privileges", "--file", file, "--dbname", source.url]),
            ("restoring the schema with psql", [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--file", file, "--dbname", target.url]),
        ]
        for (what, argv) in steps {
            let r = try await ProcessRunner.run(ProcessSpec(.argv(argv), environment: environment, cwd: directory,
                                                            timeout: .seconds(600)))
            guard r.exitCode == 0 else {
                let said = Redaction.scrub(r.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines), secrets: Array(source.environment.values))
                throw VerifierError("the dry run's \(what) failed (\(r.termination)): \(said.suffix(600)); CREATE DATABASE … TEMPLATE "
                    + "had been refused: \(templateRefusal)")
            }
        }
    }

    /// The newest installed PostgreSQL client program, or one on PATH.
    static func client(_ name: String) -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for v in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/\(name)") {
            return "\(root)/\(v)/bin/\(name)"
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }
}
