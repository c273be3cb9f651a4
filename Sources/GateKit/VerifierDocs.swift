import GateCore

/// Text for `gate list` and `gate explain`, built here (not printed) so that tests can read it.
public enum VerifierDocs {
    /// One line per verifier: id and summary.
    public static func list(_ registry: VerifierRegistry) -> String {
        let width = registry.ids.map(\.count).max() ?? 0
        return registry.types.map { t in
            let d = t.descriptor
            return d.id.padding(toLength: width + 2, withPad: " ", startingAt: 0) + d.summary
        }.joined(separator: "\n") + "\n"
    }

    /// Parameters with types, defaults and docs, the rules, and the examples.
    public static func explain(_ d: VerifierDescriptor) -> String {
        var out = "\(d.id): \(d.summary)\n\n"
        out += d.discussion.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n") + "\n\n"
        out += "PARAMETERS (the 'with:' block; 'gate check \(d.id) --set key=value' takes the same names)\n"
        for p in d.parameters + VerifierDescriptor.commonParameters {
            var head = "  \(p.name)  <\(p.kindText)>"
            if p.required { head += "  required" }
            if let def = p.defaultValue { head += "  default: \(def)" }
            out += head + "\n" + wrap(p.doc, indent: 6) + "\n"
        }
        out += "\nRULES\n"
        let width = d.rules.map(\.id.count).max() ?? 0
        for r in d.rules {
            out += "  " + r.id.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + r.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + r.summary + "\n"
        }
        if !d.examples.isEmpty {
            out += "\nEXAMPLES\n"
            for e in d.examples {
                out += "  # \(e.title) (\(e.expect.rawValue))\n"
                if !e.files.isEmpty { out += "  # in a directory with: \(e.files.keys.sorted().joined(separator: ", "))\n" }
                out += "  - id: example\n    uses: \(d.id)\n    with:\n"
                out += e.with.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n") + "\n"
            }
        }
        return out
    }

    static func wrap(_ text: String, indent: Int, width: Int = 100) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width - indent, !line.isEmpty {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        return lines.map { pad + $0 }.joined(separator: "\n")
    }
}
