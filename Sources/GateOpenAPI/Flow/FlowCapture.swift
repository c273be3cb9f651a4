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
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && !$0.isWhitespace && !";=,:\"".contains($0) }) else {
                throw JSONPathError("'\(text)' needs a \(prefix.dropLast()) name after '\(prefix)' (for example \(prefix == "header:" ? "header:Location" : "cookie:sessionid"))")
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
