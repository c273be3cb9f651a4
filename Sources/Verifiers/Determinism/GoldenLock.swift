import ContentHash
import Foundation
import GateCore

/// The golden lock: expected digests per case, as sorted, indented JSON so that a re-recording diffs
/// cleanly in review. No times, hosts or paths outside the repository go in, so recording twice gives
/// the same bytes.
///
/// ```json
/// { "algorithm": "xxh3-128",
///   "cases": { "engine/cases/a.json": { "exit": 0, "outputs": { "stdout": { "digest": "…", "size": 412 } } } },
///   "command": "python3 engine/engine.py {case}",
///   "schema": "gate-determinism-lock/1" }
/// ```
/// Without `cases`, `exit` and `outputs` sit at the top level.
struct GoldenLock: Sendable, Equatable {
    static let schema = "gate-determinism-lock/1"

    struct Output: Sendable, Equatable {
        var digest: String
        var size: Int
        var normalized: Bool
    }

    struct Entry: Sendable, Equatable {
        /// `0`, `1`, ... or a signal name.
        var exit: String
        var outputs: [String: Output]
    }

    /// Case id (root-relative) to entry; the key is "" without cases.
    var entries: [String: Entry]
    var caseMode: Bool

    init(entries: [String: Entry], caseMode: Bool) {
        self.entries = entries
        self.caseMode = caseMode
    }

    init(record: RunRecord) {
        var outputs: [String: Output] = [:]
        for (name, a) in record.artifacts {
            outputs[name] = Output(digest: a.digest.hex, size: a.size, normalized: a.normalized)
        }
        let exit: String
        switch record.termination {
        case .exited(let c): exit = String(c)
        case .signaled(let s): exit = SignalNames.name(s)
        }
        self.init(entries: ["": Entry(exit: exit, outputs: outputs)], caseMode: false)
    }

    func render(command: String) -> String {
        func entry(_ e: Entry) -> [String: JSONValue] {
            var outputs: [String: JSONValue] = [:]
            for (name, o) in e.outputs {
                var v: [String: JSONValue] = ["digest": .string(o.digest), "size": .int(o.size)]
                if o.normalized { v["normalized"] = .bool(true) }
                outputs[name] = .object(v)
            }
            return ["exit": Int(e.exit).map { .int($0) } ?? .string(e.exit), "outputs": .object(outputs)]
        }
        var doc: [String: JSONValue] = [
            "schema": .string(Self.schema), "algorithm": .string(StreamCopy.algorithm.rawValue), "command": .string(command),
        ]
        if caseMode {
            doc["cases"] = .object(entries.mapValues { .object(entry($0)) })
        } else if let e = entries[""] {
            for (k, v) in entry(e) { doc[k] = v }
        }
        return JSONSupport.pretty(.object(doc))
    }

    static func load(_ path: String, display: String) throws -> GoldenLock {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VerifierError("the golden lock '\(display)' does not exist; record it with "
                                + "'gate check determinism ... --set record=true' or 'gate replay record'")
        }
        func bad(_ why: String) -> VerifierError {
            VerifierError("the golden lock '\(display)' is not valid: \(why); re-record it with 'gate replay record'")
        }
        guard let doc = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let top) = doc else {
            throw bad("it is not a JSON object")
        }
        guard top["schema"] == .string(schema) else { throw bad("'schema' must be '\(schema)'") }
        guard top["algorithm"] == .string(StreamCopy.algorithm.rawValue) else {
            throw bad("'algorithm' must be '\(StreamCopy.algorithm.rawValue)'")
        }
        func entry(_ v: JSONValue?, _ at: String) throws -> Entry {
            guard case .object(let o)? = v else { throw bad("\(at) is not an object") }
            let exit: String
            switch o["exit"] {
            case .int(let i)?: exit = String(i)
            case .string(let s)?: exit = s
            default: throw bad("\(at).exit must be an exit code or a signal name")
            }
            guard case .object(let outs)? = o["outputs"] else { throw bad("\(at).outputs is not an object") }
            var outputs: [String: Output] = [:]
            for (name, value) in outs {
                guard case .object(let f) = value, case .string(let d)? = f["digest"], Hex.isLowercaseHex(d),
                      d.count == StreamCopy.algorithm.hexLength, case .int(let size)? = f["size"] else {
                    throw bad("\(at).outputs['\(name)'] needs a 32-character lowercase hex 'digest' and a 'size'")
                }
                outputs[name] = Output(digest: d, size: size, normalized: f["normalized"] == .bool(true))
            }
            return Entry(exit: exit, outputs: outputs)
        }
        if case .object(let cases)? = top["cases"] {
            var entries: [String: Entry] = [:]
            for (k, v) in cases { entries[k] = try entry(v, "cases['\(k)']") }
            return GoldenLock(entries: entries, caseMode: true)
        }
        return GoldenLock(entries: ["": try entry(doc, "the top level")], caseMode: false)
    }
}
