import GateCore

public extension JSONValue {
    /// The JSON text of a value, compact, keys sorted: how findings show expected and actual values.
    var compactText: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): JSONText.quote(s)
        case .array(let a): "[" + a.map(\.compactText).joined(separator: ",") + "]"
        case .object(let o): "{" + o.keys.sorted().map { JSONText.quote($0) + ":" + o[$0]!.compactText }.joined(separator: ",") + "}"
        }
    }

    var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// An object's member.
    func member(_ key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}
