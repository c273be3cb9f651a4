import Foundation
import GateCore

/// The engines the layer reads.
public enum DatabaseEngine: String, Sendable {
    case sqlite = "SQLite"
    case postgres = "PostgreSQL"
}

/// Where a `database` parameter points: a SQLite file, a PostgreSQL URL, or an environment variable that
/// holds either (read when the check runs, from the check's environment, so a suite never has to hold a
/// password).
///
/// ```yaml
/// database: build/app.sqlite                          # SQLite, relative to the check's root
/// database: postgres://gate@db.internal:5432/shop     # PostgreSQL; libpq's PG* variables and ~/.pgpass apply
/// database: {url-env: STAGING_DATABASE_URL}           # either, from the environment
/// ```
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// An absolute path.
    case sqlite(path: String)
    case postgres(PostgresURL)
    /// The variable's name, and the root a relative SQLite path in it resolves against.
    case environment(variable: String, root: String)

    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.redacted
        case .environment(let variable, _): "$\(variable)"
        }
    }

    /// PostgreSQL, or an environment variable that may hold a PostgreSQL URL (known only when the check runs):
    /// whether PostgreSQL-only rules may be evaluated.
    public var mayBePostgres: Bool {
        switch self {
        case .sqlite: false
        case .postgres, .environment: true
        }
    }

    /// How messages and reports name it: a path relative to `root`, a redacted URL, or the variable.
    public func display(relativeTo root: String) -> String {
        switch self {
        case .sqlite(let path): PathUtil.relative(path, to: root)
        case .postgres(let url): url.redacted
        case .environment(let variable, _): "the database in $\(variable)"
        }
    }

    /// The concrete location: reads the variable from `environment` (the check's) when needed.
    public func resolved(environment: [String: String]) throws(DatabaseFailure) -> DatabaseLocation {
        guard case .environment(let variable, let root) = self else { return self }
        guard let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw DatabaseFailure(.notFound, "the environment variable '\(variable)' (from 'database: {url-env: \(variable)}') "
                + "is not set or is empty; export it in the CI job, or give it in the suite's or the check's 'env'")
        }
        if PostgresURL.isURL(value) { return .postgres(try PostgresURL(value)) }
        if value.contains("://") {
            throw DatabaseFailure(.configuration, "'\(variable)' holds '\(Redaction.scrubURLs(value))', which is neither a "
                + "postgres:// URL nor a SQLite file path")
        }
        return .sqlite(path: PathUtil.resolve(value, against: root))
    }

    /// Opens a read-only connection.
    public func open(_ options: ConnectionOptions) throws(DatabaseFailure) -> any DatabaseConnection {
        switch try resolved(environment: options.environment) {
        case .sqlite(let path):
            return try SQLiteConnection.open(path: path, display: options.root.map { PathUtil.relative(path, to: $0) } ?? path,
                                             options: options)
        case .postgres(let url):
            return try PostgresConnection.open(url, options: options)
        case .environment:
            preconditionFailure("resolved() never returns .environment")
        }
    }
}

extension Parameters {
    /// The `database` parameter: a SQLite path (resolved against the root), a `postgres://` or
    /// `postgresql://` URL, or `{url-env: NAME}`. A malformed URL is a configuration error naming the key.
    public func database(_ key: String = "database") throws(ConfigError) -> DatabaseLocation? {
        guard let v = self[key], !v.isNull else { return nil }
        if let entries = v.mapping {
            for e in entries where e.key != "url-env" {
                throw .unknownKey(e.keyLocation, key: e.key, context: "'\(key)'", valid: ["url-env"])
            }
            guard let name = v["url-env"]?.string?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw .missingKey(v.location, key: "url-env", context: "'\(key)'")
            }
            guard name.utf8.allSatisfy({ $0 == 95 || ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) }),
                  !(name.utf8.first.map { $0 >= 48 && $0 <= 57 } ?? true) else {
                throw .invalidParameter(v["url-env"]?.location ?? v.location, key: "\(key).url-env",
                                        message: "'\(name)' is not an environment variable name (letters, digits and '_')")
            }
            return .environment(variable: name, root: root)
        }
        guard let text = v.string else {
            throw .invalidValue(v.location, key: key, expected: "a SQLite path, a postgres:// URL or {url-env: NAME}",
                                got: v.sequence != nil ? "a list" : "a value of another kind")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw error(key, "give a SQLite path, a postgres:// URL or {url-env: NAME}") }
        if PostgresURL.isURL(trimmed) {
            do {
                return .postgres(try PostgresURL(trimmed))
            } catch {
                throw self.error(key, error.message)
            }
        }
        if trimmed.contains("://") {
            throw self.error(key, "'\(Redaction.scrubURLs(trimmed))' is not a URL gate reads; give a postgres:// URL or a SQLite file path")
        }
        return .sqlite(path: resolve(trimmed))
    }
}
