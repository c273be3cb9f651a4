import Foundation

/// Checks the records of one chunk: parses each line, canonicalises it without its hash members, hashes
/// it, compares the stored hash, and checks each link to the record before it in the same chunk. One per
/// worker; its buffers are reused from line to line.
final class RecordChecker {
    let settings: CheckSettings
    let parser = JSONLineParser()
    private var canonical: [UInt8] = []
    private var linkInput: [UInt8] = []
    private var excluded: [Int] = []
    // The previous record of this chunk (valid only while `hasPrevious`).
    private var hasPrevious = false
    private var previousChain: [UInt8] = []
    private var previousChainText: [UInt8] = []
    private var previousHash: [UInt8] = []

    init(_ settings: CheckSettings) {
        self.settings = settings
        canonical.reserveCapacity(4096)
    }

    func check(_ chunk: LineChunk) -> ChunkResult {
        var result = ChunkResult()
        hasPrevious = false
        switch chunk.body {
        case .oversized(let length):
            var fact = RecordFact(offset: chunk.offset, length: Int(clamping: length), flags: .invalid)
            fact.flags.insert(.invalid)
            result.facts.append(fact)
            result.firstIssue = (0, RecordIssue(
                message: "the line is \(length) bytes long, more than 'max-record-bytes' (\(settings.maxRecordBytes)); it was skipped unread",
                column: nil, key: nil))
            appendZeros(&result)
        case .lines(let bytes):
            result.facts.reserveCapacity(bytes.count / 200)
            bytes.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return }
                var start = 0
                while start < b.count {
                    let end = memchr(base + start, 0x0A, b.count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? b.count
                    let line = UnsafeBufferPointer(rebasing: b[start..<end])
                    check(line: line, offset: chunk.offset + Int64(start), into: &result)
                    start = end + 1
                }
            }
        }
        return result
    }

    private func appendZeros(_ result: inout ChunkResult) {
        let n = settings.hashing.algorithm.length
        result.hashes.append(contentsOf: repeatElement(0, count: n))
        result.chains.append(contentsOf: repeatElement(0, count: n))
        if settings.wantsLeaves { result.leaves.append(contentsOf: repeatElement(0, count: 32)) }
    }

    private func fail(_ result: inout ChunkResult, _ fact: RecordFact, _ issue: RecordIssue) {
        var f = fact
        f.flags.insert(.invalid)
        if result.firstIssue == nil { result.firstIssue = (result.facts.count, issue) }
        result.facts.append(f)
        appendZeros(&result)
        hasPrevious = false
        result.tail = nil
    }

    private func check(line: UnsafeBufferPointer<UInt8>, offset: Int64, into result: inout ChunkResult) {
        let fact = RecordFact(offset: offset, length: line.count, flags: [])
        if line.count > settings.maxRecordBytes {
            fail(&result, fact, RecordIssue(message: "the line is \(line.count) bytes long, more than 'max-record-bytes' (\(settings.maxRecordBytes))",
                                            column: nil, key: nil))
            return
        }
        do {
            try parser.parse(line)
        } catch {
            fail(&result, fact, RecordIssue(message: "\(error.kind.rawValue): \(error.message)", column: error.offset + 1, key: error.key))
            return
        }
        var members = Members()
        excluded.removeAll(keepingCapacity: true)
        members.find(parser, line, settings, excluded: &excluded)
        do throws(RecordIssue) {
            try record(line, members, fact, into: &result)
        } catch {
            fail(&result, fact, error)
        }
    }

    private func record(_ line: UnsafeBufferPointer<UInt8>, _ m: Members, _ base: RecordFact,
                        into result: inout ChunkResult) throws(RecordIssue) {
        var fact = base
        let s = settings
        let length = s.hashing.algorithm.length
        // The stored hash and chain, decoded.
        var storedHash: [UInt8]?
        if let name = s.fields.hash { storedHash = try digest(m.hash, name, line) }
        var storedChain: [UInt8]?
        if let name = s.fields.chain { storedChain = try digest(m.chain, name, line) }
        var storedPrev: [UInt8]?
        if let name = s.fields.prev {
            guard let index = m.prev else { throw RecordIssue(message: "the record has no '\(name)' member", column: nil, key: name) }
            if parser.nodes[index].kind == .nullLiteral {
                fact.flags.insert(.prevNull)
            } else {
                storedPrev = try digest(index, name, line)
            }
        }
        // The record's own hash over its canonical form.
        canonical.removeAll(keepingCapacity: true)
        var writer = CanonicalWriter(parser: parser, line: line, excluded: excluded, mode: s.fields.hashFieldsAs)
        do {
            try writer.write(s.hashing.canonical, into: &canonical)
        } catch {
            throw RecordIssue(message: "\(error.kind.rawValue): \(error.message)", column: error.offset + 1, key: error.key)
        }
        if let loss = writer.precisionLoss {
            fact.flags.insert(.precisionLoss)
            if result.firstPrecisionLoss == nil { result.firstPrecisionLoss = (result.facts.count, loss) }
        }
        var computed: [UInt8] = []
        computed.reserveCapacity(length)
        canonical.withUnsafeBytes { s.hashing.algorithm.hash($0, into: &computed) }
        if let storedHash, storedHash != computed { fact.flags.insert(.hashBad) }
        let recordHash = storedHash ?? computed
        // The link to the previous record of this chunk.
        if let storedChain {
            linkInput.removeAll(keepingCapacity: true)
            switch (s.chain.over, s.chain.input) {
            case (.record, _): linkInput.append(contentsOf: canonical)
            case (.hash, .bytes): linkInput.append(contentsOf: recordHash)
            case (.hash, .text):
                if let i = m.hash { linkInput.append(contentsOf: Members.stringBytes(parser, line, i)) }
                else { linkInput.append(contentsOf: s.hashing.text.encode(computed).utf8) }
            }
            if hasPrevious {
                fact.flags.insert(.linkChecked)
                let previous = s.chain.input == .bytes ? previousChain : previousChainText
                if s.link(previous, linkInput) != storedChain { fact.flags.insert(.linkBad) }
            } else if result.facts.isEmpty {
                result.head = ChainHead(input: linkInput, chain: storedChain, prev: storedPrev)
            }
        } else if result.facts.isEmpty {
            result.head = ChainHead(input: [], chain: [], prev: storedPrev)
        }
        if let storedPrev, hasPrevious {
            fact.flags.insert(.prevChecked)
            if storedPrev != (s.fields.prevPointsToChain ? previousChain : previousHash) { fact.flags.insert(.prevBad) }
        }
        try sequenceAndTime(m, line, &fact, &result)
        // Remember this record for the next one.
        hasPrevious = true
        previousHash = recordHash
        previousChain = storedChain ?? []
        previousChainText.removeAll(keepingCapacity: true)
        if let i = m.chain { previousChainText.append(contentsOf: Members.stringBytes(parser, line, i)) }
        result.facts.append(fact)
        result.hashes.append(contentsOf: recordHash)
        if let storedChain { result.chains.append(contentsOf: storedChain) } else { result.chains.append(contentsOf: repeatElement(0, count: length)) }
        if s.wantsLeaves { result.leaves.append(contentsOf: MerkleTree.leafHash(recordHash)) }
        result.tail = ChainTail(chain: previousChain, chainText: previousChainText, hash: recordHash)
    }

    /// A stored digest member: a string in the configured encoding, of the algorithm's length.
    private func digest(_ index: Int?, _ name: String, _ line: UnsafeBufferPointer<UInt8>) throws(RecordIssue) -> [UInt8] {
        guard let index else { throw RecordIssue(message: "the record has no '\(name)' member", column: nil, key: name) }
        let node = parser.nodes[index]
        guard node.kind == .string else {
            throw RecordIssue(message: "'\(name)' must be a string holding a digest", column: node.start + 1, key: name)
        }
        let text = Members.stringBytes(parser, line, index)
        var out: [UInt8] = []
        let length = settings.hashing.algorithm.length
        out.reserveCapacity(length)
        let ok = text.withUnsafeBufferPointer { settings.hashing.text.decode($0, into: &out) }
        guard ok, out.count == length else {
            throw RecordIssue(message: settings.describeBadDigest(text, decoded: ok ? out.count : nil, name: name),
                              column: node.start + 1, key: name)
        }
        return out
    }

    private func sequenceAndTime(_ m: Members, _ line: UnsafeBufferPointer<UInt8>, _ fact: inout RecordFact,
                                 _ result: inout ChunkResult) throws(RecordIssue) {
        let index = result.facts.count
        if let name = settings.fields.sequence {
            if let v = m.sequence.flatMap({ Members.integer(parser, line, $0) }) {
                fact.sequence = v
                fact.flags.insert(.hasSequence)
            } else {
                fact.flags.insert(.sequenceUnreadable)
                if result.firstFieldIssue == nil {
                    let what = m.sequence == nil ? "the record has no '\(name)' member" : "'\(name)' is not an integer sequence number"
                    result.firstFieldIssue = (index, RecordIssue(message: what, column: m.sequence.map { parser.nodes[$0].start + 1 }, key: name))
                }
            }
        }
        if let name = settings.fields.timestamp {
            if let v = m.timestamp.flatMap({ Members.timestamp(parser, line, $0, unit: settings.fields.timestampUnit) }) {
                fact.timestamp = v
                fact.flags.insert(.hasTimestamp)
            } else {
                fact.flags.insert(.timestampUnreadable)
                if result.firstFieldIssue == nil {
                    let what = m.timestamp == nil ? "the record has no '\(name)' member"
                        : "'\(name)' is neither RFC 3339 text nor a number of \(settings.fields.timestampUnitName)"
                    result.firstFieldIssue = (index, RecordIssue(message: what, column: m.timestamp.map { parser.nodes[$0].start + 1 }, key: name))
                }
            }
        }
    }
}
