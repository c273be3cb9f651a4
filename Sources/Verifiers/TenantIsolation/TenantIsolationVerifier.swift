import Foundation
import GateCore
import GateDatabase

/// Proves tenancy on a database, on a running service, or both.
///
/// - **Database mode** (`database`): opens a SQLite file or a PostgreSQL database read-only, finds tables
///   and foreign keys from the schema, and runs set-based SQL for five rules: rows without a tenant
///   (`null-tenant`), references whose two rows belong to different tenants, directly, through join tables
///   and one level up (`cross-tenant-reference`), tables linked to tenant data without a tenant column
///   (`missing-tenant-column`), unique indexes that leave out the tenant (`unscoped-unique`, a warning),
///   and stored paths outside their tenant's prefix (`storage-prefix`). On PostgreSQL, row-level security
///   too (`rls-*`, `RowLevelSecurityAudit`), and with `app-role` a live probe (`cross-tenant-read`).
///   Parameters: `tenant-column`, `tenant-table`, `global-tables`, `relations`, `storage-prefix`,
///   `max-examples`, `statement-timeout`, `app-role`, `tenant-setting`, `probe-tenants`.
/// - **HTTP mode** (`base-url`): for every pair of tenants and every resource, asks for the owner's
///   objects with the other tenant's credentials, through the owner's path and through the actor's own
///   path (IDOR), without credentials, and with malformed ids. A 2xx to another tenant is
///   `cross-tenant-read`, a 2xx without credentials `unauthenticated-read`, any 5xx `server-error`.
///   Parameters: `tenants`, `resources`, `methods`, `timeout`, `concurrency`, `max-ids` and the rest;
///   `service` starts the service under test first (GateCore's `ServiceRun`, as health does) and
///   `{port}` in `base-url` is the port it writes to its `port-file`.
///   The stats hold the tenant × tenant × resource matrix; JUnit has one testcase per resource.
public struct TenantIsolationVerifier: Verifier {
    let database: DatabaseOptions?
    let http: HTTPOptions?
    /// The service the check starts itself, and `base-url` with `{port}` still in it.
    let service: ServiceSpec?
    let baseTemplate: String?
    let maxIDs: Int

    static let databaseRules = ["null-tenant", "cross-tenant-reference", "missing-tenant-column", "unscoped-unique",
                                "storage-prefix"].map { "tenant-isolation/" + $0 }
    static let httpRules = ["cross-tenant-read", "unauthenticated-read", "server-error", "owner-denied", "probe-failed",
                            "cross-tenant-write", "cross-tenant-list", "ids-overlap"]
        .map { "tenant-isolation/" + $0 }
    static let databaseKeys = ["tenant-column", "tenant-table", "global-tables", "relations", "storage-prefix", "max-examples",
                               "statement-timeout", "app-role", "tenant-setting", "probe-tenants"]
    static let httpKeys = ["tenants", "resources", "timeout", "concurrency", "methods", "allow-mutations", "auth-header",
                           "auth-scheme", "malformed-ids", "max-ids", "insecure", "ca", "login", "openapi", "service", "csrf"]

    public var evaluatedRules: [String] {
        var rules = database == nil ? [] : Self.databaseRules
        if let database, database.location.mayBePostgres { rules += RowLevelSecurityAudit.rules }
        for r in http == nil ? [] : Self.httpRules where !rules.contains(r) { rules.append(r) }
        return rules
    }

    public init(parameters p: Parameters) throws(ConfigError) {
        let location = try p.database()
        service = try p["service"].map { (v: ConfigValue) throws(ConfigError) in try ServiceSpec(v, root: p.root) }
        // With a service, the base URL defaults to it on loopback.
        let base = try p.string("base-url") ?? (service?.portFile != nil ? "http://127.0.0.1:{port}" : nil)
        if let base, base.contains("{port}"), service?.portFile == nil {
            throw p.error(p.has("service") ? "service" : "base-url", "'{port}' in 'base-url' is the port a 'service' writes to "
                + "its 'port-file'; give 'service: {run: ..., port-file: port}', or write the port in 'base-url'")
        }
        baseTemplate = base?.contains("{port}") == true ? base : nil
        if location == nil, let k = Self.databaseKeys.first(where: p.has) {
            throw p.error(k, "'\(k)' belongs to the database mode; give 'database' as well")
        }
        if base == nil, service != nil {
            throw p.error("service", "say where the service listens: give it a 'port-file' (base-url is then "
                + "http://127.0.0.1:{port}), or give 'base-url'")
        }
        if base == nil, let k = Self.httpKeys.first(where: p.has) {
            throw p.error(k, "'\(k)' belongs to the HTTP mode; give 'base-url' as well")
        }
        guard location != nil || base != nil else {
            throw .invalidParameter(p.location, key: "with", message: "give 'database' (a SQLite file or a PostgreSQL URL to check), "
                + "'base-url' (a running service to probe), or both")
        }
        database = try location.map { (l: DatabaseLocation) throws(ConfigError) in try DatabaseOptions(p, location: l) }
        // A port that parses stands in for {port} until the service says which it is.
        http = try base.map { (s: String) throws(ConfigError) in try HTTPOptions(p, baseURL: s.replacingOccurrences(of: "{port}", with: "65535")) }
        maxIDs = try p.int("max-ids", default: 3, range: 1...1000)
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        var findings: [Finding] = []
        var stats: [String: JSONValue] = [:]
        var summary: [String] = []
        var testcases: [String] = []
        var assignments: [String: String] = [:]

        if let options = database {
            let (f, s, line) = try await runDatabase(options, context)
            findings += f
            stats["database"] = .object(s)
            summary.append(line)
            testcases += Self.databaseRules
        }
        if var options = http {
            var started: ServiceRun?
            if let s = service {
                context.progress("starting the service")
                // The tenants' credentials, kept out of the service's output should it fail: the variables'
                // values now, the token files when the output is shown (the service may write them).
                let env = options.tenants.compactMap { ($0.tokenEnv ?? $0.passwordEnv).flatMap { context.environment[$0] } }
                let files = options.tenants.compactMap(\.tokenFile)
                let (run, port) = try await ServiceRun.start(s, context: context, secrets: {
                    env + files.compactMap { f in
                        guard case .success(let got) = BoundedFile.read(f, limit: 64 << 10) else { return nil }
                        return String(data: got.data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                })
                started = run
                if let template = baseTemplate, let port {
                    do { options.base = try BaseURL(template.replacingOccurrences(of: "{port}", with: port)) } catch {
                        await run.stop()
                        throw VerifierError("the service wrote the port '\(port)', which does not make 'base-url' a URL: \(error.description)")
                    }
                }
            }
            var audit = HTTPAudit(options: options, context: context, maxIDs: maxIDs)
            let answered: [HTTPAudit.Answered]
            do { answered = try await audit.run() } catch {
                await started?.stop()
                throw error
            }
            await started?.stop()
            let matrix = audit.judge(answered)
            findings += audit.findings
            assignments = audit.testcaseOf
            let (s, line) = Self.httpStats(options, audit, matrix)
            stats["http"] = .object(s)
            summary.append(line)
            testcases += options.resources.map(\.path.description)
        }
        findings.sort(by: Finding.reportOrder)
        return CheckOutcome(findings: findings, summary: summary.joined(separator: "; "), stats: stats,
                            rules: evaluatedRules, testcases: TestcaseLayout(names: testcases, assignments: assignments))
    }

    private func runDatabase(_ options: DatabaseOptions, _ context: CheckContext) async throws
        -> ([Finding], [String: JSONValue], String) {
        do {
            let db = try LayerTenantDatabase.open(options, context: context)
            defer { db.connection.close() }
            let display = db.connection.displayName
            let model = try TenancyModel(tables: try await db.tables(), options: options, display: display)
            var audit = DatabaseAudit(db: db, model: model, options: options, display: display, context: context)
            try await audit.run()
            var findings = audit.findings
            var stats: [String: JSONValue] = [
                "engine": .string(db.connection.engine.rawValue),
                "tables": .int(model.tables.count), "tenantScoped": .int(model.scoped.count),
                "global": .int(model.global.count), "withoutTenantColumn": .int(model.tenantLess.count),
                "rows": .int(audit.rows), "referencesChecked": .int(audit.referencesChecked),
                "referencesEnforcedBySchema": .int(audit.referencesEnforcedBySchema),
                "storageColumns": .int(audit.pathsChecked), "queries": .int(audit.queries),
            ]
            var rlsLine = ""
            if db.connection.engine == .postgres {
                var rls = RowLevelSecurityAudit(connection: db.connection, model: model, options: options, display: display,
                                                context: context)
                try await rls.run()
                findings += rls.findings
                var s: [String: JSONValue] = ["policies": .int(rls.policiesRead)]
                if options.appRole != nil {
                    s["probeTenants"] = .int(rls.probe.tenants)
                    s["probeQueries"] = .int(rls.probe.queries)
                    s["notReadableByAppRole"] = .array(rls.probe.tablesSkipped.map { .string($0) })
                }
                stats["rowLevelSecurity"] = .object(s)
                rlsLine = options.appRole.map { ", RLS probed as '\($0)' with \(rls.probe.tenants) tenants" }
                    ?? ", RLS checked in the catalog (no 'app-role' to probe as)"
            }
            let errors = findings.filter { $0.severity == .error }.count
            let warnings = findings.filter { $0.severity == .warning }.count
            var line = "database: \(model.scoped.count) tenant tables, \(audit.rows) rows, "
                + "\(audit.referencesChecked + audit.referencesEnforcedBySchema) references" + rlsLine
            line += errors == 0 ? ", no leaks" : ", \(errors) \(errors == 1 ? "problem" : "problems")"
            if warnings > 0 { line += ", \(warnings) \(warnings == 1 ? "warning" : "warnings")" }
            return (findings, stats, line)
        } catch let e as DatabaseProblem {
            throw VerifierError(e.description)
        } catch let e as DatabaseFailure {
            throw VerifierError(e.message)
        }
    }

    static func httpStats(_ o: HTTPOptions, _ audit: HTTPAudit, _ matrix: [String: JSONValue])
        -> ([String: JSONValue], String) {
        var counts: [String: Int] = ["enforced": 0, "bypassed": 0, "error": 0, "untested": 0, "own": 0, "denied": 0]
        for case .object(let grid) in matrix.values {
            for case .object(let row) in grid.values {
                for case .string(let cell) in row.values { counts[cell, default: 0] += 1 }
            }
        }
        var stats: [String: JSONValue] = [
            "tenants": .array(o.tenants.map { .string($0.name) }),
            "resources": .array(o.resources.map { .string($0.path.description) }),
            "methods": .array(o.methods.map { .string($0) }),
            "probes": .int(audit.probesSent), "unanswered": .int(audit.probesFailed),
            "cells": .object(counts.mapValues { .int($0) }),
            "matrix": .object(matrix),
        ]
        if o.login != nil { stats["logins"] = .int(audit.logins) }
        if o.resources.contains(where: { $0.create != nil }) {
            stats["created"] = .int(audit.created)
            stats["createdForWrites"] = .int(audit.createdForWrites)
            stats["removed"] = .int(audit.removed)
            stats["removedByProbes"] = .int(audit.alreadyGone)
        }
        if !audit.writeTargets.isEmpty { stats["writesOn"] = .object(audit.writeTargets.mapValues { .string($0) }) }
        if let d = o.discovery {
            stats["openapi"] = .object([
                "learned": .array(d.resources.map { .string($0.path.description) }),
                "login": d.login.map { .string("\($0.method) \($0.path)") } ?? .null,
                "skipped": .object(d.skipped.mapValues { .string($0) }),
            ])
        }
        var line = "HTTP: \(o.tenants.count) tenants × \(o.resources.count) "
            + "\(o.resources.count == 1 ? "resource" : "resources"), \(audit.probesSent) probes: "
            + "\(counts["enforced"]!) cells enforced, \(counts["bypassed"]!) bypassed, \(counts["error"]!) error"
        if counts["untested"]! > 0 { line += ", \(counts["untested"]!) untested" }
        let crashes = audit.findings.filter { $0.rule == "tenant-isolation/server-error" }.count
        if crashes > 0 { line += "; \(crashes) server-error \(crashes == 1 ? "finding" : "findings")" }
        if audit.created > 0 {
            line += "; \(audit.created) \(audit.created == 1 ? "object" : "objects") created for the purpose"
            if audit.createdForWrites > 0 { line += " (\(audit.createdForWrites) for the mutating probes)" }
            let left = audit.created - audit.removed - audit.alreadyGone
            line += left == 0 ? ", all removed" : ", \(left) left in place (no DELETE, or it failed)"
        }
        let onReal = audit.writeTargets.filter { $0.value.hasPrefix("the tenants' own objects") }.keys.sorted()
        if !onReal.isEmpty { line += "; writes on the tenants' own objects (nothing could be created): " + onReal.joined(separator: ", ") }
        if !audit.unsupported.isEmpty {
            stats["unsupportedMethods"] = .object(audit.unsupported.mapValues { .array($0.map { .string($0) }) })
            let notes = audit.unsupported.sorted(by: { $0.key < $1.key }).map { "\($1.joined(separator: ", ")) on '\($0)'" }
            line += "; not supported (405/501), left out: " + notes.joined(separator: "; ")
        }
        return (stats, line)
    }
}
