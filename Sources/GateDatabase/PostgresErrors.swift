import CLibPQ
import Foundation
import GateCore

/// libpq's and the server's errors, said the way a user can act on them. Connection failures carry no
/// SQLSTATE (libpq reports them as text), so they are told apart by libpq's wording; statement failures
/// by SQLSTATE (Appendix A of the PostgreSQL manual). Every message is scrubbed of the known passwords.
enum PostgresErrors {
    static func connectFailure(_ detail: String, url: PostgresURL, secrets: [String],
                               environment: [String: String]) -> DatabaseFailure {
        // libpq's "password authentication failed" reads, to gate's console redactor, as the word password
        // followed by a secret; the same fact in words it leaves alone.
        let said = detail.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
            .replacingOccurrences(of: "password authentication failed", with: "the password was rejected")
        let lower = said.lowercased()
        let head = "cannot connect to '\(url.redacted)': \(said)"
        let failure: DatabaseFailure
        if lower.contains("the password was rejected") || lower.contains("no password supplied")
            || lower.contains("authentication failed") || lower.contains("password is required") {
            failure = DatabaseFailure(.authentication, head + "; check the user and password (in the URL, PGPASSWORD, or "
                + "~/.pgpass / PGPASSFILE)")
        } else if lower.contains("no pg_hba.conf entry") {
            failure = DatabaseFailure(.authentication, head + "; the server's pg_hba.conf does not let this user in from "
                + "here (ask its administrator, or check sslmode)")
        } else if lower.contains("role \"") && lower.contains("does not exist") {
            failure = DatabaseFailure(.authentication, head + "; give an existing user in the URL or PGUSER")
        } else if lower.contains("database \"") && lower.contains("does not exist") {
            failure = DatabaseFailure(.missingDatabase, head + "; create it, or fix the database name in the URL (or PGDATABASE)")
        } else if lower.contains("starting up") || lower.contains("shutting down") || lower.contains("in recovery mode")
            || lower.contains("not accepting connections") {
            failure = DatabaseFailure(.cannotConnect, head + "; retry when the server is up")
        } else if lower.contains("ssl") {
            failure = DatabaseFailure(.cannotConnect, head + "; check sslmode (URL or PGSSLMODE) and the certificates")
        } else if lower.contains("service") && (lower.contains("definition") || lower.contains("not found")) {
            failure = DatabaseFailure(.configuration, head + "; check PGSERVICE and the service file (PGSERVICEFILE, ~/.pg_service.conf)")
        } else {
            let hostHint = environment["PGHOST"] == nil ? "" : " (PGHOST is set: the URL's host wins over it)"
            failure = DatabaseFailure(.cannotConnect, head + "; is the server running and reachable? Check the host and port "
                + "in the URL\(hostHint)")
        }
        return DatabaseFailure(failure.kind, Redaction.scrub(failure.message, secrets: secrets))
    }

    static func statementFailure(_ result: OpaquePointer, connection c: PostgresConnection, sql: String,
                                 cancelled: Bool, clientTimeout: Bool) -> DatabaseFailure {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let state = field(Int32(UInt8(ascii: "C")))  // PG_DIAG_SQLSTATE
        let primary = field(Int32(UInt8(ascii: "M"))) ?? PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
        let hint = field(Int32(UInt8(ascii: "H"))).map { " (hint: \($0))" } ?? ""
        let on = "'\(c.displayName)'"
        let timeout = DurationParsing.format(c.options.statementTimeout)
        let failure: DatabaseFailure
        switch state ?? "" {
        case "57014" where cancelled:
            failure = DatabaseFailure(.cancelled, "the statement on \(on) was cancelled", sqlState: state)
        case "57014":
            failure = DatabaseFailure(.timeout, "a statement on \(on) ran longer than the statement timeout (\(timeout)) and "
                + "was cancelled: \(primary). A lock held by another session (a running migration?) or a very large table; "
                + "raise 'statement-timeout' if the wait is expected", sqlState: state)
        case "55P03":
            failure = DatabaseFailure(.timeout, "a statement on \(on) waited too long for a lock: \(primary)", sqlState: state)
        case "42501":
            failure = DatabaseFailure(.permission, "the role '\(c.user)' may not read what gate needs on \(on): \(primary)\(hint); "
                + "grant it USAGE on the schema and SELECT on the table, or connect as a role that may", sqlState: state)
        case "25006":
            failure = DatabaseFailure(.readOnly, "\(on) refused a write: \(primary) (gate opens the database read-only)",
                                      sqlState: state)
        case let s where s.hasPrefix("08") || s.hasPrefix("57P"):
            failure = DatabaseFailure(.cannotConnect, "lost the connection to \(on): \(primary)", sqlState: state)
        default:
            let statement = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ")
            let shown = statement.count > 160 ? String(statement.prefix(157)) + "..." : statement
            failure = DatabaseFailure(.query, "a query on \(on) failed: \(primary)\(hint) (SQLSTATE \(state ?? "?")); "
                + "statement: \(shown)", sqlState: state)
        }
        _ = clientTimeout
        return DatabaseFailure(failure.kind, Redaction.scrub(failure.message, secrets: c.secrets), sqlState: state)
    }
}
