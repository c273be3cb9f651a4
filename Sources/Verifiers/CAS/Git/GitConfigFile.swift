/// A git configuration file (`config.c`'s syntax): `[section]`, `[section "subsection"]` and the old
/// `[section.subsection]`, `key = value` or a bare `key` (true), double quotes, the escapes `\n \t \b \\ \"`,
/// `#` and `;` comments, and lines continued with a trailing backslash. Section and key names are
/// case-insensitive, subsections are not. Used for the repository's config and for `.gitmodules` blobs.
/// `include` and `includeIf` are not followed.
struct GitConfigFile: Sendable {
    struct Entry: Sendable, Equatable {
        var section: String
        var subsection: String?
        var key: String
        var value: String?
    }

    private(set) var entries: [Entry] = []

    /// Where parsing stopped, and the entries before it (git's callbacks have seen those already).
    struct ParseError: Error, Sendable {
        let line: Int
        var entries: [Entry] = []
    }

    init(text: [UInt8]) throws(ParseError) {
        var p = Parser(bytes: text)
        do {
            entries = try p.parse()
        } catch {
            throw ParseError(line: error.line, entries: p.parsed)
        }
    }

    /// The last value of `section[.subsection].key` (git's "last one wins").
    func value(_ section: String, _ subsection: String? = nil, _ key: String) -> String? {
        entries.last { $0.section == section && $0.subsection == subsection && $0.key == key }?.value
    }

    func bool(_ section: String, _ subsection: String? = nil, _ key: String) -> Bool? {
        guard let e = entries.last(where: { $0.section == section && $0.subsection == subsection && $0.key == key }) else {
            return nil
        }
        guard let v = e.value?.lowercased() else { return true }
        switch v {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0", "": return false
        default: return nil
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var parsed: [Entry] = []

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A UTF-8 byte-order mark is skipped, as git does.
            if bytes.starts(with: [0xef, 0xbb, 0xbf]) { i = 3 }
        }

        var atEnd: Bool { i >= bytes.count }
        func peek() -> UInt8 { i < bytes.count ? bytes[i] : 0 }

        mutating func next() -> UInt8 {
            guard i < bytes.count else { return 0 }
            let c = bytes[i]
            i += 1
            if c == 0x0a { line += 1 }
            return c
        }

        static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0b || c == 0x0c }
        static func isKeyChar(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2d
        }

        mutating func parse() throws(ParseError) -> [Entry] {
            var section: String?
            var subsection: String?
            while !atEnd {
                let c = next()
                if c == 0x0a || Self.isSpace(c) { continue }
                if c == 0x23 || c == 0x3b {  // comment
                    while !atEnd && next() != 0x0a {}
                    continue
                }
                if c == 0x5b {
                    (section, subsection) = try header()
                    continue
                }
                guard let s = section, Self.isKeyChar(c), (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) else {
                    throw ParseError(line: line)
                }
                var key = [c]
                while Self.isKeyChar(peek()) { key.append(next()) }
                while Self.isSpace(peek()) { _ = next() }
                var value: String?
                if peek() == 0x3d {
                    _ = next()
                    value = try self.value()
                } else if peek() == 0x0a || peek() == 0 || peek() == 0x23 || peek() == 0x3b {
                    if peek() == 0x23 || peek() == 0x3b { while !atEnd && peek() != 0x0a { _ = next() } }
                } else {
                    throw ParseError(line: line)
                }
                parsed.append(Entry(section: s, subsection: subsection, key: String(decoding: key, as: UTF8.self).lowercased(),
                                    value: value))
            }
            return parsed
        }

        mutating func header() throws(ParseError) -> (String, String?) {
            var name: [UInt8] = []
            while true {
                let c = next()
                if c == 0x5d { return (String(decoding: name, as: UTF8.self).lowercased().splitLegacy().0,
                                       String(decoding: name, as: UTF8.self).splitLegacy().1) }
                if Self.isSpace(c) { break }
                guard Self.isKeyChar(c) || c == 0x2e else { throw ParseError(line: line) }
                name.append(c)
            }
            while Self.isSpace(peek()) { _ = next() }
            guard next() == 0x22 else { throw ParseError(line: line) }
            var sub: [UInt8] = []
            while true {
                var c = next()
                if c == 0 || c == 0x0a { throw ParseError(line: line) }
                if c == 0x22 { break }
                if c == 0x5c {
                    c = next()
                    if c == 0 || c == 0x0a { throw ParseError(line: line) }
                }
                sub.append(c)
            }
            guard next() == 0x5d else { throw ParseError(line: line) }
            return (String(decoding: name, as: UTF8.self).lowercased(), String(decoding: sub, as: UTF8.self))
        }

        mutating func value() throws(ParseError) -> String {
            var out: [UInt8] = []
            var quoted = false
            var pendingSpace = 0
            while Self.isSpace(peek()) { _ = next() }
            while true {
                let c = next()
                if c == 0 { break }
                if c == 0x0a {
                    if quoted { throw ParseError(line: line - 1) }
                    break
                }
                if !quoted && (c == 0x23 || c == 0x3b) {
                    while !atEnd && peek() != 0x0a { _ = next() }
                    continue
                }
                if !quoted && Self.isSpace(c) {
                    pendingSpace += 1
                    continue
                }
                if pendingSpace > 0 && !out.isEmpty { out += [UInt8](repeating: 0x20, count: pendingSpace) }
                pendingSpace = 0
                if c == 0x5c {
                    let e = next()
                    switch e {
                    case 0x0a: continue
                    case 0x74: out.append(0x09)
                    case 0x62: out.append(0x08)
                    case 0x6e: out.append(0x0a)
                    case 0x5c, 0x22: out.append(e)
                    default: throw ParseError(line: line)
                    }
                    continue
                }
                if c == 0x22 {
                    quoted.toggle()
                    continue
                }
                out.append(c)
            }
            if quoted { throw ParseError(line: line) }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

private extension String {
    /// `[section.sub]` (legacy syntax): the subsection is lowercased by git too.
    func splitLegacy() -> (String, String?) {
        guard let dot = firstIndex(of: ".") else { return (self, nil) }
        return (String(self[..<dot]).lowercased(), String(self[index(after: dot)...]).lowercased())
    }
}
