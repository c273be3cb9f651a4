import Foundation

/// Signs that a migration was written for another database than SQLite, which the dry run uses: a
/// failure there may be a dialect difference (`SERIAL`, a `$$` function body, `AUTO_INCREMENT`), not a
/// broken migration. The tool's configuration (a `postgresql` provider, a `postgres://` URL) counts too.
enum SQLDialect {
    struct Guess: Equatable {
        var name: String
        /// What gave it away, for the message: "SERIAL, a $$ body".
        var signs: String
    }

    static let postgresWords: Set<String> = ["SERIAL", "BIGSERIAL", "SMALLSERIAL", "JSONB", "TIMESTAMPTZ", "PLPGSQL", "BYTEA",
                                             "CONCURRENTLY", "EXTENSION", "ILIKE", "TSVECTOR", "INET", "CITEXT"]
    static let mysqlWords: Set<String> = ["AUTO_INCREMENT", "ENGINE", "UNSIGNED", "MODIFY", "CHARSET", "TINYINT", "MEDIUMTEXT"]

    /// The other database these statements (or the tool's configuration) point to; nil when nothing does.
    static func foreign(in statements: [SQLStatement], declared: String?) -> Guess? {
        var postgres: [String] = [], mysql: [String] = []
        for s in statements {
            // Dollar quotes and backticks leave no mark on the tokens; look at the text.
            if s.text.contains("$$") || s.text.range(of: #"\$[A-Za-z_][A-Za-z_0-9]*\$"#, options: .regularExpression) != nil,
               !postgres.contains("a $$ body") {
                postgres.append("a $$ body")
            }
            if s.text.contains("`"), !mysql.contains("`quoted` names") { mysql.append("`quoted` names") }
            for (i, t) in s.tokens.enumerated() {
                switch t.kind {
                case .word:
                    let w = t.text.uppercased()
                    if postgresWords.contains(w), !postgres.contains(w) { postgres.append(w) }
                    if mysqlWords.contains(w), !mysql.contains(w) { mysql.append(w) }
                    if w == "ALTER", i + 1 < s.tokens.count, s.tokens[i + 1].text.uppercased() == "COLUMN",
                       !postgres.contains("ALTER COLUMN") {
                        postgres.append("ALTER COLUMN")
                    }
                case .symbol where t.text == ":" && i + 1 < s.tokens.count && s.tokens[i + 1].text == ":":
                    if !postgres.contains(":: casts") { postgres.append(":: casts") }
                default:
                    break
                }
            }
        }
        if let declared, declared != "SQLite" {
            let signs = declared == "PostgreSQL" ? postgres : declared == "MySQL" ? mysql : []
            return Guess(name: declared, signs: (["the project's configuration targets \(declared)"] + signs.prefix(3)).joined(separator: ", "))
        }
        if postgres.count >= mysql.count, !postgres.isEmpty {
            return Guess(name: "PostgreSQL", signs: postgres.prefix(4).joined(separator: ", "))
        }
        if !mysql.isEmpty { return Guess(name: "MySQL", signs: mysql.prefix(4).joined(separator: ", ")) }
        return nil
    }
}
