import GateCore

/// `run-N/run.json`: what a run applied and produced, kept beside its outputs for inspection. Only the
/// variables gate changed are listed, never the whole environment (it may hold credentials).
enum RunManifest {
    static func write(_ r: RunRecord, settings: Settings, casePath: String?) throws {
        var outputs: [String: JSONValue] = [:]
        for (name, a) in r.artifacts {
            var entry: [String: JSONValue] = ["digest": .string(a.digest.hex), "size": .int(a.size), "kept": .string(PathUtil.relative(a.kept, to: r.directory))]
            if a.normalized { entry["normalized"] = .bool(true) }
            outputs[name] = .object(entry)
        }
        var exit: [String: JSONValue] = [:]
        switch r.termination {
        case .exited(let c): exit["code"] = .int(Int(c))
        case .signaled(let s): exit["signal"] = .string(SignalNames.name(s))
        }
        var doc: [String: JSONValue] = [
            "run": .int(r.index),
            "control": .bool(r.plan.isControl),
            "cwd": .string(r.cwd),
            "command": .string(settings.commandText),
            "wrappers": .array(r.plan.wrappers.map { .string($0) }
                               + (r.plan.envTool != nil ? [.string("env -i (environment in reverse order)")] : [])
                               + (r.plan.prelude.isEmpty ? [] : [.string("/bin/sh -c '\(r.plan.prelude.joined(separator: "; "))'")])),
            "variations": .array(r.plan.variations.map {
                .object(["name": .string($0.variation), "applied": .bool($0.applied), "detail": .string($0.detail)])
            }),
            "exit": .object(exit),
            "pid": .int(Int(r.pid)),
            "durationMs": .int(Int(r.duration.components.seconds * 1000 + r.duration.components.attoseconds / 1_000_000_000_000_000)),
            "outputs": .object(outputs),
        ]
        if let casePath { doc["case"] = .string(casePath) }
        if !r.notes.isEmpty { doc["notes"] = .array(r.notes.map { .string($0) }) }
        do {
            try StreamCopy.writeArtifact(JSONSupport.pretty(.object(doc)), to: r.directory + "/run.json")
        } catch {
            throw VerifierError("\(error)")
        }
    }
}
