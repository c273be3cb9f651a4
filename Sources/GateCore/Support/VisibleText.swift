/// Text from checks, suites and state files made safe to print: shown, never obeyed.
///
/// A terminal obeys control characters (an OSC sequence retitles the window or writes the clipboard, an
/// erase-line plus carriage return rewrites a status line), and a CI runner obeys workflow commands
/// (`::add-path::` at the start of a line). gate prints such text as escapes instead: `\x1b`, `\r`,
/// `\u{202e}`; a workflow command is broken by escaping its first character.
public enum VisibleText {
    /// One line: every control character shown as an escape, newlines included (`\n`), except those in
    /// `kept` (a caller that escapes CR and LF its own way).
    public static func line(_ s: String, keeping kept: [Unicode.Scalar] = []) -> String {
        guard needsWork(s) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for u in s.unicodeScalars {
            if kept.contains(u) { out.unicodeScalars.append(u) } else { append(u, to: &out) }
        }
        return out
    }

    /// Several lines: each shown as `line` shows it (a line ending in CR LF loses the CR), joined by a
    /// newline and `indent`, so that the lines after the first sit under the first.
    public static func lines(_ s: String, indent: String = "") -> String {
        guard needsWork(s) || (!indent.isEmpty && s.utf8.contains(0x0A)) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let u = scalars[i]
            if u == "\n" {
                out += "\n" + indent
            } else if u == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" {
                // CR LF: one line break, not a visible CR.
            } else {
                append(u, to: &out)
            }
            i += 1
        }
        return out
    }

    /// Text on its way to stdout or stderr, made inert for a CI runner's workflow-command parser: a line
    /// that starts with `::` after blanks gets its first `:` escaped (`\x3a:`), and `##[` anywhere
    /// becomes `##\x5b`. Lines end at LF and at CR, as the GitHub Actions runner reads them
    /// (`StreamReader.ReadLine`); its `TrimStart` drops Unicode whitespace, and so does this.
    public static func inertWorkflowCommands(_ s: String) -> String {
        let bytes = s.utf8
        guard containsPair(bytes, 0x3A, 0x3A) || containsTriple(bytes, 0x23, 0x23, 0x5B) else { return s }
        // Scalars, not Characters: the runner compares UTF-16 code units, so a combining mark after ':'
        // must not hide the pair from this check.
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var atLineStart = true
        for (i, u) in scalars.enumerated() {
            let next = i + 1 < scalars.count ? scalars[i + 1] : nil
            if u == "\n" || u == "\r" {
                atLineStart = true
            } else if atLineStart && !u.properties.isWhitespace {
                atLineStart = false
                if u == ":" && next == ":" {
                    out.append(contentsOf: "\\x3a".unicodeScalars)
                    continue
                }
            }
            if u == "[", i >= 2, scalars[i - 1] == "#", scalars[i - 2] == "#" {
                out.append(contentsOf: "\\x5b".unicodeScalars)
                continue
            }
            out.append(u)
        }
        return String(out)
    }

    // MARK: Details

    /// True when some scalar needs an escape: C0 controls, DEL, C1 controls, bidirectional formatting,
    /// line and paragraph separators. Checked on bytes: most text has none.
    private static func needsWork(_ s: String) -> Bool {
        for b in s.utf8 {
            // 0xC2: C1 controls (U+0080–U+009F); 0xD8: U+061C; 0xE2: U+200E/F, U+2028–U+202E, U+2066–U+2069.
            if b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2 { return true }
        }
        return false
    }

    private static func append(_ u: Unicode.Scalar, to out: inout String) {
        switch u.value {
        case 0x09: out += "\\t"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x00...0x1F, 0x7F:
            out += "\\x" + hex(u.value, width: 2)
        case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069:
            out += "\\u{" + hex(u.value, width: 1) + "}"
        default:
            out.unicodeScalars.append(u)
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
    }

    private static func containsPair(_ bytes: String.UTF8View, _ a: UInt8, _ b: UInt8) -> Bool {
        var last: UInt8 = 0
        for x in bytes {
            if last == a && x == b { return true }
            last = x
        }
        return false
    }

    private static func containsTriple(_ bytes: String.UTF8View, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        var p2: UInt8 = 0, p1: UInt8 = 0
        for x in bytes {
            if p2 == a && p1 == b && x == c { return true }
            p2 = p1
            p1 = x
        }
        return false
    }
}
