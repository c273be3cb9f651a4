import GateDatabase

extension TableSource {
    /// Appends one row as a JSON line (ending in `\n`). Column 0 is the order key the query adds.
    func appendLine(_ row: DatabaseRow, layout l: Layout, to out: inout [UInt8]) {
        let names = row.columns.names
        let start = out.count
        if let jsonColumn {
            var body = Array((row[jsonColumn].text ?? "{}").utf8)
            while let last = body.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { body.removeLast() }
            // The hash members come from their columns; a sequence or timestamp column is added only when
            // the JSON does not hold that member already.
            var extra: [(String, SQLValue)] = []
            let always = [fields.hash, fields.chain, fields.prev].compactMap { $0 }
            let unlessPresent = [fields.sequence, fields.timestamp].compactMap { $0 }
            for role in always + unlessPresent where role.lowercased() != jsonColumn.lowercased() {
                if unlessPresent.contains(role), Self.mentions(body, role) { continue }
                if let i = names.indices.dropFirst().first(where: { names[$0].lowercased() == role.lowercased() }) {
                    extra.append((role, row[i]))
                }
            }
            if extra.isEmpty || body.last != UInt8(ascii: "}") {
                out += body
            } else {
                body.removeLast()
                var k = body.count - 1
                while k >= 0, [0x20, 0x0A, 0x0D, 0x09].contains(body[k]) { k -= 1 }
                let empty = k >= 0 && body[k] == UInt8(ascii: "{")
                out += body
                for (i, (name, value)) in extra.enumerated() {
                    if i > 0 || !empty { out.append(UInt8(ascii: ",")) }
                    Self.appendString(name, to: &out)
                    out.append(UInt8(ascii: ":"))
                    appendValue(value, to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        } else {
            out.append(UInt8(ascii: "{"))
            for i in names.indices.dropFirst() {
                if i > 1 { out.append(UInt8(ascii: ",")) }
                Self.appendString(names[i], to: &out)
                out.append(UInt8(ascii: ":"))
                appendValue(row[i], to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        // A newline inside JSON text can only be whitespace (a raw one inside a string is invalid anyway);
        // keep the record on its line.
        for k in start..<out.count where out[k] == 0x0A { out[k] = 0x20 }
        out.append(0x0A)
    }

    /// True when `"name"` occurs in the JSON text (a cheap test for a top-level member of that name).
    static func mentions(_ body: [UInt8], _ name: String) -> Bool {
        var quoted: [UInt8] = []
        appendString(name, to: &quoted)
        guard body.count >= quoted.count else { return false }
        for start in 0...(body.count - quoted.count) where body[start] == quoted[0] {
            if Array(body[start..<(start + quoted.count)]) == quoted { return true }
        }
        return false
    }

    /// Integers as digits, reals as ECMAScript prints them, text as a JSON string, blobs in the digest
    /// encoding (a BLOB hash column holds the raw digest).
    func appendValue(_ v: SQLValue, to out: inout [UInt8]) {
        switch v {
        case .null: out += Array("null".utf8)
        case .integer(let i): out += Array(String(i).utf8)
        case .real(let d):
            if d.isFinite { ESNumber.append(d, to: &out) } else { out += Array("null".utf8) }
        case .text(let s): Self.appendString(s, to: &out)
        case .blob(let b): Self.appendString(text.encode(b), to: &out)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        }
    }

    /// A JSON string with RFC 8785's minimal escapes.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(u.value >> 4)], hex[Int(u.value & 15)]]
            default:
                CanonicalWriter.appendUTF8(u.value, to: &out)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
