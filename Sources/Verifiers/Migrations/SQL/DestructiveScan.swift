/// A change that loses data or breaks readers of the old schema.
struct DestructiveChange: Equatable, Sendable {
    enum Kind: String, Sendable {
        case dropTable = "DROP TABLE"
        case dropSchema = "DROP SCHEMA"
        case dropColumn = "DROP COLUMN"
        case truncate = "TRUNCATE"
        case deleteAll = "DELETE without WHERE"
        case renameTable = "RENAME TABLE"
        case renameColumn = "RENAME COLUMN"
    }

    var kind: Kind
    /// What it does, for the message: "drops table 'legacy_notes'".
    var description: String
    /// The object it touches, for the fingerprint.
    var object: String
}

/// Finds destructive changes in one statement by its tokens: DROP TABLE/SCHEMA/DATABASE, ALTER TABLE ...
/// DROP [COLUMN], TRUNCATE, DELETE without a top-level WHERE, and renames of tables or columns.
/// Statements inside trigger and function bodies are not run by the migration itself and are skipped.
enum DestructiveScan {
    /// Words after `ALTER TABLE t DROP` that drop something other than a column.
    static let nonColumnDrops: Set<String> = [
        "CONSTRAINT", "INDEX", "KEY", "PRIMARY", "FOREIGN", "CHECK", "DEFAULT", "NOT", "IDENTITY",
        "EXPRESSION", "UNIQUE", "TRIGGER", "PERIOD", "SYSTEM",
    ]

    static func changes(in statement: SQLStatement) -> [DestructiveChange] {
        let t = statement.tokens
        guard let first = t.first, first.kind == .word else { return [] }
        switch first.text {
        case "DROP": return drop(t)
        case "TRUNCATE": return truncate(t)
        case "DELETE": return delete(t)
        case "ALTER" where t.count > 1 && t[1].isWord("TABLE"): return alterTable(t)
        case "RENAME" where t.count > 1 && t[1].isWord("TABLE"): return renameTables(t)
        default: return []
        }
    }

    private static func drop(_ t: [SQLToken]) -> [DestructiveChange] {
        guard t.count > 1, t[1].kind == .word else { return [] }
        var i = 2
        switch t[1].text {
        case "TABLE":
            skip(["IF", "EXISTS"], in: t, at: &i)
            return names(t, from: i).map {
                DestructiveChange(kind: .dropTable, description: "drops table '\($0)'", object: $0)
            }
        case "SCHEMA", "DATABASE":
            skip(["IF", "EXISTS"], in: t, at: &i)
            return names(t, from: i).map {
                DestructiveChange(kind: .dropSchema, description: "drops \(t[1].text.lowercased()) '\($0)'", object: $0)
            }
        default:
            return []
        }
    }

    private static func truncate(_ t: [SQLToken]) -> [DestructiveChange] {
        var i = 1
        skip(["TABLE"], in: t, at: &i)
        skip(["ONLY"], in: t, at: &i)
        return names(t, from: i).map {
            DestructiveChange(kind: .truncate, description: "truncates '\($0)'", object: $0)
        }
    }

    private static func delete(_ t: [SQLToken]) -> [DestructiveChange] {
        var depth = 0
        for tok in t {
            if tok.kind == .symbol { depth += tok.text == "(" ? 1 : tok.text == ")" ? -1 : 0 }
            if depth == 0, tok.isWord("WHERE") { return [] }
        }
        var i = 1
        skip(["FROM"], in: t, at: &i)
        skip(["ONLY"], in: t, at: &i)
        guard let (name, _) = qualifiedName(t, at: i) else { return [] }
        return [DestructiveChange(kind: .deleteAll, description: "deletes every row of '\(name)' (DELETE without WHERE)", object: name)]
    }

    private static func alterTable(_ t: [SQLToken]) -> [DestructiveChange] {
        var i = 2
        skip(["IF", "EXISTS"], in: t, at: &i)
        skip(["ONLY"], in: t, at: &i)
        guard let (table, next) = qualifiedName(t, at: i) else { return [] }
        var out: [DestructiveChange] = []
        // Actions start after the table name and after each top-level comma.
        var starts = [next]
        var depth = 0
        for k in next..<t.count where t[k].kind == .symbol {
            if t[k].text == "(" { depth += 1 } else if t[k].text == ")" { depth -= 1 } else if t[k].text == ",", depth == 0 {
                starts.append(k + 1)
            }
        }
        for s in starts where s < t.count && t[s].kind == .word {
            var j = s + 1
            switch t[s].text {
            case "DROP":
                guard j < t.count else { continue }
                if t[j].kind == .word, nonColumnDrops.contains(t[j].text) { continue }
                skip(["COLUMN"], in: t, at: &j)
                skip(["IF", "EXISTS"], in: t, at: &j)
                if let (column, _) = qualifiedName(t, at: j) {
                    out.append(DestructiveChange(kind: .dropColumn, description: "drops column '\(column)' of '\(table)'",
                                                 object: table + "." + column))
                }
            case "RENAME":
                guard j < t.count else { continue }
                if t[j].isWord("TO") || t[j].isWord("AS") {
                    if let (to, _) = qualifiedName(t, at: j + 1) {
                        out.append(DestructiveChange(kind: .renameTable, description: "renames table '\(table)' to '\(to)'",
                                                     object: table))
                    }
                    continue
                }
                if t[j].kind == .word, ["CONSTRAINT", "INDEX", "KEY"].contains(t[j].text) { continue }
                skip(["COLUMN"], in: t, at: &j)
                if let (from, after) = qualifiedName(t, at: j), after < t.count, t[after].isWord("TO"),
                   let (to, _) = qualifiedName(t, at: after + 1) {
                    out.append(DestructiveChange(kind: .renameColumn, description: "renames column '\(from)' of '\(table)' to '\(to)'",
                                                 object: table + "." + from))
                }
            default:
                continue
            }
        }
        return out
    }

    /// MySQL's `RENAME TABLE a TO b, c TO d`.
    private static func renameTables(_ t: [SQLToken]) -> [DestructiveChange] {
        var out: [DestructiveChange] = []
        var i = 2
        while let (from, after) = qualifiedName(t, at: i), after < t.count, t[after].isWord("TO"),
              let (to, next) = qualifiedName(t, at: after + 1) {
            out.append(DestructiveChange(kind: .renameTable, description: "renames table '\(from)' to '\(to)'", object: from))
            guard next < t.count, t[next].kind == .symbol, t[next].text == "," else { break }
            i = next + 1
        }
        return out
    }

    /// Skips the words in order if they are all there.
    private static func skip(_ words: [String], in t: [SQLToken], at i: inout Int) {
        guard i + words.count <= t.count else { return }
        for (k, w) in words.enumerated() where !t[i + k].isWord(w) { return }
        i += words.count
    }

    /// A possibly schema-qualified name starting at `i`, and the index after it.
    static func qualifiedName(_ t: [SQLToken], at i: Int) -> (String, Int)? {
        var parts: [String] = []
        var k = i
        while k < t.count, t[k].kind == .word || t[k].kind == .quoted {
            parts.append(t[k].kind == .word ? t[k].text.lowercased() : t[k].text)
            k += 1
            guard k + 1 < t.count, t[k].kind == .symbol, t[k].text == "." else { break }
            k += 1
        }
        return parts.isEmpty ? nil : (parts.joined(separator: "."), k)
    }

    /// A comma-separated list of names starting at `i`.
    private static func names(_ t: [SQLToken], from i: Int) -> [String] {
        var out: [String] = []
        var k = i
        while let (name, next) = qualifiedName(t, at: k) {
            out.append(name)
            guard next < t.count, t[next].kind == .symbol, t[next].text == "," else { break }
            k = next + 1
        }
        return out
    }
}
