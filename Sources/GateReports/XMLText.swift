/// Escaping for XML 1.0 attribute values and text. Characters XML 1.0 cannot carry at all (most C0
/// controls, U+FFFE, U+FFFF) become U+FFFD, so a binary-ish log never makes the report invalid.
enum XMLText {
    static func escape(_ s: String) -> String { escape(s, attribute: false) }

    /// Attribute values also encode tab and newline, which attribute normalisation would turn into spaces.
    static func escapeAttribute(_ s: String) -> String { escape(s, attribute: true) }

    /// False when `s` comes out of escaping unchanged, which is true of most values. A byte 0xEF may
    /// start U+FFFE or U+FFFF, so it sends the string to the slow path too.
    static func needsEscaping(_ s: String, attribute: Bool) -> Bool {
        for b in s.utf8 where b < 0x20 || b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 || b == 0xEF {
            if (b == 0x09 || b == 0x0A) && !attribute { continue }
            return true
        }
        return false
    }

    private static func escape(_ s: String, attribute: Bool) -> String {
        // Fast path: most values need no escaping at all.
        guard needsEscaping(s, attribute: attribute) else { return s }
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
}
