import Foundation
import GateCore

/// JSON parsing, canonical writing (sorted keys, so equal documents give equal bytes) and structural
/// comparison that names the first differing field, such as `$.items[3].createdAt`.
enum JSONSupport {
    /// Documents larger than this are compared as text only.
    static let parseLimit = 64 << 20

    static func parse(_ data: Data) -> JSONValue? {
        guard !data.isEmpty, data.count <= parseLimit else { return nil }
        guard let first = data.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    static func parse(file path: String) -> JSONValue? {
        guard let size = FileInfo.size(path), size <= parseLimit,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return parse(data)
    }

    /// Compact JSON with sorted keys.
    static func canonical(_ v: JSONValue) -> String {
        var out = ""
        write(v, into: &out, indent: nil, level: 0)
        return out
    }

    /// Two-space indented JSON with sorted keys and a final newline: diffs well in review.
    static func pretty(_ v: JSONValue) -> String {
        var out = ""
        write(v, into: &out, indent: "  ", level: 0)
        return out + "\n"
    }

    private static func write(_ v: JSONValue, into out: inout String, indent: String?, level: Int) {
        let newline = indent.map { "\n" + String(repeating: $0, count: level + 1) } ?? ""
        let closing = indent.map { "\n" + String(repeating: $0, count: level) } ?? ""
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): out += quote(s)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (n, item) in a.enumerated() {
                if n > 0 { out += "," }
                out += newline
                write(item, into: &out, indent: indent, level: level + 1)
            }
            out += closing + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            for (n, key) in o.keys.sorted().enumerated() {
                if n > 0 { out += "," }
                out += newline + quote(key) + (indent == nil ? ":" : ": ")
                write(o[key]!, into: &out, indent: indent, level: level + 1)
            }
            out += closing + "}"
        }
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }

    /// Where two documents differ, in document order (object keys sorted), at most `limit` places.
    struct Difference: Sendable, Equatable {
        var path: String
        /// Short renderings of each side; "(absent)" when the field exists on one side only.
        var a: String
        var b: String
        /// The scalar texts, for cause analysis (strings without quotes).
        var rawA: String?
        var rawB: String?
    }

    static func differences(_ a: JSONValue, _ b: JSONValue, limit: Int = 5) -> [Difference] {
        var out: [Difference] = []
        walk(a, b, [], &out, limit)
        return out
    }

    private static func walk(_ a: JSONValue, _ b: JSONValue, _ path: [JSONPath.PathComponent],
                             _ out: inout [Difference], _ limit: Int) {
        guard out.count < limit, a != b else { return }
        switch (a, b) {
        case (.object(let x), .object(let y)):
            for key in Set(x.keys).union(y.keys).sorted() {
                let p = path + [.key(key)]
                switch (x[key], y[key]) {
                case (let u?, let v?): walk(u, v, p, &out, limit)
                case (let u?, nil): add(p, u, nil, &out, limit)
                case (nil, let v?): add(p, nil, v, &out, limit)
                default: break
                }
            }
        case (.array(let x), .array(let y)):
            for i in 0..<max(x.count, y.count) {
                let p = path + [.index(i)]
                if i < x.count && i < y.count { walk(x[i], y[i], p, &out, limit) }
                else { add(p, i < x.count ? x[i] : nil, i < y.count ? y[i] : nil, &out, limit) }
            }
        default:
            add(path, a, b, &out, limit)
        }
    }

    private static func add(_ path: [JSONPath.PathComponent], _ a: JSONValue?, _ b: JSONValue?,
                            _ out: inout [Difference], _ limit: Int) {
        guard out.count < limit else { return }
        out.append(Difference(path: JSONPath.render(path), a: a.map(short) ?? "(absent)", b: b.map(short) ?? "(absent)",
                              rawA: a.flatMap(raw), rawB: b.flatMap(raw)))
    }

    private static func short(_ v: JSONValue) -> String {
        let s = canonical(v)
        return s.count > 80 ? String(s.prefix(77)) + "..." : s
    }

    private static func raw(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): "\(d)"
        case .bool(let b): String(b)
        default: nil
        }
    }
}

/// lstat(2) facts used across the module.
enum FileInfo {
    static func size(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
}
