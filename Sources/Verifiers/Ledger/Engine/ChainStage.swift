/// Where a checkpointed pass starts: the pinned record, which is read again and must be unchanged.
struct ResumeState: Sendable {
    var point: ResumePoint
    /// The pinned record's ordinal and line.
    var ordinal: Int
    var line: Int
    var hash: [UInt8]
    var chain: [UInt8]
    var sequence: Int64?
    var timestamp: Int64?
    /// The Merkle tree up to and including the pinned record, when the checkpoint holds it.
    var merkle: MerkleTree?
}

/// The in-order half of a pass: takes each chunk's results in ledger order, checks each chunk's first
/// link against the chunk before, sequence numbers and timestamps, extends the Merkle tree, captures
/// the records asked for, and remembers the first break in detail and counts the rest.
struct ChainStage {
    let settings: CheckSettings
    let captures: Set<Int>
    let rootSizes: Set<Int>
    let leafIndices: Set<Int>
    private(set) var outcome = ScanOutcome()
    private var tail: ChainTail?
    private var resume: ResumeState?
    private var part = -1
    private var line = 0
    private var sequence: Int64?
    private var timestamp: Int64?

    init(settings: CheckSettings, resume: ResumeState?, captures: Set<Int>, rootSizes: Set<Int>, leafIndices: Set<Int>) {
        self.settings = settings
        self.captures = captures
        self.rootSizes = rootSizes
        self.leafIndices = leafIndices
        self.resume = resume
        if let resume {
            outcome.records = resume.ordinal - 1
            part = resume.point.part
            line = resume.line - 1
            outcome.merkle = resume.merkle ?? MerkleTree()
        }
    }

    /// Absorbs one chunk; false stops the pass (a resumed pass whose pinned record changed).
    mutating func absorb(_ chunk: LineChunk, _ r: ChunkResult) -> Bool {
        let n = settings.hashing.algorithm.length
        if chunk.part != part { part = chunk.part; line = 0 }
        if case .lines(let bytes) = chunk.body { outcome.bytes += Int64(bytes.count) } else if case .oversized(let l) = chunk.body { outcome.bytes += l }
        // The chunk's last record becomes `outcome.last` at the end: its digests are copied once a chunk.
        var last: (place: RecordPlace, index: Int, valid: Bool)?
        defer { if let last { outcome.last = captured(last.place, r, last.index, valid: last.valid) } }
        for (i, fact) in r.facts.enumerated() {
            line += 1
            let place = RecordPlace(ordinal: outcome.records + 1, part: chunk.part, line: line, offset: fact.offset,
                                    length: fact.length, key: chunk.keys?[i])
            let valid = !fact.flags.contains(.invalid)
            if let pin = resume {
                // The pinned record itself: already counted; it must be exactly what the checkpoint saw.
                resume = nil
                guard valid, !fact.flags.contains(.hashBad), r.hashes[(i * n)..<((i + 1) * n)].elementsEqual(pin.hash),
                      r.chains[(i * n)..<((i + 1) * n)].elementsEqual(pin.chain) else {
                    outcome.resumeRefused = valid ? "the pinned record's hashes changed" : "the pinned record no longer reads as a record"
                    return false
                }
                outcome.records += 1
                outcome.checked += 1
                sequence = fact.flags.contains(.hasSequence) ? fact.sequence : pin.sequence
                timestamp = fact.flags.contains(.hasTimestamp) ? fact.timestamp : pin.timestamp
                remember(place, r, i, valid: true, fact: fact)
                last = (place, i, true)
                continue
            }
            outcome.records += 1
            outcome.checked += 1
            var kinds: BreakKinds = []
            if !valid {
                kinds.insert(.invalid)
            } else {
                if fact.flags.contains(.hashBad) { kinds.insert(.recordHash) }
                kinds.formUnion(i == 0 ? headLink(r.head, fact, place) : inChunkLink(fact))
            }
            var previousSequence = sequence, previousTimestamp = timestamp
            kinds.formUnion(order(fact, place, &previousSequence, &previousTimestamp))
            if valid, settings.wantsLeaves {
                let leaf = Array(r.leaves[(i * 32)..<((i + 1) * 32)])
                if leafIndices.contains(outcome.merkle.size) { outcome.leaves[outcome.merkle.size] = leaf }
                outcome.merkle.append(leafHash: leaf)
                if rootSizes.contains(outcome.merkle.size) { outcome.roots[outcome.merkle.size] = outcome.merkle.root }
            }
            if !kinds.isEmpty {
                record(kinds, place, r, i, previousSequence, previousTimestamp, fact)
            }
            if fact.flags.contains(.precisionLoss) {
                outcome.precisionLosses += 1
                if outcome.firstPrecisionLoss == nil, let first = r.firstPrecisionLoss, first.index == i {
                    outcome.firstPrecisionLoss = (place, first.loss)
                }
            }
            remember(place, r, i, valid: valid, fact: fact)
            last = (place, i, valid)
        }
        // The chunk's last record links the next chunk's first (unless it was unreadable).
        if let last = r.facts.last, !last.flags.contains(.invalid), let t = r.tail { tail = t } else if !r.facts.isEmpty { tail = nil }
        if let t = tail { outcome.lastChainText = t.chainText }
        return true
    }

    private func captured(_ place: RecordPlace, _ r: ChunkResult, _ i: Int, valid: Bool) -> CapturedRecord {
        let n = settings.hashing.algorithm.length
        return CapturedRecord(place: place, hash: Array(r.hashes[(i * n)..<((i + 1) * n)]),
                              chain: Array(r.chains[(i * n)..<((i + 1) * n)]), valid: valid)
    }

    private mutating func remember(_ place: RecordPlace, _ r: ChunkResult, _ i: Int, valid: Bool, fact: RecordFact) {
        if !captures.isEmpty, captures.contains(place.ordinal) { outcome.captured[place.ordinal] = captured(place, r, i, valid: valid) }
        outcome.lastSequence = fact.flags.contains(.hasSequence) ? fact.sequence : nil
        outcome.lastTimestamp = fact.flags.contains(.hasTimestamp) ? fact.timestamp : nil
    }

    /// The first record of a chunk links to the last record of the chunk before (or to the genesis).
    private func headLink(_ head: ChainHead?, _ fact: RecordFact, _ place: RecordPlace) -> BreakKinds {
        guard let head else { return [] }
        var kinds: BreakKinds = []
        if place.ordinal == 1 {
            if settings.fields.chain != nil, settings.link(settings.genesis, head.input) != head.chain { kinds.insert(.genesis) }
            if let prev = head.prev, prev != settings.chain.genesisBytes { kinds.insert(.genesis) }
            return kinds
        }
        guard let tail else { return [] }
        if settings.fields.chain != nil {
            let previous = settings.chain.input == .bytes ? tail.chain : tail.chainText
            if settings.link(previous, head.input) != head.chain { kinds.insert(.link) }
        }
        if let prev = head.prev, prev != (settings.fields.prevPointsToChain ? tail.chain : tail.hash) { kinds.insert(.prev) }
        if head.prev == nil, settings.fields.prev != nil, fact.flags.contains(.prevNull) { kinds.insert(.prev) }
        return kinds
    }

    /// Ends the pass: a resumed pass that never met its pinned record found the ledger cut before it.
    mutating func finish() -> ScanOutcome {
        if resume != nil { outcome.resumeRefused = "the pinned record is no longer in the ledger" }
        return outcome
    }

    private func inChunkLink(_ fact: RecordFact) -> BreakKinds {
        var kinds: BreakKinds = []
        if fact.flags.contains(.linkBad) { kinds.insert(.link) }
        if fact.flags.contains(.prevBad) { kinds.insert(.prev) }
        if fact.flags.contains(.prevNull) { kinds.insert(.prev) }
        return kinds
    }

    /// Sequence numbers step by exactly one; timestamps never go back by more than the allowed skew.
    private mutating func order(_ fact: RecordFact, _ place: RecordPlace, _ previousSequence: inout Int64?,
                                _ previousTimestamp: inout Int64?) -> BreakKinds {
        var kinds: BreakKinds = []
        previousSequence = sequence
        previousTimestamp = timestamp
        if fact.flags.contains(.sequenceUnreadable) { kinds.insert(.sequenceUnreadable) }
        if fact.flags.contains(.hasSequence) {
            let s = fact.sequence
            if let p = sequence {
                if s == p { kinds.insert(.sequenceRepeat) } else if s < p { kinds.insert(.sequenceBack) } else if s != p &+ 1 { kinds.insert(.sequenceGap) }
            } else if place.ordinal == 1, let first = settings.fields.firstSequence, s != Int64(first) {
                kinds.insert(.sequenceStart)
            }
            sequence = s
        } else {
            sequence = nil
        }
        if fact.flags.contains(.timestampUnreadable) { kinds.insert(.timestampUnreadable) }
        if fact.flags.contains(.hasTimestamp) {
            // Nothing is earlier than a floor below Int64.min: wrapping it (a record of 1677) made every later
            // record "go back".
            if let p = timestamp, case (let floor, false) = p.subtractingReportingOverflow(settings.fields.maxSkewNanoseconds),
               fact.timestamp < floor {
                kinds.insert(.timestampBack)
            }
            timestamp = fact.timestamp
        } else {
            timestamp = nil
        }
        return kinds
    }

    private mutating func record(_ kinds: BreakKinds, _ place: RecordPlace, _ r: ChunkResult, _ i: Int,
                                 _ previousSequence: Int64?, _ previousTimestamp: Int64?, _ fact: RecordFact) {
        for k in [BreakKinds.invalid, .recordHash, .link, .prev, .genesis, .sequenceGap, .sequenceRepeat, .sequenceBack,
                  .sequenceStart, .sequenceUnreadable, .timestampBack, .timestampUnreadable] where kinds.contains(k) {
            outcome.kindCounts[k, default: 0] += 1
        }
        guard outcome.firstBreak == nil else { outcome.brokenAfter += 1; return }
        var issue: RecordIssue?
        if let first = r.firstIssue, first.index == i { issue = first.issue }
        else if let first = r.firstFieldIssue, first.index == i { issue = first.issue }
        outcome.firstBreak = FirstBreak(
            place: place, kinds: kinds, issue: issue, previousSequence: previousSequence,
            sequence: fact.flags.contains(.hasSequence) ? fact.sequence : nil,
            previousTimestamp: previousTimestamp, timestamp: fact.flags.contains(.hasTimestamp) ? fact.timestamp : nil)
    }
}
