import Foundation
import GateCore

/// A TOML value with the line it starts on.
indirect enum TOMLValue: Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    /// Dates and times are kept as written; nothing here needs them.
    case datetime(String)
    case array([TOMLNode])
    case table(TOMLTable)
}

struct TOMLNode: Sendable {
    var value: TOMLValue
    var line: Int
}

/// Keys in the order they were written.
struct TOMLTable: Sendable {
    var keys: [String] = []
    var values: [String: TOMLNode] = [:]
    subscript(key: String) -> TOMLNode? { values[key] }
}

/// A TOML 1.0 reader for configuration files (`pyproject.toml`): tables, arrays of tables, dotted and
/// quoted keys, the four string forms, numbers, booleans, dates, arrays and inline tables. Errors name
/// the file and line. Written here so that every value keeps its line for error messages.
struct TOMLReader {
    let b: [UInt8]
    var i = 0
    var line = 1
    let file: String

    static func parse(_ text: String, file: String) throws(ConfigError) -> TOMLTable {
        var r = TOMLReader(b: Array(text.utf8), file: file)
        return try r.document()
    }

    private init(b: [UInt8], file: String) {
        self.b = b
        self.file = file
    }

    func fail(_ message: String) -> ConfigError {
        .invalidParameter(SourceLocation(file: file, line: line, column: 1), key: "config", message: "malformed TOML: \(message)")
    }

    var atEnd: Bool { i >= b.count }
    func peek(_ k: Int = 0) -> UInt8? { i + k < b.count ? b[i + k] : nil }

    mutating func skipBlanks() { while let c = peek(), c == 0x20 || c == 0x09 { i += 1 } }

    mutating func skipComment() {
        if peek() == UInt8(ascii: "#") { while let c = peek(), c != 0x0A { i += 1 } }
    }

    /// Blanks, comments and newlines (inside arrays).
    mutating func skipAll() {
        while let c = peek() {
            if c == 0x20 || c == 0x09 || c == 0x0D { i += 1 } else if c == 0x0A { line += 1; i += 1 } else if c == UInt8(ascii: "#") { skipComment() } else { break }
        }
    }

    private mutating func endOfLine() throws(ConfigError) {
        skipBlanks()
        skipComment()
        if peek() == 0x0D { i += 1 }
        guard let c = peek() else { return }
        guard c == 0x0A else { throw fail("unexpected '\(Character(UnicodeScalar(c)))' after a value") }
        i += 1
        line += 1
    }

    private mutating func document() throws(ConfigError) -> TOMLTable {
        var root = TOMLTable()
        var currentPath: [String] = []
        var defined = Set<String>()
        while true {
            skipAll()
            guard let c = peek() else { break }
            if c == UInt8(ascii: "[") {
                let isArray = peek(1) == UInt8(ascii: "[")
                i += isArray ? 2 : 1
                skipBlanks()
                let path = try key()
                skipBlanks()
                guard peek() == UInt8(ascii: "]"), !isArray || peek(1) == UInt8(ascii: "]") else { throw fail("expected ']' to close a table header") }
                i += isArray ? 2 : 1
                let tableLine = line
                try endOfLine()
                if isArray {
                    try Self.appendTable(&root, path[...], line: tableLine, fail: fail)
                } else {
                    let joined = path.joined(separator: "\u{0}")
                    guard defined.insert(joined).inserted else { throw fail("table [\(path.joined(separator: "."))] is defined twice") }
                    try Self.ensureTable(&root, path[...], line: tableLine, fail: fail)
                }
                currentPath = path
                continue
            }
            let k = try key()
            skipBlanks()
            guard peek() == UInt8(ascii: "=") else { throw fail("expected '=' after key '\(k.joined(separator: "."))'") }
            i += 1
            skipBlanks()
            let v = try value()
            try Self.assign(&root, currentPath[...], k[...], v, fail: fail)
            try endOfLine()
        }
        return root
    }

    // MARK: Table plumbing

    private static func ensureTable(_ t: inout TOMLTable, _ path: ArraySlice<String>, line: Int, fail: (String) -> ConfigError) throws(ConfigError) {
        guard let head = path.first else { return }
        var child: TOMLTable
        switch t.values[head]?.value {
        case .table(let existing)?: child = existing
        case .array(var items)?:
            guard let last = items.last, case .table(var lastTable) = last.value else { throw fail("'\(head)' is not a table") }
            try ensureTable(&lastTable, path.dropFirst(), line: line, fail: fail)
            items[items.count - 1].value = .table(lastTable)
            t.values[head] = TOMLNode(value: .array(items), line: t.values[head]!.line)
            return
        case nil:
            child = TOMLTable()
            t.keys.append(head)
        default: throw fail("'\(head)' is already a value, not a table")
        }
        try ensureTable(&child, path.dropFirst(), line: line, fail: fail)
        t.values[head] = TOMLNode(value: .table(child), line: t.values[head]?.line ?? line)
    }

    private static func appendTable(_ t: inout TOMLTable, _ path: ArraySlice<String>, line: Int, fail: (String) -> ConfigError) throws(ConfigError) {
        guard let head = path.first else { return }
        if path.count == 1 {
            var items: [TOMLNode] = []
            if let existing = t.values[head] {
                guard case .array(let a) = existing.value else { throw fail("'\(head)' is not an array of tables") }
                items = a
            } else {
                t.keys.append(head)
            }
            items.append(TOMLNode(value: .table(TOMLTable()), line: line))
            t.values[head] = TOMLNode(value: .array(items), line: t.values[head]?.line ?? line)
            return
        }
        try ensureTable(&t, path.prefix(1), line: line, fail: fail)
        switch t.values[head]!.value {
        case .table(var child):
            try appendTable(&child, path.dropFirst(), line: line, fail: fail)
            t.values[head]!.value = .table(child)
        case .array(var items):
            guard case .table(var lastTable)? = items.last?.value else { throw fail("'\(head)' is not a table") }
            try appendTable(&lastTable, path.dropFirst(), line: line, fail: fail)
            items[items.count - 1].value = .table(lastTable)
            t.values[head]!.value = .array(items)
        default: throw fail("'\(head)' is not a table")
        }
    }

    /// Sets `key` (dotted) in the table at `tablePath` (the last array element for arrays of tables).
    static func assign(_ t: inout TOMLTable, _ tablePath: ArraySlice<String>, _ key: ArraySlice<String>, _ v: TOMLNode,
                               fail: (String) -> ConfigError) throws(ConfigError) {
        if let head = tablePath.first {
            switch t.values[head]?.value {
            case .table(var child)?:
                try assign(&child, tablePath.dropFirst(), key, v, fail: fail)
                t.values[head]!.value = .table(child)
            case .array(var items)?:
                guard case .table(var lastTable)? = items.last?.value else { throw fail("'\(head)' is not a table") }
                try assign(&lastTable, tablePath.dropFirst(), key, v, fail: fail)
                items[items.count - 1].value = .table(lastTable)
                t.values[head]!.value = .array(items)
            default: throw fail("'\(head)' is not a table")
            }
            return
        }
        guard let k = key.first else { return }
        if key.count == 1 {
            guard t.values[k] == nil else { throw fail("key '\(k)' is defined twice") }
            t.keys.append(k)
            t.values[k] = v
            return
        }
        var child = TOMLTable()
        if let existing = t.values[k] {
            guard case .table(let c) = existing.value else { throw fail("'\(k)' is already a value, not a table") }
            child = c
        } else {
            t.keys.append(k)
        }
        try assign(&child, [], key.dropFirst(), v, fail: fail)
        t.values[k] = TOMLNode(value: .table(child), line: t.values[k]?.line ?? v.line)
    }
}
