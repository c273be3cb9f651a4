import GateCore

/// The captures of one step of a request flow (`capture: {job: $.thread_id}`): each name takes the first
/// value its path reaches in the step's JSON answer, and fills `{job}` in the later steps. Shared by
/// health's `flow:` and tenant-isolation's `login:` steps, so both read answers the same way.
public enum FlowCapture {
    /// Adds each capture's value to `values` (a string as it is, anything else as compact JSON text);
    /// returns the names whose path reached nothing (or all of them when the answer is not JSON).
    public static func apply(_ captures: [(name: String, path: JSONPath)], to json: JSONValue?,
                             values: inout [String: String]) -> [String] {
        var missing: [String] = []
        for c in captures {
            guard let json, let v = c.path.evaluate(json).first?.value else {
                missing.append(c.name)
                continue
            }
            values[c.name] = if case .string(let s) = v { s } else { v.compactText }
        }
        return missing
    }
}
