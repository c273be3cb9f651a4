/// The layer's SQL uses `?` placeholders, which SQLite binds as they are. PostgreSQL numbers its
/// parameters (`$1`), so `?` outside string literals, quoted identifiers, dollar-quoted bodies and comments
/// becomes `$n`. SQL that already uses `$n` (and no bare `?`) passes through unchanged. The one thing lost
/// is PostgreSQL's `?` family of JSON operators: spell them as functions (`jsonb_exists`) in the layer.
enum Placeholders {
    static func numbered(_ sql: String) -> String {
        let b = Array(sql.utf8)
        guard b.contains(63) else { return sql }  // '?'
        var out = [UInt8]()
        out.reserveCapacity(b.count + 8)
        var n = 0, i = 0
        while i < b.count {
            let c = b[i]
            switch c {
            case 39, 34:  // '...' and "...": doubled quotes stay inside
                var j = i + 1
                while j < b.count {
                    if b[j] == c { if j + 1 < b.count && b[j + 1] == c { j += 2; continue }; break }
                    j += 1
                }
                out += b[i...min(j, b.count - 1)]
                i = j + 1
            case 45 where i + 1 < b.count && b[i + 1] == 45:  // -- comment to the end of the line
                var j = i
                while j < b.count && b[j] != 10 { j += 1 }
                out += b[i..<j]
                i = j
            case 47 where i + 1 < b.count && b[i + 1] == 42:  // /* comment */
                var j = i + 2
                while j + 1 < b.count && !(b[j] == 42 && b[j + 1] == 47) { j += 1 }
                let end = min(j + 2, b.count)
                out += b[i..<end]
                i = end
            case 36:  // $tag$ ... $tag$, or $1
                var j = i + 1
                while j < b.count, b[j] == 95 || (b[j] | 0x20 >= 97 && b[j] | 0x20 <= 122) || (b[j] >= 48 && b[j] <= 57 && j > i + 1) {
                    j += 1
                }
                if j < b.count, b[j] == 36 {
                    let tag = Array(b[i...j])
                    var k = j + 1
                    while k + tag.count <= b.count && !b[k..<(k + tag.count)].elementsEqual(tag) { k += 1 }
                    let end = min(k + tag.count, b.count)
                    out += b[i..<end]
                    i = end
                } else {
                    out.append(c)
                    i += 1
                }
            case 63:
                n += 1
                out += Array("$\(n)".utf8)
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
