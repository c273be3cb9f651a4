import Foundation
import GateCore

/// The `gate-report/1` JSON written by hand, byte for byte what `JSONReportWriter.encoder` (JSONEncoder,
/// pretty-printed, sorted keys, slashes unescaped) produces for the same report.
///
/// Why by hand: JSONEncoder builds a tree of boxed values through generic containers, and on Linux it
/// cost about 35 µs per check and a few ms of first-use type lookups in every run, on the critical path
/// after the last check. This writer appends to one byte buffer. `JSONReportTextTests` compares the two
/// on reports that set every optional field, and the golden report file pins the format.
///
/// Format, as JSONEncoder writes it: two spaces per level, `"key" : value`, keys in UTF-8 byte order,
/// absent optionals left out, empty containers as `[`, an empty line, then `]`; strings escape `"`, `\`
/// and control characters (`\b \f \n \r \t`, else `\u00xx`); doubles as Swift prints them with a
/// trailing `.0` dropped.
struct JSONReportText {
    private(set) var bytes: [UInt8] = []
    private var level = 0
    /// Per open container: whether it has a member yet.
    private var started: [Bool] = []

    static func render(_ report: RunReport) throws -> [UInt8] {
        var w = JSONReportText()
        w.bytes.reserveCapacity(1024 + report.checks.count * 512)
        try w.report(report)
        return w.bytes
    }

    // MARK: - The report's types, keys in byte order

    private mutating func report(_ r: RunReport) throws {
        open("{")
        try key("checks") { w in try w.array(r.checks) { w, c in try w.check(c) } }
        if let c = r.commit { key("commit") { $0.string(c) } }
        key("durationMs") { $0.int(r.durationMs) }
        key("exitCode") { $0.int(Int(r.exitCode)) }
        key("gateVersion") { $0.string(r.gateVersion) }
        key("interrupted") { $0.bool(r.interrupted) }
        if let p = r.partial { key("partial") { $0.string(p) } }
        key("rules") { w in w.array(r.rules) { w, d in w.rule(d) } }
        key("schema") { $0.string(r.schema) }
        if let s = r.shard { try key("shard") { try $0.encoded(s) } }
        key("startedAt") { $0.string(DateText.timestamp(r.startedAt)) }
        key("status") { $0.string(r.status.rawValue) }
        key("suite") { $0.string(r.suite) }
        if let f = r.suiteFile { key("suiteFile") { $0.string(f) } }
        close("}")
    }

    private mutating func check(_ c: CheckResult) throws {
        open("{")
        if let cache = c.cache {
            key("cache") { w in
                w.open("{")
                w.key("hashedBytes") { $0.int(Int(cache.hashedBytes)) }
                w.key("hashedFiles") { $0.int(cache.hashedFiles) }
                w.key("inputFiles") { $0.int(cache.inputFiles) }
                w.key("key") { $0.string(cache.key) }
                if let n = cache.note { w.key("note") { $0.string(n) } }
                w.close("}")
            }
        }
        if let cached = c.cached { key("cached") { $0.bool(cached) } }
        if let d = c.description { key("description") { $0.string(d) } }
        if let d = c.droppedFindings { key("droppedFindings") { w in w.array(d) { w, e in w.dropped(e) } } }
        key("durationMs") { $0.int(c.durationMs) }
        key("findings") { w in w.array(c.findings) { w, f in w.finding(f) } }
        key("id") { $0.string(c.id) }
        if let log = c.log { key("log") { $0.string(log) } }
        if let r = c.reason { key("reason") { $0.string(r) } }
        key("required") { $0.bool(c.required) }
        if let root = c.root { key("root") { $0.string(root) } }
        key("rules") { w in w.array(c.rules) { w, s in w.string(s) } }
        if let s = c.slice { key("slice") { $0.string(s) } }
        if let s = c.source { key("source") { $0.string(s) } }
        key("stats") { $0.object(c.stats) }
        key("status") { $0.string(c.status.rawValue) }
        key("summary") { $0.string(c.summary) }
        if let tags = c.tags { key("tags") { w in w.array(tags) { w, t in w.string(t) } } }
        if let t = c.testcases {
            key("testcases") { w in
                w.open("{")
                w.key("assignments") { $0.stringMap(t.assignments) }
                if let ingested = t.ingested {
                    w.key("ingested") { w in
                        w.array(ingested) { w, i in
                            w.open("{")
                            w.key("classname") { $0.string(i.classname) }
                            if let f = i.file { w.key("file") { $0.string(f) } }
                            if let f = i.fingerprint { w.key("fingerprint") { $0.string(f) } }
                            if let m = i.message { w.key("message") { $0.string(m) } }
                            w.key("name") { $0.string(i.name) }
                            w.key("outcome") { $0.string(i.outcome.rawValue) }
                            if let t = i.text { w.key("text") { $0.string(t) } }
                            if let t = i.time { w.key("time") { $0.string(t) } }
                            w.close("}")
                        }
                    }
                }
                w.key("names") { w in w.array(t.names) { w, n in w.string(n) } }
                w.close("}")
            }
        }
        key("verifier") { $0.string(c.verifier) }
        close("}")
    }

    private mutating func finding(_ f: Finding) {
        open("{")
        if let c = f.column { key("column") { $0.int(c) } }
        if let e = f.evidence { key("evidence") { $0.stringMap(e) } }
        key("fingerprint") { $0.string(f.fingerprint) }
        if let h = f.help { key("help") { $0.string(h) } }
        if let l = f.line { key("line") { $0.int(l) } }
        key("message") { $0.string(f.message) }
        if let p = f.path { key("path") { $0.string(p) } }
        key("rule") { $0.string(f.rule) }
        key("severity") { $0.string(f.severity.rawValue) }
        key("waived") { $0.bool(f.waived) }
        if let w = f.waiver { key("waiver") { $0.string(w) } }
        close("}")
    }

    private mutating func dropped(_ d: DroppedFindings) {
        open("{")
        key("count") { $0.int(d.count) }
        key("rule") { $0.string(d.rule) }
        key("severity") { $0.string(d.severity.rawValue) }
        if let w = d.waived { key("waived") { $0.int(w) } }
        close("}")
    }

    private mutating func rule(_ d: RuleDescriptor) {
        open("{")
        if let h = d.help { key("help") { $0.string(h) } }
        key("id") { $0.string(d.id) }
        key("severity") { $0.string(d.severity.rawValue) }
        key("summary") { $0.string(d.summary) }
        close("}")
    }

    private mutating func value(_ v: JSONValue) {
        switch v {
        case .null: append("null")
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d.isFinite ? d : 0)  // as JSONValue.encode(to:) does
        case .string(let s): string(s)
        case .array(let a): array(a) { w, e in w.value(e) }
        case .object(let o): object(o)
        }
    }

    private mutating func object(_ o: [String: JSONValue]) {
        open("{")
        for k in Self.sortedKeys(o.keys) { key(k) { $0.value(o[k]!) } }
        close("}")
    }

    private mutating func stringMap(_ o: [String: String]) {
        open("{")
        for k in Self.sortedKeys(o.keys) { key(k) { $0.string(o[k]!) } }
        close("}")
    }

    /// A value this writer does not spell out (the shard block): JSONEncoder's own text, re-indented.
    /// Its strings hold no raw newline, so indenting after each newline is exact.
    private mutating func encoded<T: Encodable>(_ value: T) throws {
        let text = try JSONReportWriter.encoder.encode(value)
        let pad = [UInt8](repeating: 0x20, count: level * 2)
        for b in text {
            bytes.append(b)
            if b == 0x0A { bytes += pad }
        }
    }

    static func sortedKeys<C: Collection<String>>(_ keys: C) -> [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    // MARK: - Layout

    private mutating func open(_ bracket: Unicode.Scalar) {
        bytes.append(UInt8(bracket.value))
        level += 1
        started.append(false)
    }

    private mutating func close(_ bracket: Unicode.Scalar) {
        let hadMembers = started.removeLast()
        level -= 1
        bytes.append(0x0A)
        if !hadMembers { bytes.append(0x0A) }
        indent()
        bytes.append(UInt8(bracket.value))
    }

    /// Starts the next member of the innermost container: a comma after the previous one, a new line and
    /// the indentation.
    private mutating func member() {
        if started[started.count - 1] { bytes.append(0x2C) } else { started[started.count - 1] = true }
        bytes.append(0x0A)
        indent()
    }

    private mutating func indent() {
        for _ in 0..<(level * 2) { bytes.append(0x20) }
    }

    private mutating func key(_ name: String, _ body: (inout JSONReportText) throws -> Void) rethrows {
        member()
        string(name)
        append(" : ")
        try body(&self)
    }

    private mutating func array<T>(_ items: [T], _ body: (inout JSONReportText, T) throws -> Void) rethrows {
        open("[")
        for item in items {
            member()
            try body(&self, item)
        }
        close("]")
    }

    // MARK: - Scalars

    private mutating func append(_ s: String) { bytes += s.utf8 }

    private mutating func bool(_ b: Bool) { append(b ? "true" : "false") }

    private mutating func int(_ i: Int) { append(String(i)) }

    private mutating func double(_ d: Double) {
        var s = d.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        append(s)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func string(_ s: String) {
        bytes.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0x08: bytes += [0x5C, 0x62]
            case 0x0C: bytes += [0x5C, 0x66]
            case 0..<0x20:
                bytes += [0x5C, 0x75, 0x30, 0x30, Self.hex[Int(b >> 4)], Self.hex[Int(b & 0xF)]]
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }
}
