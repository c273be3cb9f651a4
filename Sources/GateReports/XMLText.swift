/// Escaping for XML 1.0 attribute values and text. Characters XML 1.0 cannot carry at all (most C0
/// controls, U+FFFE, U+FFFF) become U+FFFD, so a binary-ish log never makes the report invalid.
enum XMLText {
    static func escape(_ s: String) -> String { escape(s, attribute: false) }

    /// Attribute values also encode tab and newline, which attribute normalisation would turn into spaces.
    static func escapeAttribute(_ s: String) -> String { escape(s, attribute: true) }

    private static func escape(_ s: String, attribute: Bool) -> String {
        // Fast path: most values need no escaping at all.
        var clean = true
        for b in s.utf8 where b < 0x20 || b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 || b == 0xEF {
            if (b == 0x09 || b == 0x0A) && !attribute { continue }
            clean = false
            break
        }
        if clean { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += attribute ? "&#9;" : "\t"
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\r": out += "&#13;"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `name="value"` pairs, skipping nil values.
    static func attributes(_ pairs: [(String, String?)]) -> String {
        // Appends rather than interpolation and joined(): JUnit writes several of these per check.
        var out = ""
        for (k, v) in pairs {
            guard let v else { continue }
            out += " "
            out += k
            out += "=\""
            out += escapeAttribute(v)
            out += "\""
        }
        return out
    }
}
