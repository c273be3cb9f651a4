import GateCore

/// `gate replay record|verify`: the determinism checks of a suite that have a golden lock, with
/// `record` forced on or off. The CLI runs the returned suite restricted to the returned ids.
public enum DeterminismReplay {
    public static func prepare(_ suite: Suite, record: Bool, only: [String]) throws(ConfigError) -> (suite: Suite, ids: [String]) {
        let candidates = suite.checks.filter { $0.verifierID == DeterminismVerifier.descriptor.id && $0.parameters.has("golden") }
        for id in only where !candidates.contains(where: { $0.id == id }) {
            let known = candidates.map(\.id)
            var message = "'\(id)' is not a determinism check with a 'golden' lock in '\(suite.file ?? suite.name)'"
            if let s = DidYouMean.suggest(id, among: known) { message += "; did you mean '\(s)'?" }
            throw .usage(message + (known.isEmpty ? "" : " Replayable checks: \(known.joined(separator: ", "))."))
        }
        let chosen = candidates.filter { only.isEmpty || only.contains($0.id) }
        guard !chosen.isEmpty else {
            throw .usage("'\(suite.file ?? suite.name)' has no determinism check with a 'golden' lock to \(record ? "record" : "verify")")
        }
        var out = suite
        for (i, check) in out.checks.enumerated() where chosen.contains(where: { $0.id == check.id }) {
            var values = check.parameters.values
            values["record"] = .scalar(record ? "true" : "false", quoted: false, at: check.parameters.location)
            let parameters = Parameters(values: values, root: check.parameters.root, location: check.parameters.location)
            out.checks[i].parameters = parameters
            out.checks[i].verifier = try DeterminismVerifier(parameters: parameters)
        }
        return (out, chosen.map(\.id))
    }
}
