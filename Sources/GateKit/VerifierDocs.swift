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
            out += "\nEXAMPLES (each runs as printed: paste it into a shell in an empty directory)\n"
            for (i, e) in d.examples.enumerated() { out += "\n" + example(e, number: i + 1, verifier: d.id) }
        }
        return out
    }

    /// One example as a shell script: a fresh directory, its files, the suite, `gate run` and the exit code
    /// it gives. Printed at the left margin, since a here-document's end marker must start its line.
    public static func example(_ e: VerifierExample, number: Int, verifier: String) -> String {
        let dir = "gate-example-\(verifier)-\(number)"
        var out = "# \(number). \(e.title): \(e.expect.rawValue) (gate exits \(e.expectedExitCode))\n"
        out += "mkdir \(dir) && cd \(dir)\n"
        for (path, content) in e.files.sorted(by: { $0.key < $1.key }) {
            if path.contains("/") { out += "mkdir -p '\(PathUtil.dirname(path))'\n" }
            out += "cat > '\(path)' <<'GATE_EOF'\n" + content + (content.hasSuffix("\n") || content.isEmpty ? "" : "\n") + "GATE_EOF\n"
        }
        if let shell = e.prepareShell {
            if shell.hasPrefix("sqlite3 ") { out += "# needs sqlite3, the SQLite command-line shell\n" }
            out += shell + (shell.hasSuffix("\n") ? "" : "\n")
        } else if e.prepare != nil {
            out += "# also needs: \(e.prepareNote ?? "set-up that has no shell form here (see the verifier's docs)")\n"
        }
        out += "cat > gate.yaml <<'GATE_EOF'\nsuite: example\nchecks:\n  - id: example\n    uses: \(verifier)\n    with:\n"
        out += e.with.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n") + "\n"
        out += "GATE_EOF\n"
        out += "gate run; echo \"exit $? (expected \(e.expectedExitCode))\"; cd ..\n"
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
