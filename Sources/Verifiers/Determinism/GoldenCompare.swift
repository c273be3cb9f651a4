import GateCore

/// Compares what run 1 produced with the golden lock; every difference is a `determinism/golden-mismatch`.
struct GoldenCompare {
    /// The lock's path as shown in messages, and as the finding path without cases (root-relative).
    let lockDisplay: String
    let lockPath: String?
    /// Case id to (output name to kept file), for the evidence.
    let kept: [String: [String: String]]

    private static let rerecord = "If the change is intended, re-record with 'gate replay record' "
        + "(or 'gate check determinism ... --set record=true') and commit the lock with the change."

    func compare(expected: GoldenLock, actual: GoldenLock) -> [DivergenceReport] {
        var out: [DivergenceReport] = []
        if expected.caseMode != actual.caseMode {
            out.append(report(nil, expected.caseMode
                ? "the golden lock '\(lockDisplay)' was recorded with cases, but this check has no 'cases'"
                : "the golden lock '\(lockDisplay)' was recorded without cases, but this check replays cases",
                identity: "shape", evidence: [:]))
            return out
        }
        for key in Set(expected.entries.keys).union(actual.entries.keys).sorted() {
            let caseID = key.isEmpty ? nil : key
            let label = caseID.map { "case '\($0)'" } ?? "the command"
            switch (expected.entries[key], actual.entries[key]) {
            case (nil, _?):
                out.append(report(caseID, "\(label) is not in the golden lock '\(lockDisplay)'", identity: "new|\(key)", evidence: [:]))
            case (_?, nil):
                out.append(report(caseID, "the golden lock '\(lockDisplay)' records \(label), but no input matches it any more",
                                  identity: "gone|\(key)", evidence: [:]))
            case (let e?, let a?):
                if e.exit != a.exit {
                    out.append(report(caseID, "\(label) exited with \(a.exit), but the golden lock '\(lockDisplay)' records \(e.exit)",
                                      identity: "exit|\(key)", evidence: ["expected": e.exit, "actual": a.exit]))
                }
                for name in Set(e.outputs.keys).union(a.outputs.keys).sorted(by: DivergenceAnalyzer.artifactOrder) {
                    var evidence = ["artifact": name]
                    if let path = kept[key]?[name] { evidence["kept"] = path }
                    switch (e.outputs[name], a.outputs[name]) {
                    case (nil, let o?):
                        evidence["actual"] = "\(o.digest) (\(o.size) bytes)"
                        out.append(report(caseID, "'\(name)' of \(label) is not in the golden lock '\(lockDisplay)'",
                                          identity: "extra|\(key)|\(name)", evidence: evidence))
                    case (let o?, nil):
                        evidence["expected"] = "\(o.digest) (\(o.size) bytes)"
                        out.append(report(caseID, "'\(name)' of \(label) is recorded in the golden lock '\(lockDisplay)' but was not produced",
                                          identity: "absent|\(key)|\(name)", evidence: evidence))
                    case (let x?, let y?) where x.digest != y.digest:
                        evidence["expected"] = "\(x.digest) (\(x.size) bytes)"
                        evidence["actual"] = "\(y.digest) (\(y.size) bytes)"
                        let sizes = x.size == y.size ? "same size, \(y.size) bytes" : "\(y.size) bytes, the lock has \(x.size)"
                        out.append(report(caseID, "'\(name)' of \(label) does not match the golden lock '\(lockDisplay)' (\(sizes))",
                                          identity: "digest|\(key)|\(name)", evidence: evidence))
                    default:
                        break
                    }
                }
            case (nil, nil):
                break
            }
        }
        return out
    }

    private func report(_ caseID: String?, _ message: String, identity: String, evidence: [String: String]) -> DivergenceReport {
        let finding = Finding(rule: "determinism/golden-mismatch", message: message, path: caseID ?? lockPath,
                              identity: identity, evidence: evidence, help: Self.rerecord)
        var text = "GOLDEN MISMATCH \(message)"
        for k in evidence.keys.sorted() { text += "\n  \(k): \(evidence[k]!)" }
        return DivergenceReport(finding: finding, text: text)
    }
}
