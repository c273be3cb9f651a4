import Foundation
import GateCore

/// An INI file read the way Python's `configparser` reads it (which is what import-linter uses for
/// `.importlinter` and `setup.cfg`): `[section]` headers, `key = value` or `key: value`, keys
/// lower-cased, indented continuation lines (blank lines inside a value kept), whole-line `#` and `;`
/// comments, `%%` for a percent sign, and `[DEFAULT]` values inherited by every section.
struct IniFile {
    struct Value {
        var lines: [String]
        var line: Int
        /// The value as configparser returns it: lines joined with newlines, trailing space removed.
        var text: String {
            var s = lines.joined(separator: "\n")
            while let last = s.last, last.isWhitespace { s.removeLast() }
            return s
        }
    }

    struct Section {
        var name: String
        var line: Int
        var keys: [String] = []
        var values: [String: Value] = [:]
        /// Keys inherited from `[DEFAULT]` rather than written in the section.
        var inherited: Set<String> = []
    }

    private(set) var sections: [Section] = []
    private var defaults = Section(name: "DEFAULT", line: 0)

    init(text: String, file: String) throws(ConfigError) {
        var current: Int?
        var inDefaults = false
        var option: String?
        var optionIndent = 0
        func loc(_ line: Int, _ col: Int = 1) -> SourceLocation { SourceLocation(file: file, line: line, column: col) }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = index + 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let stripped = line.trimmingCharacters(in: .whitespaces)
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            if stripped.isEmpty {
                if let option { append(option, "", inDefaults: inDefaults, section: current) }
                continue
            }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if let option, indent > optionIndent {
                append(option, stripped, inDefaults: inDefaults, section: current)
                continue
            }
            optionIndent = indent
            option = nil
            if stripped.hasPrefix("["), let close = stripped.lastIndex(of: "]"), close > stripped.index(after: stripped.startIndex) {
                let name = String(stripped[stripped.index(after: stripped.startIndex)..<close])
                if name == "DEFAULT" { inDefaults = true; current = nil; continue }
                inDefaults = false
                if let first = sections.first(where: { $0.name == name }) {
                    throw .invalidValue(loc(lineNo), key: "[\(name)]", expected: "each section once", got: "a second definition (the first is at line \(first.line))")
                }
                sections.append(Section(name: name, line: lineNo))
                current = sections.count - 1
                continue
            }
            guard current != nil || inDefaults else {
                throw .invalidParameter(loc(lineNo), key: "config", message: "malformed INI: expected a [section] header before '\(stripped.prefix(40))'")
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .invalidParameter(loc(lineNo, indent + 1), key: "config", message: "malformed INI: expected 'key = value', got '\(stripped.prefix(40))'")
            }
            let key = stripped[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty else { throw .invalidParameter(loc(lineNo, indent + 1), key: "config", message: "malformed INI: a value without a key") }
            let value = stripped[stripped.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
            if inDefaults {
                defaults.keys.append(key)
                defaults.values[key] = Value(lines: [value], line: lineNo)
            } else if let c = current {
                if let first = sections[c].values[key] {
                    throw .invalidValue(loc(lineNo, indent + 1), key: key, expected: "each option once per section",
                                        got: "a second definition (the first is at line \(first.line))")
                }
                sections[c].keys.append(key)
                sections[c].values[key] = Value(lines: [value], line: lineNo)
            }
            option = key
        }
    }

    private mutating func append(_ key: String, _ text: String, inDefaults: Bool, section: Int?) {
        if inDefaults { defaults.values[key]?.lines.append(text) } else if let s = section { sections[s].values[key]?.lines.append(text) }
    }

    func section(_ name: String) -> Section? {
        guard var s = sections.first(where: { $0.name == name }) else { return nil }
        for k in defaults.keys where s.values[k] == nil {
            s.keys.append(k)
            s.values[k] = defaults.values[k]
            s.inherited.insert(k)
        }
        return s
    }

    /// configparser's basic interpolation: `%%` is a percent sign; `%(key)s` another key's value.
    static func interpolate(_ text: String, in section: Section, file: String, line: Int) throws(ConfigError) -> String {
        guard text.contains("%") else { return text }
        var out = ""
        var rest = Substring(text)
        while let p = rest.firstIndex(of: "%") {
            out += rest[..<p]
            let after = rest[rest.index(after: p)...]
            if after.hasPrefix("%") { out += "%"; rest = after.dropFirst(); continue }
            if after.hasPrefix("("), let close = after.firstIndex(of: ")"), after[after.index(after: close)...].hasPrefix("s") {
                let name = after[after.index(after: after.startIndex)..<close].lowercased()
                guard let v = section.values[name] else {
                    throw .invalidParameter(SourceLocation(file: file, line: line, column: 1), key: name, message: "'%(\(name))s' names no option in [\(section.name)]")
                }
                out += v.text
                rest = after[after.index(close, offsetBy: 2)...]
                continue
            }
            throw .invalidParameter(SourceLocation(file: file, line: line, column: 1), key: "%", message: "a '%' must be written '%%' (configparser interpolation)")
        }
        return out + rest
    }
}
