import GateCore
import GateHTTP

/// Where a capture of a request flow takes its value from: the step's JSON answer (`$.thread_id`), a
/// header of the answer (`header:Location`), or a cookie the answer sets (`cookie:sessionid`).
public enum CaptureSource: Sendable, Hashable, CustomStringConvertible {
    case json(JSONPath)
    case header(String)
    case cookie(String)

    public init(_ text: String) throws(JSONPathError) {
        let lower = text.lowercased()
        for (prefix, make) in [("header:", CaptureSource.header), ("cookie:", CaptureSource.cookie)] where lower.hasPrefix(prefix) {
            let name = String(text.dropFirst(prefix.count))
            let kind = prefix.dropLast()
            let example = prefix == "header:" ? "header:Location" : "cookie:sessionid"
            guard !name.isEmpty else {
                throw JSONPathError("'\(prefix)' needs a \(kind) name after it (for example \(example))")
            }
            // The name alone is quoted back, not the whole capture: the console and the reports pass every
            // message through the redactor, which takes `cookie:VALUE` for a Cookie header and hides it.
            let printable: ClosedRange<UInt32> = 0x21...0x7E
            if let bad = name.unicodeScalars.first(where: { !printable.contains($0.value) || ";=,:\"".unicodeScalars.contains($0) }) {
                let what = bad == " " ? "a space" : printable.contains(bad.value) ? "'\(bad)'" : "a control or non-ASCII character"
                let shown = name.debugDescription.dropFirst().dropLast()
                throw JSONPathError("the \(kind) name '\(shown)' holds \(what); a \(kind) name is printable ASCII without spaces, quotes, ';', '=', ',' or ':' (for example \(example))")
            }
            self = make(name)
            return
        }
        guard text.hasPrefix("$") else {
            throw JSONPathError("'\(text)' is no capture: give a JSON path ($.token), header:NAME or cookie:NAME")
        }
        self = .json(try JSONPath(text))
    }

    public var description: String {
        switch self {
        case .json(let p): p.description
        case .header(let n): "header:" + n
        case .cookie(let n): "cookie:" + n
        }
    }
}

/// The captures of one step of a request flow (`capture: {job: $.thread_id, next: header:Location}`):
/// each name takes the first value its source reaches in the step's answer, and fills `{job}` in the
/// later steps. Shared by health's `flow:` and tenant-isolation's `login:` steps, so both read answers
/// the same way.
public enum FlowCapture {
    /// Adds each capture's value to `values` (a JSON string as it is, anything else as compact JSON text;
    /// a header's value; a cookie's value); returns the names whose source reached nothing.
    public static func apply(_ captures: [(name: String, source: CaptureSource)], json: JSONValue?, headers: [HTTPHeader],
                             values: inout [String: String]) -> [String] {
        var missing: [String] = []
        for c in captures {
            let found: String?
            switch c.source {
            case .json(let path):
                found = json.flatMap { path.evaluate($0).first?.value }.map { v in if case .string(let s) = v { s } else { v.compactText } }
            case .header(let name):
                found = headers.first { $0.name.lowercased() == name.lowercased() }?.value
            case .cookie(let name):
                var jar = CookieJar()
                jar.take(headers)
                found = jar.value(name)
            }
            guard let found else {
                missing.append(c.name)
                continue
            }
            values[c.name] = found
        }
        return missing
    }
}
