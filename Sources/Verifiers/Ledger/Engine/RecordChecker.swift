import Foundation

/// Checks the records of one chunk: parses each line, canonicalises it without its hash members, hashes
/// it, compares the stored hash, and checks each link to the record before it in the same chunk. One per
/// worker; its buffers are reused from line to line, so a steady stream allocates nothing per record.
/// A value type: its state is accessed without the dynamic exclusivity checks a class's properties need.
struct RecordChecker {
    let settings: CheckSettings
    let parser = JSONLineParser()
    private var canonical: [UInt8] = []
    private var linkInput: [UInt8] = []
    private var joined: [UInt8] = []
    private var linked: [UInt8] = []
    private var excluded: [Int] = []
    // This record's digests: stored (decoded) and computed.
    private var storedHash: [UInt8] = []
    private var storedChain: [UInt8] = []
    private var storedPrev: [UInt8] = []
    private var computed: [UInt8] = []
    private var chainText: [UInt8] = []
    // The previous record of this chunk (valid only while `hasPrevious`).
    private var hasPrevious = false
    private var previousChain: [UInt8] = []
    private var previousChainText: [UInt8] = []
    private var previousHash: [UInt8] = []

    init(_ settings: CheckSettings) {
        self.settings = settings
        canonical.reserveCapacity(4096)
    }

    mutating func check(_ chunk: LineChunk) -> ChunkResult {
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
        // The chunk's last record links the next chunk's first (unless it could not be read).
        if hasPrevious { result.tail = ChainTail(chain: previousChain, chainText: previousChainText, hash: previousHash) }
        return result
    }

    private func appendZeros(_ result: inout ChunkResult) {
        let n = settings.hashing.algorithm.length
        result.hashes.append(contentsOf: repeatElement(0, count: n))
        result.chains.append(contentsOf: repeatElement(0, count: n))
        if settings.wantsLeaves { result.leaves.append(contentsOf: repeatElement(0, count: 32)) }
    }

    private mutating func fail(_ result: inout ChunkResult, _ fact: RecordFact, _ issue: RecordIssue) {
        var f = fact
        f.flags.insert(.invalid)
        if result.firstIssue == nil { result.firstIssue = (result.facts.count, issue) }
        result.facts.append(f)
        appendZeros(&result)
        hasPrevious = false
    }

    private mutating func check(line: UnsafeBufferPointer<UInt8>, offset: Int64, into result: inout ChunkResult) {
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

    private mutating func record(_ line: UnsafeBufferPointer<UInt8>, _ m: Members, _ base: RecordFact,
                                 into result: inout ChunkResult) throws(RecordIssue) {
        var fact = base
        // The stored hash and chain, decoded.
        let hasStoredHash = settings.fields.hash != nil
        if let name = settings.fields.hash { try Self.digest(parser, settings, m.hash, name, line, into: &storedHash) }
        let hasStoredChain = settings.fields.chain != nil
        if let name = settings.fields.chain { try Self.digest(parser, settings, m.chain, name, line, into: &storedChain) }
        var hasStoredPrev = false
        if let name = settings.fields.prev {
            guard let index = m.prev else { throw RecordIssue(message: "the record has no '\(name)' member", column: nil, key: name) }
            if parser.nodes[index].kind == .nullLiteral {
                fact.flags.insert(.prevNull)
            } else {
                try Self.digest(parser, settings, index, name, line, into: &storedPrev)
                hasStoredPrev = true
            }
        }
        // The record's own hash over its canonical form.
        canonical.removeAll(keepingCapacity: true)
        var writer = CanonicalWriter(parser: parser, line: line, excluded: excluded, mode: settings.fields.hashFieldsAs)
        do {
            try writer.write(settings.hashing.canonical, into: &canonical)
        } catch {
            throw RecordIssue(message: "\(error.kind.rawValue): \(error.message)", column: error.offset + 1, key: error.key)
        }
        if let loss = writer.precisionLoss {
            fact.flags.insert(.precisionLoss)
            if result.firstPrecisionLoss == nil { result.firstPrecisionLoss = (result.facts.count, loss) }
        }
        computed.removeAll(keepingCapacity: true)
        settings.hashing.algorithm.hash(canonical, into: &computed)
        if hasStoredHash, storedHash != computed { fact.flags.insert(.hashBad) }
        // From here on `storedHash` is the record hash (stored, or computed when records store none).
        if !hasStoredHash { swap(&storedHash, &computed) }
        // The link to the previous record of this chunk.
        chainText.removeAll(keepingCapacity: true)
        if let i = m.chain { Members.appendString(parser, line, i, to: &chainText) }
        if hasStoredChain {
            linkInput.removeAll(keepingCapacity: true)
            switch (settings.chain.over, settings.chain.input) {
            case (.record, _): linkInput.append(contentsOf: canonical)
            case (.hash, .bytes): linkInput.append(contentsOf: storedHash)
            case (.hash, .text):
                if let i = m.hash { Members.appendString(parser, line, i, to: &linkInput) }
                else { linkInput.append(contentsOf: settings.hashing.text.encode(storedHash).utf8) }
            }
            if hasPrevious {
                fact.flags.insert(.linkChecked)
                if settings.chain.input == .bytes {
                    settings.link(previousChain, linkInput, joined: &joined, into: &linked)
                } else {
                    settings.link(previousChainText, linkInput, joined: &joined, into: &linked)
                }
                if linked != storedChain { fact.flags.insert(.linkBad) }
            } else if result.facts.isEmpty {
                result.head = ChainHead(input: linkInput, chain: storedChain, prev: hasStoredPrev ? storedPrev : nil)
            }
        } else if result.facts.isEmpty {
            result.head = ChainHead(input: [], chain: [], prev: hasStoredPrev ? storedPrev : nil)
        }
        if hasStoredPrev, hasPrevious {
            fact.flags.insert(.prevChecked)
            if storedPrev != (settings.fields.prevPointsToChain ? previousChain : previousHash) { fact.flags.insert(.prevBad) }
        }
        try sequenceAndTime(m, line, &fact, &result)
        // Remember this record for the next one (the buffers swap: nothing is copied or allocated).
        hasPrevious = true
        swap(&previousHash, &storedHash)
        if hasStoredChain { swap(&previousChain, &storedChain) } else { previousChain.removeAll(keepingCapacity: true) }
        swap(&previousChainText, &chainText)
        result.facts.append(fact)
        result.hashes.append(contentsOf: previousHash)
        if hasStoredChain { result.chains.append(contentsOf: previousChain) } else { result.chains.append(contentsOf: repeatElement(0, count: settings.hashing.algorithm.length)) }
        if settings.wantsLeaves { result.leaves.append(contentsOf: MerkleTree.leafHash(previousHash)) }
    }

    /// A stored digest member: a string in the configured encoding, of the algorithm's length, decoded
    /// into `out` (which is emptied first). Static: a method on `self` given one of `self`'s buffers
    /// inout makes Swift copy the whole checker for each call.
    private static func digest(_ parser: JSONLineParser, _ settings: CheckSettings, _ index: Int?, _ name: String,
                               _ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(RecordIssue) {
        guard let index else { throw RecordIssue(message: "the record has no '\(name)' member", column: nil, key: name) }
        let node = parser.nodes[index]
        guard node.kind == .string else {
            throw RecordIssue(message: "'\(name)' must be a string holding a digest", column: node.start + 1, key: name)
        }
        out.removeAll(keepingCapacity: true)
        let length = settings.hashing.algorithm.length
        let ok: Bool
        if !node.escaped {
            ok = settings.hashing.text.decode(UnsafeBufferPointer(rebasing: line[(node.start + 1)..<(node.end - 1)]), into: &out)
        } else {
            let text = Members.stringBytes(parser, line, index)
            ok = text.withUnsafeBufferPointer { settings.hashing.text.decode($0, into: &out) }
        }
        guard ok, out.count == length else {
            let text = Members.stringBytes(parser, line, index)
            throw RecordIssue(message: settings.describeBadDigest(text, decoded: ok ? out.count : nil, name: name),
                              column: node.start + 1, key: name)
        }
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
                    let what = if let t = m.timestamp, Members.timestampOutOfRange(parser, line, t) {
                        "'\(name)' is outside the times gate compares (1677-09-21 to 2262-04-11, what 64-bit nanoseconds "
                            + "since 1970 hold)"
                    } else if m.timestamp == nil { "the record has no '\(name)' member" } else {
                        "'\(name)' is neither RFC 3339 text nor a number of \(settings.fields.timestampUnitName)"
                    }
                    result.firstFieldIssue = (index, RecordIssue(message: what, column: m.timestamp.map { parser.nodes[$0].start + 1 }, key: name))
                }
            }
        }
    }
}
