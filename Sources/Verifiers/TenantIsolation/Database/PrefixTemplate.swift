/// A storage path prefix such as `tenants/{slug}/`: literal text, and `{column}` placeholders naming
/// columns of the tenant table. `{{` and `}}` stand for literal braces.
struct PrefixTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case literal(String)
        case column(String)
    }

    let parts: [Part]
    let description: String

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    init(_ text: String) throws(Malformed) {
        description = text
        var parts: [Part] = []
        var literal = ""
        var chars = Array(text)[...]
        var offset = 0
        while let c = chars.popFirst() {
            offset += 1
            if c == "{", chars.first == "{" { chars.removeFirst(); offset += 1; literal.append("{"); continue }
            if c == "}", chars.first == "}" { chars.removeFirst(); offset += 1; literal.append("}"); continue }
            if c == "}" {
                throw Malformed(description: "the template '\(text)' has a '}' at character \(offset) with no '{' before it; "
                    + "write '}}' for a literal brace")
            }
            guard c == "{" else { literal.append(c); continue }
            let start = offset
            var name = ""
            var closed = false
            while let n = chars.popFirst() {
                offset += 1
                if n == "}" { closed = true; break }
                name.append(n)
            }
            guard closed else {
                throw Malformed(description: "the template '\(text)' opens '{' at character \(start) and never closes it")
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw Malformed(description: "the template '\(text)' has the placeholder '{\(name)}' at character \(start); "
                    + "a placeholder names a column of the tenant table, such as {slug}")
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.column(name))
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard parts.contains(where: { if case .column = $0 { true } else { false } }) else {
            throw Malformed(description: "the template '\(text)' names no column of the tenant table, so it is the same "
                + "for every tenant; add a placeholder such as {slug}")
        }
        self.parts = parts
    }

    var columns: [String] {
        parts.compactMap { if case .column(let c) = $0 { c } else { nil } }
    }

    /// The prefix as a SQL expression over the tenant table's alias, with literals as parameters.
    func sql(alias: String, columnName: (String) -> String, _ d: SQLDialect) -> SQLQuery {
        var pieces: [String] = []
        var args: [String] = []
        for part in parts {
            switch part {
            case .literal(let s): pieces.append("?"); args.append(s)
            case .column(let c): pieces.append("\(alias).\(d.identifier(columnName(c)))")
            }
        }
        return SQLQuery("(" + pieces.joined(separator: " || ") + ")", args)
    }
}
