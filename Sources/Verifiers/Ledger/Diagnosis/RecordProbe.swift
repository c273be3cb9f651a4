/// One record read again for the diagnosis, with every value the checks use. Built by running the same
/// `RecordChecker` over the line alone, so the diagnosis sees exactly what the pass saw.
struct ProbedRecord {
    var bytes: [UInt8]
    var valid: Bool
    var issue: RecordIssue?
    /// Stored, or computed when records store none.
    var hash: [UInt8] = []
    var hashBad = false
    var chain: [UInt8]?
    var chainText: [UInt8] = []
    /// What follows the previous chain value in this record's link.
    var input: [UInt8] = []
    var prev: [UInt8]?
    var sequence: Int64?
    var timestamp: Int64?
    var id: String?
}

/// Reads records for the diagnosis and re-hashes them under other canonical forms.
final class RecordProbe {
    let settings: CheckSettings
    private var checker: RecordChecker
    private let parser = JSONLineParser()

    init(_ settings: CheckSettings) {
        self.settings = settings
        checker = RecordChecker(settings)
    }

    func probe(_ line: [UInt8]) -> ProbedRecord {
        var bytes = line
        bytes.append(0x0A)
        let r = checker.check(LineChunk(body: .lines(bytes), part: 0, offset: 0))
        guard let fact = r.facts.first else { return ProbedRecord(bytes: line, valid: false) }
        var p = ProbedRecord(bytes: line, valid: !fact.flags.contains(.invalid), issue: r.firstIssue?.issue)
        guard p.valid else { return p }
        p.hash = r.hashes
        p.hashBad = fact.flags.contains(.hashBad)
        if settings.fields.chain != nil { p.chain = r.chains }
        p.chainText = r.tail?.chainText ?? []
        p.input = r.head?.input ?? []
        p.prev = r.head?.prev
        if fact.flags.contains(.hasSequence) { p.sequence = fact.sequence }
        if fact.flags.contains(.hasTimestamp) { p.timestamp = fact.timestamp }
        if settings.fields.id != nil {
            line.withUnsafeBufferPointer { b in
                guard (try? parser.parse(b)) != nil else { return }
                var m = Members()
                var excluded: [Int] = []
                m.find(parser, b, settings, excluded: &excluded)
                p.id = m.id.map { Members.text(parser, b, $0) }
            }
        }
        return p
    }

    /// The record's hash under another canonical form and treatment of the hash members; nil when the
    /// record cannot be written that way.
    func hash(_ line: [UInt8], form: CanonicalForm, mode: HashFieldsMode) -> [UInt8]? {
        line.withUnsafeBufferPointer { b -> [UInt8]? in
            guard (try? parser.parse(b)) != nil else { return nil }
            var m = Members()
            var excluded: [Int] = []
            m.find(parser, b, settings, excluded: &excluded)
            var writer = CanonicalWriter(parser: parser, line: b, excluded: excluded, mode: mode)
            var out: [UInt8] = []
            guard (try? writer.write(form, into: &out)) != nil else { return nil }
            return settings.hashing.algorithm.hash(out)
        }
    }

    /// Does `record` follow `previous` in the chain?
    func links(_ previous: ProbedRecord, _ record: ProbedRecord) -> Bool {
        guard previous.valid, record.valid, let chain = record.chain, let before = previous.chain else { return false }
        let form = settings.chain.input == .bytes ? before : previous.chainText
        return settings.link(form, record.input) == chain
    }
}
