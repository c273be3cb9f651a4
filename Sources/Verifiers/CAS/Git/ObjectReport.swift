import ContentHash
import GateCore

/// Turns what a worker learned about one object into findings and graph records; shared by the pack and
/// loose-object paths so that both report alike.
struct ObjectReport {
    let algorithm: HashAlgorithm
    let path: String
    let skip: ObjectIDs?

    /// Records the parsed object: its state, its references (through `lookup`), and its fsck messages.
    func record(position: Int, id: UnsafeRawPointer, type: GitType, inspector: ObjectInspector, graph: SourceGraph,
                log: EdgeLog, findings: inout [Finding], offset: Int?, lookup: (UnsafeRawPointer) -> Int?) {
        let sink = inspector.sink
        graph.states[position] = inspector.state(type)
        if sink.unparseable == nil {
            log.append(position: position, sink: sink, lookup: lookup)
        }
        guard sink.unparseable != nil || !sink.messages.isEmpty else { return }
        let hex = Hex.encode(UnsafeRawBufferPointer(start: id, count: algorithm.digestLength))
        if let failure = sink.unparseable {
            // git's parse_object_buffer fails: "object corrupt or missing", whatever fsck.<id> says.
            findings.append(GitFindings.badObject(failure, id: hex, type: type, path: path, severity: .error, offset: offset))
        }
        if let skip, skip.find(id) != nil { return }
        for m in sink.messages {
            guard let severity = sink.levels.severity(m.id) else { continue }
            findings.append(GitFindings.badObject(m, id: hex, type: type, path: path, severity: severity, offset: offset))
        }
    }

    func corrupt(id: UnsafeRawPointer, type: GitType?, offset: Int?, problem: String, actual: String? = nil) -> Finding {
        GitFindings.corrupt(path: path, id: Hex.encode(UnsafeRawBufferPointer(start: id, count: algorithm.digestLength)),
                            type: type?.name, offset: offset, problem: problem, actual: actual, algorithm: algorithm)
    }
}
