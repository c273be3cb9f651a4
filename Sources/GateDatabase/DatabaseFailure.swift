/// Why a database could not be opened or read. The message names the database (its path, or its URL with
/// the password replaced by `***`), says what happened and how to fix it, and never holds a password:
/// every message passes through `Redaction` before it is stored.
public struct DatabaseFailure: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// The SQLite file does not exist, or the URL's environment variable is not set.
        case notFound
        /// Host unreachable, connection refused, DNS failure, connect timeout, TLS refused.
        case cannotConnect
        /// Wrong password or a role that may not log in.
        case authentication
        /// The server is up but the database does not exist.
        case missingDatabase
        /// The role may not read the schema or table (SQLSTATE 42501), or the file is not readable.
        case permission
        /// The statement ran past the statement timeout, or the server stopped answering.
        case timeout
        /// gate stopped the statement (a check timeout or Ctrl-C).
        case cancelled
        /// A write was refused because the connection is read-only, or the server is a replica in recovery.
        case readOnly
        /// Not a SQLite file, or a damaged one.
        case notADatabase
        /// A SQLite file locked by another connection past the busy timeout.
        case locked
        /// A malformed URL or an option libpq refuses.
        case configuration
        /// Any other error the engine reported for a statement.
        case query
    }

    public let kind: Kind
    public let message: String
    /// PostgreSQL's five-character SQLSTATE, when the server sent one.
    public let sqlState: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = Redaction.scrubURLs(message)
        self.sqlState = sqlState
    }

    public var description: String { message }
}
